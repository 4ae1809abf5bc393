"""Recommendations, awards and purchase orders over the API."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.models import Award, PurchaseOrder, Recommendation
from capacity.selectors.awards import recommendation_lines
from capacity.services.awards import extra_cost
from ledger.money import vat_inside
from tenants.api.fields import EnterpriseBriefSerializer, money


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
        return recommendation_lines(recommendation=recommendation)

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_difference(self, recommendation):
        difference = extra_cost(recommendation)
        return None if difference is None else f"{difference:.2f}"


class AwardRequestSerializer(serializers.Serializer):
    decisions = DecisionSerializer(many=True, allow_empty=False)

    def validate_decisions(self, decisions):
        lines = [d["rfq_line"] for d in decisions]
        if len(lines) != len(set(lines)):
            raise serializers.ValidationError(_("Each RFQ line may be decided once."))
        return decisions


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
        return f"{vat_inside(award.amount, award.vat_rate):.2f}"


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
        return f"{sum((vat_inside(a.amount, a.vat_rate) for a in order.awards.all()), Decimal(0)):.2f}"
