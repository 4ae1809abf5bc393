"""Capacity sharing over the API: representations, and the input shapes the services take.

Money is Decimal and goes out as a string with two places ("18000.00"); prices include VAT.
Write serializers only check shapes and types; the rules are the services' (capacity.services.*).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity import selectors
from capacity.models import (
    Award, Drawing, Invitation, Machine, Operation, Part, Project, PurchaseOrder, Question, Quote, QuoteLine,
    Recommendation, Rfq, RfqLine, SupplierCapacity, SupplierProfile,
)
from capacity.services.work_orders import MAX_BULK_REPORTS
from tenants.models import Enterprise
from tenants.api.fields import PersonField


def money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class OwnProjectField(serializers.PrimaryKeyRelatedField):
    """One of the caller's own projects: another's is "does not exist", like one that does not."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or getattr(request, "brain", None) is None:  # schema generation
            return Project.objects.none()
        return selectors.project_list(brain=request.brain, enterprise_id=request.user.enterprise_id)


class EnterpriseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "legal_name", "short_name", "verified"]
        read_only_fields = fields


# --- Supplier profiles --------------------------------------------------------------------------


class CapacitySerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    process_name = serializers.CharField(source="process.name", read_only=True)

    class Meta:
        model = SupplierCapacity
        fields = ["process", "process_name", "weekly_free_hours"]


class MachineSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Machine
        fields = ["process", "machine_type", "brand", "model", "count", "envelope_x_mm", "envelope_y_mm",
                  "envelope_z_mm", "max_weight_kg", "tolerance_mm"]


class SupplierProfileSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)
    capacities = CapacitySerializer(many=True, read_only=True)
    machines = MachineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierProfile
        fields = ["id", "enterprise", "summary", "materials", "certifications", "region_code", "rating",
                  "on_time_rate", "first_pass_yield", "ratings_count", "completed_lines", "capacities", "machines",
                  "updated_at"]
        read_only_fields = fields


class CapacityInputSerializer(serializers.Serializer):
    process = serializers.CharField(max_length=20, help_text=_("A process code of the brain's catalogue."))
    weekly_free_hours = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0))


class MachineInputSerializer(serializers.ModelSerializer):
    process = serializers.CharField(max_length=20, help_text=_("A process code of the brain's catalogue."))

    class Meta:
        model = Machine
        fields = MachineSerializer.Meta.fields


class SupplierProfileInputSerializer(serializers.Serializer):
    """The whole profile: capacities and machines replace the stored ones."""

    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    materials = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    certifications = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                           default=list)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True, default="")
    capacities = CapacityInputSerializer(many=True, required=False, default=list)
    machines = MachineInputSerializer(many=True, required=False, default=list)


# --- Projects and parts -------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    part_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "customer", "due_date", "status", "part_count", "created_at"]
        read_only_fields = ["id", "status", "part_count", "created_at"]
        validators = []  # code uniqueness per buyer is the service's rule (and answer)


class BomFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A .csv (UTF-8 or GBK) or .xlsx BOM, header row first."))


class BomRowSerializer(serializers.Serializer):
    """One part of an ERP's BOM. A field left out keeps the stored value; null or "" clears it."""

    part_no = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    parent_no = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                      help_text=_("The assembly's part number; empty for a top-level part."))
    material = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    length_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    width_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    height_mm = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    weight_kg = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True)
    processes = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True,
                                      help_text=_("Process codes or names of the brain's catalogue, in order."))
    hardness = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    tolerance_mm = serializers.DecimalField(max_digits=6, decimal_places=4, required=False, allow_null=True)
    surface_ra = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True)
    standard_part = serializers.BooleanField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    remarks = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class BomRowsSerializer(serializers.Serializer):
    """The schema of the request; the rows are checked by the BOM rules (capacity.bom), every one reported."""

    rows = BomRowSerializer(many=True, help_text=_("1 to 20,000 parts, upserted by part number."))


class BomRowsShapeSerializer(serializers.Serializer):
    rows = serializers.ListField(min_length=1, max_length=20_000)

    def validate_rows(self, rows):
        # One flat message (fields.rows is a list of strings, as in every error), not DRF's error per index.
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise serializers.ValidationError(_("Row %(row)s is not an object of fields.") % {"row": index})
        return rows


class BomImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Row number in the file (the header is row 1), or the row's index "
                                               "from 0 in bom-rows."))
    column = serializers.CharField()
    reason = serializers.CharField()


class InvalidRowsSerializer(serializers.Serializer):
    """400 of import-bom: the usual error body, plus every bad row when rows are bad."""

    code = serializers.CharField(help_text="invalid_rows")
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rows = RowErrorSerializer(many=True, required=False,
                              help_text="Every bad row, when the code is invalid_rows (absent for other 400s).")


class OperationSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    process_name = serializers.CharField(source="process.name", read_only=True)

    class Meta:
        model = Operation
        fields = ["id", "sequence", "process", "process_name", "estimated_hours"]
        read_only_fields = fields


PART_SPEC_FIELDS = ["material", "length_mm", "width_mm", "height_mm", "weight_kg", "hardness", "tolerance_mm",
                    "surface_ra", "standard_part", "due_date", "remarks"]


class PartSerializer(serializers.ModelSerializer):
    """A part with its routing. Writes go through capacity.services.projects.part_save."""

    project = OwnProjectField(help_text=_("One of your projects (set on create)."))
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    parent_no = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                      help_text=_("Part number of the parent assembly; blank for a top part."))
    processes = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, write_only=True,
        help_text=_("The routing as process codes (or Chinese names), in order; replaces the stored one."),
    )
    routing = OperationSerializer(source="operations", many=True, read_only=True)

    class Meta:
        model = Part
        fields = ["id", "project", "part_no", "name", "parent", "parent_no", "quantity", *PART_SPEC_FIELDS,
                  "processes", "routing"]
        validators = []  # part numbers are upserted per project by the service

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["parent_no"] = instance.parent.part_no if instance.parent_id else ""
        return data

    def validate(self, attrs):
        if self.instance is not None:
            if "project" in attrs and attrs["project"].pk != self.instance.project_id:
                raise serializers.ValidationError({"project": _("A part cannot move to another project.")})
            if "part_no" in attrs and attrs["part_no"] != self.instance.part_no:
                raise serializers.ValidationError({"part_no": _("The part number cannot change.")})
        return attrs


class DrawingSerializer(serializers.ModelSerializer):
    part_no = serializers.CharField(source="part.part_no", read_only=True)

    class Meta:
        model = Drawing
        fields = ["id", "part", "part_no", "version", "original_name", "content_type", "size", "sha256",
                  "uploaded_at"]
        read_only_fields = fields


class DrawingFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, PNG, JPEG, DWG, DXF or STEP; checked by content."))


# --- RFQs ---------------------------------------------------------------------------------------


class RfqPartSerializer(serializers.ModelSerializer):
    """What a supplier needs to quote a part (drawings: /drawings/?part=<id>)."""

    class Meta:
        model = Part
        fields = ["id", "part_no", "name", "quantity", *PART_SPEC_FIELDS]
        read_only_fields = fields


class RfqLineSerializer(serializers.ModelSerializer):
    part = RfqPartSerializer(read_only=True)
    process = serializers.SerializerMethodField(help_text=_("The tendered operation's process, or null for the "
                                                            "whole part."))

    class Meta:
        model = RfqLine
        fields = ["id", "line_no", "part", "operation", "process", "quantity", "due_date"]
        read_only_fields = fields

    def get_process(self, line) -> str | None:
        return line.operation.process.code if line.operation_id else None


class RfqSerializer(serializers.ModelSerializer):
    buyer = EnterpriseBriefSerializer(read_only=True)
    lines = RfqLineSerializer(many=True, read_only=True)

    class Meta:
        model = Rfq
        fields = ["id", "number", "title", "project", "buyer", "status", "deadline", "open_to_all", "notes",
                  "created_at", "published_at", "closed_at", "lines"]
        read_only_fields = fields


class RfqLineInputSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    operation = serializers.IntegerField(required=False, allow_null=True,
                                         help_text=_("Tender only this operation of the part."))
    quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10_000_000,
                                        help_text=_("Defaults to the part's quantity."))
    due_date = serializers.DateField(required=False, allow_null=True, help_text=_("Defaults to the part's."))


