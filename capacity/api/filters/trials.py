"""List filters of mould trials."""

import django_filters

from capacity.models import MouldTrial


class MouldTrialFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")
    status = django_filters.ChoiceFilter(choices=MouldTrial.Status.choices)

    class Meta:
        model = MouldTrial
        fields = ["project", "status"]
