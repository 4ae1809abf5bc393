"""List filters of change requests."""

import django_filters

from capacity.models import ChangeRequest


class ChangeRequestFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="line__work_order")
    line = django_filters.NumberFilter(field_name="line")
    status = django_filters.ChoiceFilter(choices=ChangeRequest.Status.choices)

    class Meta:
        model = ChangeRequest
        fields = ["work_order", "line", "status"]