class RfqCreateSerializer(serializers.Serializer):
    project = OwnProjectField(help_text=_("One of your projects."))
    title = serializers.CharField(max_length=200)
    deadline = serializers.DateTimeField(help_text=_("ISO 8601; at least an hour from now."))
    open_to_all = serializers.BooleanField(required=False, default=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    invited = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                    help_text=_("Enterprise ids of suppliers to invite."))
    lines = RfqLineInputSerializer(many=True, allow_empty=False)


class InvitationSerializer(serializers.ModelSerializer):
    supplier = EnterpriseBriefSerializer(read_only=True)
    matched_lines = serializers.ListField(
        child=serializers.DictField(), read_only=True,
        help_text=_("[{line: rfq line id, score, reasons: [process, envelope, tolerance, material, capacity:h]}]"),
    )

    class Meta:
        model = Invitation
        fields = ["id", "supplier", "source", "score", "matched_lines", "created_at"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    """The asker is named to the RFQ's buyer only; a supplier learns just whether it asked itself."""

    asked_by = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "rfq", "text", "answer", "asked_at", "answered_at", "mine", "asked_by"]
        read_only_fields = fields

    @extend_schema_field(EnterpriseBriefSerializer(allow_null=True))
    def get_asked_by(self, question):
        if question.rfq.buyer_id != self.context["enterprise_id"]:
            return None
        return EnterpriseBriefSerializer(question.asked_by).data

    def get_mine(self, question) -> bool:
        return question.asked_by_id == self.context["enterprise_id"]


class QuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


# --- Quotes -------------------------------------------------------------------------------------


class QuoteLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="rfq_line.line_no", read_only=True)
    amount = money(help_text=_("unit_price × the line's quantity"))

    class Meta:
        model = QuoteLine
        fields = ["id", "rfq_line", "line_no", "unit_price", "currency", "vat_rate", "price_includes_tax",
                  "lead_time_days", "valid_until", "remarks", "amount"]
        read_only_fields = fields


class QuoteSerializer(serializers.ModelSerializer):
    lines = QuoteLineSerializer(many=True, read_only=True)
    rfq_number = serializers.CharField(source="rfq.number", read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "rfq", "rfq_number", "revision", "remarks", "submitted_at", "lines"]
        read_only_fields = fields


class QuoteLineInputSerializer(serializers.Serializer):
    rfq_line = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                          help_text=_("CNY per piece, VAT included."))
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default=Decimal("13.00"),
                                        help_text=_("VAT rate in %: 0, 1, 3, 6, 9 or 13."))
    lead_time_days = serializers.IntegerField(min_value=1, max_value=3650)
    valid_until = serializers.DateField(required=False, allow_null=True)
    remarks = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class QuoteInputSerializer(serializers.Serializer):
    """The whole quote: a revision replaces the previous lines."""

    remarks = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    lines = QuoteLineInputSerializer(many=True, allow_empty=False)


# --- Comparison, recommendations, awards -------------------------------------------------------------


class ComparisonOfferSerializer(serializers.Serializer):
    supplier = serializers.IntegerField()
    quote_line = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    lead_time_days = serializers.IntegerField()
    valid_until = serializers.DateField(allow_null=True)
    remarks = serializers.CharField()
    lowest = serializers.BooleanField(help_text=_("The lowest unit price of the line."))
    fastest = serializers.BooleanField(help_text=_("The shortest lead time of the line."))
    awarded = serializers.BooleanField()


class ComparisonLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_no = serializers.IntegerField()
    part = serializers.IntegerField()
    part_no = serializers.CharField()
    name = serializers.CharField()
    process = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    lowest = serializers.IntegerField(allow_null=True, help_text=_("Supplier with the lowest unit price."))
    fastest = serializers.IntegerField(allow_null=True, help_text=_("Supplier with the shortest lead time."))
    awarded_quote_line = serializers.IntegerField(allow_null=True)
    offers = ComparisonOfferSerializer(many=True)


class ComparisonSupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    short_name = serializers.CharField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("Sum of its quoted lines."))
    lines_quoted = serializers.IntegerField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)
    revision = serializers.IntegerField(help_text=_("How many times the supplier submitted its quote."))
    remarks = serializers.CharField(help_text=_("The supplier's remarks on its whole quote."))


