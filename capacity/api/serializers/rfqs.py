"""RFQs, invitations, questions, quotes and the buyer's comparison over the API."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.api.serializers.projects import PART_SPEC_FIELDS, OwnProjectField
from capacity.models import Invitation, Part, Question, Quote, QuoteLine, Rfq, RfqLine
from capacity.selectors.rfqs import Comparison
from tenants.api.fields import EnterpriseBriefSerializer, money


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
                  "payment_days", "created_at", "published_at", "closed_at", "lines"]
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
    payment_days = serializers.IntegerField(required=False, default=60, min_value=0, max_value=365, help_text=_(
        "Days from a delivery's acceptance to payment (default 60, the law's limit for a large enterprise paying "
        "an SME)."))
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


class QuoteLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="rfq_line.line_no", read_only=True)
    amount = money(help_text=_("unit_price × the line's quantity"))

    class Meta:
        model = QuoteLine
        fields = ["id", "rfq_line", "line_no", "unit_price", "currency", "vat_rate",
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

    def to_representation(self, table: Comparison):
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
