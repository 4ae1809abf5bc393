"""List filters of the capacity API (django-filter). They narrow what the caller may already see."""

from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.models import Drawing, Part, Project, PurchaseOrder, Question, Quote, Rfq, SupplierProfile


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


class SupplierProfileFilter(django_filters.FilterSet):
    process = django_filters.CharFilter(field_name="capacities__process__code", lookup_expr="iexact",
                                        label=_("Offers this process (code)"))
    material = django_filters.CharFilter(method="filter_material", label=_("Handles this material"))

    class Meta:
        model = SupplierProfile
        fields = ["process", "material", "region_code"]

    def filter_material(self, queryset, name, value):
        return queryset.filter(materials__contains=[value.strip().upper()])


class ProjectFilter(django_filters.FilterSet):
    class Meta:
        model = Project
        fields = ["status", "code"]


class PartFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")
    parent = django_filters.NumberFilter(field_name="parent")
    top = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Top-level parts only"))
    material = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Part
        fields = ["project", "parent", "top", "part_no", "material", "standard_part"]


class DrawingFilter(django_filters.FilterSet):
    part = django_filters.NumberFilter(field_name="part")

    class Meta:
        model = Drawing
        fields = ["part"]


class RfqFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")

    class Meta:
        model = Rfq
        fields = ["status", "project", "open_to_all"]


class QuestionFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")
    answered = django_filters.BooleanFilter(method="filter_answered")

    class Meta:
        model = Question
        fields = ["rfq", "answered"]

    def filter_answered(self, queryset, name, value):
        return queryset.exclude(answer="") if value else queryset.filter(answer="")


class QuoteFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")

    class Meta:
        model = Quote
        fields = ["rfq"]


class PurchaseOrderFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")
    supplier = django_filters.NumberFilter(field_name="supplier")

    class Meta:
        model = PurchaseOrder
        fields = ["rfq", "supplier"]


from capacity.models import MouldTrial  # noqa: E402  (remote mould trials)


class MouldTrialFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")
    status = django_filters.ChoiceFilter(choices=MouldTrial.Status.choices)

    class Meta:
        model = MouldTrial
        fields = ["project", "status"]


# --- Work orders, progress reports, attachments, change requests -----------------------------------------

from capacity.models import Attachment, ChangeRequest, ProgressReport, WorkOrder  # noqa: E402  (this section's)


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


class AttachmentFilter(django_filters.FilterSet):
    report = django_filters.NumberFilter(field_name="report")
    trial = django_filters.NumberFilter(field_name="trial")

    class Meta:
        model = Attachment
        fields = ["report", "trial", "kind"]


class ChangeRequestFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="line__work_order")
    line = django_filters.NumberFilter(field_name="line")
    status = django_filters.ChoiceFilter(choices=ChangeRequest.Status.choices)

    class Meta:
        model = ChangeRequest
        fields = ["work_order", "line", "status"]