class ComparisonSerializer(serializers.Serializer):
    """While sealed only {sealed: true, quote_count}; afterwards lines × suppliers."""

    sealed = serializers.BooleanField()
    quote_count = serializers.IntegerField()
    lines = ComparisonLineSerializer(many=True, required=False)
    suppliers = ComparisonSupplierSerializer(many=True, required=False)

    def to_representation(self, table: selectors.Comparison):
        if table.sealed:
            return {"sealed": True, "quote_count": table.quote_count}
        lines = []
        for line, cells in table.rows():
            offers = [{
                "supplier": supplier.pk, "quote_line": cell.pk, "unit_price": cell.unit_price,
                "amount": cell.unit_price * line.quantity, "vat_rate": cell.vat_rate,
                "lead_time_days": cell.lead_time_days, "valid_until": cell.valid_until, "remarks": cell.remarks,
                "lowest": table.lowest.get(line.pk) == supplier.pk,
                "fastest": table.fastest.get(line.pk) == supplier.pk,
                "awarded": table.awarded.get(line.pk) == cell.pk,
            } for supplier, cell in cells if cell is not None]
            lines.append({
                "id": line.pk, "line_no": line.line_no, "part": line.part_id, "part_no": line.part.part_no,
                "name": line.part.name, "process": line.operation.process.code if line.operation_id else None,
                "quantity": line.quantity, "due_date": line.due_date, "lowest": table.lowest.get(line.pk),
                "fastest": table.fastest.get(line.pk), "awarded_quote_line": table.awarded.get(line.pk),
                "offers": offers,
            })
        quoted = {}
        for (_line, supplier_id) in table.cells:
            quoted[supplier_id] = quoted.get(supplier_id, 0) + 1
        suppliers = [{
            "id": s.pk, "legal_name": s.legal_name, "short_name": s.short_name,
            "total": table.totals.get(s.pk, Decimal(0)), "lines_quoted": quoted.get(s.pk, 0),
            "rating": getattr(table.profiles.get(s.pk), "rating", None),
            "on_time_rate": getattr(table.profiles.get(s.pk), "on_time_rate", None),
            "revision": table.quotes[s.pk].revision, "remarks": table.quotes[s.pk].remarks,
        } for s in table.suppliers]
        return {
            "sealed": False, "quote_count": table.quote_count,
            "lines": ComparisonLineSerializer(lines, many=True).data,
            "suppliers": ComparisonSupplierSerializer(suppliers, many=True).data,
        }


class RecommendationRequestSerializer(serializers.Serializer):
    max_suppliers = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                             max_value=2**31 - 1,  # the column's (PostgreSQL integer) range
                                             help_text=_("At most this many winning suppliers; empty for any."))


class DecisionSerializer(serializers.Serializer):
    rfq_line = serializers.IntegerField()
    quote_line = serializers.IntegerField()


class RecommendationChoiceSerializer(DecisionSerializer):
    supplier = serializers.IntegerField()


class RecommendationSerializer(serializers.ModelSerializer):
    choice = serializers.SerializerMethodField(help_text=_("As award decisions: POST them to award as they are."))
    total = money(allow_null=True)
    naive_total = money(allow_null=True, help_text=_("The cheapest quote per line, ignoring capacity, due dates "
                                                     "and the supplier limit."))
    difference = serializers.SerializerMethodField(help_text=_("total − naive_total over the same lines: what "
                                                               "capacity, due dates and the supplier limit cost."))
    unquoted_lines = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                           help_text=_("RFQ lines no valid quote could cover; left out."))

    class Meta:
        model = Recommendation
        fields = ["id", "rfq", "status", "max_suppliers", "choice", "total", "naive_total", "naive_feasible",
                  "difference", "optimal", "gap", "unquoted_lines", "created_at", "computed_at"]
        read_only_fields = fields

    @extend_schema_field(RecommendationChoiceSerializer(many=True))
    def get_choice(self, recommendation):
        return selectors.recommendation_lines(recommendation=recommendation)

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_difference(self, recommendation):
        from capacity.services.awards import extra_cost

        difference = extra_cost(recommendation)
        return None if difference is None else f"{difference:.2f}"


