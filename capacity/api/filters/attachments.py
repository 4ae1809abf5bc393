"""List filters of files."""

import django_filters

from capacity.models import Attachment


class AttachmentFilter(django_filters.FilterSet):
    report = django_filters.NumberFilter(field_name="report")
    trial = django_filters.NumberFilter(field_name="trial")

    class Meta:
        model = Attachment
        fields = ["report", "trial", "kind"]
