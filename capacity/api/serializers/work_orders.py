"""Work orders, their lines and progress reports over the API, one report or many at once."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.api.serializers.attachments import AttachmentSerializer
from capacity.api.serializers.projects import OperationSerializer
from capacity.models import Attachment, Part, ProgressReport, WorkOrder, WorkOrderLine
from capacity.selectors.work_orders import line_operations
from capacity.services.work_orders import MAX_BULK_REPORTS
from ledger.money import vat_inside
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money


class WorkOrderPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "part_no", "name", "material"]
        read_only_fields = fields


class WorkOrderLineSerializer(serializers.ModelSerializer):
    part = WorkOrderPartSerializer(read_only=True)
    process = serializers.SerializerMethodField(help_text=_("The tendered operation's process, or null for the "
                                                            "whole part."))
    operations = serializers.SerializerMethodField(help_text=_("The operations this line covers, in order: "
                                                               "report progress on these."))
    current_process = serializers.SerializerMethodField(help_text=_("Process of the first operation not done."))
    amount = serializers.SerializerMethodField(help_text=_("unit_price × quantity, VAT included"))
    tax_amount = serializers.SerializerMethodField(help_text=_("The VAT inside amount."))
    outstanding_quantity = serializers.IntegerField(read_only=True, help_text=_("Pieces still to deliver."))

    class Meta:
        model = WorkOrderLine
        fields = ["id", "part", "operation", "process", "operations", "quantity", "unit_price", "vat_rate", "amount",
                  "tax_amount", "due_date", "progress_status", "progress_percent", "current_operation",
                  "current_process", "planned_completion", "last_reported_at", "delivered_quantity",
                  "accepted_quantity", "rejected_quantity", "outstanding_quantity", "completed_on", "on_time"]
        read_only_fields = fields

    def get_process(self, line) -> str | None:
        return line.operation.process.code if line.operation_id else None

    @extend_schema_field(OperationSerializer(many=True))
    def get_operations(self, line):
        return OperationSerializer(line_operations(line), many=True).data

    def get_current_process(self, line) -> str | None:
        return line.current_operation.process.code if line.current_operation_id else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_amount(self, line):
        return f"{line.unit_price * line.quantity:.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_tax_amount(self, line):
        return f"{vat_inside(line.unit_price * line.quantity, line.vat_rate):.2f}"


class WorkOrderSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="purchase_order.number", read_only=True,
                                   help_text=_("The purchase order's number."))
    rfq_number = serializers.CharField(source="rfq.number", read_only=True)
    project = serializers.IntegerField(source="rfq.project_id", read_only=True)
    buyer = EnterpriseBriefSerializer(read_only=True)
    supplier = EnterpriseBriefSerializer(read_only=True)
    total_amount = serializers.SerializerMethodField(help_text=_("Sum of the lines, VAT included."))
    accepted_amount = money(help_text=_("Value of the pieces accepted so far, VAT included."))
    accepted_tax = money(help_text=_("The VAT inside accepted_amount."))
    lines = WorkOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "purchase_order", "rfq", "rfq_number", "project", "buyer", "supplier", "status",
                  "decline_reason", "created_at", "decided_at", "currency", "total_amount", "accepted_amount",
                  "accepted_tax", "last_accepted_on", "completed_at", "lines"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_total_amount(self, work_order):
        return f"{sum((line.unit_price * line.quantity for line in work_order.lines.all()), Decimal(0)):.2f}"


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why you decline: the buyer reads it."))


class ProgressReportSerializer(serializers.ModelSerializer):
    work_order = serializers.IntegerField(source="line.work_order_id", read_only=True)
    part_no = serializers.CharField(source="line.part.part_no", read_only=True)
    process = serializers.CharField(source="operation.process.code", read_only=True)
    reported_by = PersonField()
    files = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "work_order", "line", "part_no", "operation", "process", "status", "percent",
                  "quantity_done", "reason", "note", "planned_completion", "reported_by", "reported_at", "files"]
        read_only_fields = fields


class ProgressReportInputSerializer(serializers.Serializer):
    """A report on one operation of one line. Files only in a multipart body."""

    line = serializers.IntegerField(help_text=_("A line of this work order."))
    operation = serializers.IntegerField(help_text=_("One of the line's operations (see the line's operations)."))
    status = serializers.ChoiceField(choices=ProgressReport.Status.choices)
    percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100, default=None)
    quantity_done = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=_("Required when blocked: what blocks it."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    planned_completion = serializers.DateField(required=False, allow_null=True, default=None)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                  help_text=_("Photos (JPEG, PNG, HEIC), videos (MP4, MOV) or inspection reports "
                                              "(PDF, XLSX); at most 10."))
    kind = serializers.ListField(child=serializers.ChoiceField(choices=Attachment.Kind.choices), required=False,
                                 default=list, help_text=_("The kind of each file, in the order of files, or one "
                                                           "kind for all; without it each file's kind is told "
                                                           "from its content."))


class RefusedItem:
    """In place of a bulk item its own input check refused: the check's errors, by field."""

    def __init__(self, detail):
        self.detail = detail


class EveryItemChecked(serializers.ListSerializer):
    """A list whose every item is checked on its own, without failing the list: a refused item stays in its place as
    a RefusedItem, so the good ones can still be checked against the domain's rules and one answer names every bad
    item. The list itself (not a list, empty, too long) fails as usual."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            return RefusedItem(exc.detail)


class EveryItemCheckedSchema(OpenApiSerializerFieldExtension):
    """The list's bounds in the schema too (drf-spectacular leaves a list serializer's out)."""

    target_class = EveryItemChecked

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "array", "items": auto_schema.resolve_serializer(self.target.child, direction).ref}
        if not self.target.allow_empty:
            schema["minItems"] = max(1, self.target.min_length or 0)
        elif self.target.min_length is not None:
            schema["minItems"] = self.target.min_length
        if self.target.max_length is not None:
            schema["maxItems"] = self.target.max_length
        return schema


class ProgressReportBulkItemSerializer(ProgressReportInputSerializer):
    """One report of a bulk call: the fields of a single report, and the work order it is on. No files."""

    files = None
    kind = None
    work_order = serializers.IntegerField(help_text=_("A work order in production that you make."))

    class Meta:
        list_serializer_class = EveryItemChecked


class ProgressReportBulkSerializer(serializers.Serializer):
    reports = ProgressReportBulkItemSerializer(
        many=True, allow_empty=False, max_length=MAX_BULK_REPORTS,
        help_text=_("Recorded in this order: a later report on the same operation of a line is the newer one."))


class ReportItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The item's place in reports, from 0."))
    field = serializers.CharField(allow_null=True, help_text=_("The item's field at fault, or null for the item as "
                                                               "a whole."))
    code = serializers.CharField(help_text=_("A stable code, e.g. required, invalid, not_found, invalid_state, "
                                             "permission_denied."))
    detail = serializers.CharField(help_text=_("A human-readable message, in the request's language."))


class InvalidReportsSerializer(serializers.Serializer):
    """400 of progress-reports/bulk: the usual error body, plus every refused item when the code is invalid_reports."""

    code = serializers.CharField(help_text=_("invalid_reports when items were refused; another code when the body "
                                             "as a whole is invalid (e.g. required, empty, max_length, not_a_list)."))
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.JSONField(), help_text=_(
        "For invalid_reports, the same messages as errors, under reports, by index and field: "
        '{"reports": {"3": {"operation": ["…"]}}}.'))
    errors = ReportItemErrorSerializer(many=True, required=False, help_text=_(
        "Every refused item (at least one entry each), in order of index; absent for other 400s."))