class AwardRequestSerializer(serializers.Serializer):
    decisions = DecisionSerializer(many=True, allow_empty=False)

    def validate_decisions(self, decisions):
        lines = [d["rfq_line"] for d in decisions]
        if len(lines) != len(set(lines)):
            raise serializers.ValidationError(_("Each RFQ line may be decided once."))
        return decisions


# --- Purchase orders ------------------------------------------------------------------------------


class AwardLineSerializer(serializers.ModelSerializer):
    rfq_line = serializers.IntegerField(source="rfq_line_id", read_only=True)
    line_no = serializers.IntegerField(source="rfq_line.line_no", read_only=True)
    part_no = serializers.CharField(source="rfq_line.part.part_no", read_only=True)
    name = serializers.CharField(source="rfq_line.part.name", read_only=True)
    process = serializers.SerializerMethodField()
    amount = money(help_text=_("unit_price × quantity, VAT included"))
    tax_amount = serializers.SerializerMethodField(help_text=_("The VAT inside amount."))

    class Meta:
        model = Award
        fields = ["id", "rfq_line", "line_no", "part_no", "name", "process", "quantity", "unit_price", "vat_rate",
                  "amount", "tax_amount"]
        read_only_fields = fields

    def get_process(self, award) -> str | None:
        return award.rfq_line.operation.process.code if award.rfq_line.operation_id else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_tax_amount(self, award):
        return f"{selectors.tax_included(award.amount, award.vat_rate):.2f}"


class PurchaseOrderSerializer(serializers.ModelSerializer):
    rfq_number = serializers.CharField(source="rfq.number", read_only=True)
    buyer = EnterpriseBriefSerializer(source="rfq.buyer", read_only=True)
    supplier = EnterpriseBriefSerializer(read_only=True)
    lines = AwardLineSerializer(source="awards", many=True, read_only=True)
    total_amount = serializers.SerializerMethodField(help_text=_("VAT included."))
    total_tax = serializers.SerializerMethodField(help_text=_("Sum of the lines' VAT."))

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "rfq", "rfq_number", "buyer", "supplier", "issued_at", "lines", "total_amount",
                  "total_tax"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_total_amount(self, order):
        return f"{sum((a.amount for a in order.awards.all()), Decimal(0)):.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_total_tax(self, order):
        return f"{sum((selectors.tax_included(a.amount, a.vat_rate) for a in order.awards.all()), Decimal(0)):.2f}"


# --- Remote mould trials -------------------------------------------------------------------------------

from capacity.models import Attachment, MouldTrial, TrialModification  # noqa: E402  (this section's own models)


class TrialFileSerializer(serializers.ModelSerializer):
    """A photo, video or inspection report of a trial; download it from the attachments endpoint."""

    download = serializers.SerializerMethodField(help_text=_("Where to download the file (the attachments "
                                                             "endpoint, with this id)."))

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        from django.urls import NoReverseMatch, reverse

        brain = self.context.get("brain")
        slug = brain.slug if brain is not None else attachment.brain.slug
        try:
            return reverse("attachment-download", kwargs={"brain_slug": slug, "pk": attachment.pk})
        except NoReverseMatch:
            return f"/api/v1/brains/{slug}/attachments/{attachment.pk}/download/"


class TrialPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "part_no", "name", "quantity"]
        read_only_fields = fields


class TrialModificationSerializer(serializers.ModelSerializer):
    part = TrialPartSerializer(read_only=True)
    operation = OperationSerializer(read_only=True, allow_null=True,
                                    help_text=_("The operation added to the part's routing; null when the "
                                                "modification is a new part."))

    class Meta:
        model = TrialModification
        fields = ["id", "description", "new_part", "part", "operation", "created_at"]
        read_only_fields = fields


class MouldTrialSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text=_("T1, T2, … within the project."))
    project_code = serializers.CharField(source="project.code", read_only=True)
    files = TrialFileSerializer(many=True, read_only=True)
    modifications = TrialModificationSerializer(many=True, read_only=True)

    class Meta:
        model = MouldTrial
        fields = ["id", "project", "project_code", "number", "label", "status", "scheduled_at", "location", "press",
                  "meeting_url", "shots", "defects", "conclusion", "summary", "scheduled_by", "created_at",
                  "recorded_by", "recorded_at", "files", "modifications"]
        read_only_fields = fields

    def get_label(self, trial) -> str:
        return f"T{trial.number}"


