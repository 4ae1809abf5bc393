"""List filters of work orders and progress reports."""

from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.models import ProgressReport, WorkOrder


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 instant, turned to UTC: ISO allows UTC offsets up to ±23:59, PostgreSQL refuses those beyond
    ±15:59 (a 500 on `?since=2026-01-01T00:00:00-22:00`); an instant UTC cannot hold is invalid input."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(dt_timezone.utc)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class WorkOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WorkOrder.Status.choices)
    rfq = django_filters.NumberFilter(field_name="rfq")
    project = django_filters.NumberFilter(field_name="rfq__project", label=_("Project (its id)"))
    supplier = django_filters.NumberFilter(field_name="supplier", label=_("Supplier enterprise (its id)"))

    class Meta:
        model = WorkOrder
        fields = ["status", "rfq", "project", "supplier"]


class ProgressReportFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="line__work_order")
    line = django_filters.NumberFilter(field_name="line")
    operation = django_filters.NumberFilter(field_name="operation")
    since = UtcIsoDateTimeFilter(field_name="reported_at", lookup_expr="gte",
                                 label=_("Reported at or after (ISO 8601)"))

    class Meta:
        model = ProgressReport
        fields = ["work_order", "line", "operation", "status", "since"]