class MouldTrialScheduleSerializer(serializers.Serializer):
    project = OwnProjectField(help_text=_("One of your projects."))
    scheduled_at = serializers.DateTimeField(help_text=_("ISO 8601; today or later."))
    location = serializers.CharField(max_length=200)
    press = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    meeting_url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                        help_text=_("A video meeting link (https://…) for those following remotely."))


class MouldTrialRecordSerializer(serializers.Serializer):
    """JSON, or multipart/form-data with the files."""

    shots = serializers.IntegerField(min_value=0, max_value=1_000_000)
    conclusion = serializers.ChoiceField(choices=MouldTrial.Conclusion.choices)
    defects = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                    help_text=_("Required when the conclusion is modify."))
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10,
                                  help_text=_("Photos (JPEG, PNG, HEIC), videos (MP4, MOV), inspection reports "
                                              "(PDF, XLSX); checked by content."))
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Attachment.Kind.choices), required=False,
                                  default=list, help_text=_("The kind of each file, in the order of files; a "
                                                            "missing one is told from the file's content."))


class MouldTrialCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TrialNewPartSerializer(serializers.Serializer):
    part_no = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    material = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    processes = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list,
                                      help_text=_("The routing as process codes (or Chinese names), in order."))
    parent_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                      help_text=_("Part number of the parent assembly; blank for a top part."))


class TrialModificationInputSerializer(serializers.Serializer):
    """Either new_part, or part and process (one more operation appended to that part's routing)."""

    description = serializers.CharField(max_length=500)
    new_part = TrialNewPartSerializer(required=False, help_text=_("A new part of the project."))
    part = serializers.IntegerField(required=False, help_text=_("An existing part of the trial's project."))
    process = serializers.CharField(max_length=60, required=False, allow_blank=True, default="",
                                    help_text=_("With part: the process (code or Chinese name) of the new "
                                                "operation."))


# --- Work orders, progress reports, attachments, change requests -----------------------------------------

from capacity.models import (  # noqa: E402  (this section's own models)
    Attachment, ChangeRequest, ProgressReport, WorkOrder, WorkOrderLine,
)


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a progress report or of a mould trial; `download` is where its bytes are."""

    download = serializers.SerializerMethodField(help_text=_("The download URL (add ?inline=1 to show a photo "
                                                             "or video in the browser)."))

    class Meta:
        model = Attachment
        fields = ["id", "report", "trial", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at",
                  "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        from django.urls import reverse

        brain = self.context.get("brain")
        return reverse("attachment-download", kwargs={"brain_slug": brain.slug if brain else attachment.brain.slug,
                                                      "pk": attachment.pk})


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
        return OperationSerializer(selectors.line_operations(line), many=True).data

    def get_current_process(self, line) -> str | None:
        return line.current_operation.process.code if line.current_operation_id else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_amount(self, line):
        return f"{line.unit_price * line.quantity:.2f}"

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_tax_amount(self, line):
        return f"{selectors.tax_included(line.unit_price * line.quantity, line.vat_rate):.2f}"


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


class ChangeRequestSerializer(serializers.ModelSerializer):
    work_order = serializers.IntegerField(source="line.work_order_id", read_only=True)
    part_no = serializers.CharField(source="line.part.part_no", read_only=True)
    requested_by = PersonField()
    decided_by = PersonField(allow_null=True)

    class Meta:
        model = ChangeRequest
        fields = ["id", "work_order", "line", "part_no", "side", "status", "old_due_date", "new_due_date",
                  "old_quantity", "new_quantity", "reason", "requested_by", "requested_at", "decided_by",
                  "decided_at", "response"]
        read_only_fields = fields


class ChangeRequestCreateSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("A line of a work order in production that you buy or make."))
    new_due_date = serializers.DateField(required=False, allow_null=True, default=None)
    new_quantity = serializers.IntegerField(required=False, allow_null=True, default=None,
                                            help_text=_("At least 1 and at least the pieces accepted so far."))
    reason = serializers.CharField(max_length=500)


class ChangeDecisionSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text=_("Required to reject: why."))
