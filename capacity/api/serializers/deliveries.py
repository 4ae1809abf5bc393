"""Deliveries and their inspection over the API. Money is a string with two places; amounts include VAT, `tax` is
the VAT inside, `net` the rest."""

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from capacity.models import Delivery, DeliveryLine
from tenants.api.fields import money


class DeliveryLineSerializer(serializers.ModelSerializer):
    """Pieces of one work-order line in a delivery, and their inspection (pending until the buyer inspects)."""

    work_order = serializers.IntegerField(source="delivery.work_order_id", read_only=True)
    note_number = serializers.CharField(source="delivery.note_number", read_only=True)
    delivered_on = serializers.DateField(source="delivery.delivered_on", read_only=True)
    part_no = serializers.CharField(source="line.part.part_no", read_only=True)
    name = serializers.CharField(source="line.part.name", read_only=True)
    process = serializers.SerializerMethodField(help_text=gettext_lazy(
        "The tendered operation's process, or null for the whole part."))
    unit_price = money(source="line.unit_price", help_text=gettext_lazy("VAT included."))
    vat_rate = serializers.DecimalField(source="line.vat_rate", max_digits=4, decimal_places=2, read_only=True)
    amount = money(help_text=gettext_lazy(
        "Accepted pieces × unit_price, VAT included; fixed at inspection."))
    tax = money(help_text=gettext_lazy("The VAT inside amount, to the fen."))
    net = serializers.SerializerMethodField(help_text=gettext_lazy("amount − tax."))
    inspected_on = serializers.DateField(source="accepted_on", read_only=True, allow_null=True)
    inspected_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = DeliveryLine
        fields = ["id", "delivery", "work_order", "note_number", "delivered_on", "line", "part_no", "name", "process",
                  "quantity", "outcome", "accepted_quantity", "rejected_quantity", "reason", "unit_price", "vat_rate",
                  "amount", "tax", "net", "inspected_on", "inspected_by", "inspected_at"]
        read_only_fields = fields

    def get_process(self, row) -> str | None:
        return row.line.operation.process.code if row.line.operation_id else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_net(self, row):
        return f"{row.amount - row.tax:.2f}"


class DeliverySerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="work_order.purchase_order.number", read_only=True,
                                   help_text=gettext_lazy("The work order's purchase order number."))
    recorded_by = serializers.StringRelatedField(read_only=True)
    lines = DeliveryLineSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "work_order", "number", "note_number", "delivered_on", "note", "recorded_by", "recorded_at",
                  "lines"]
        read_only_fields = fields


class DeliveredLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=gettext_lazy("A line of this work order."))
    quantity = serializers.IntegerField(min_value=1, help_text=gettext_lazy(
        "Pieces delivered: at most what the line still owes (never delivered, or refused at inspection)."))


class DeliveryCreateSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(help_text=gettext_lazy("A work order in production that you make."))
    note_number = serializers.CharField(max_length=40, help_text=gettext_lazy(
        "The delivery note number (送货单号), once per work order."))
    delivered_on = serializers.DateField(help_text=gettext_lazy("Not in the future."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    lines = DeliveredLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        ids = [line["line"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Each line may appear once in a delivery."))
        return lines


class InspectionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in DeliveryLine.Outcome.choices if c[0] != "pending"],
                                      help_text=gettext_lazy(
                                          "accepted: every piece; rejected: rejected_quantity pieces are scrapped and "
                                          "owed again; rework: they go back for rework and are owed again."))
    rejected_quantity = serializers.IntegerField(min_value=0, required=False, default=0, help_text=gettext_lazy(
        "For rejected or rework: 1 to the pieces delivered; the rest are accepted."))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=gettext_lazy("Required for rejected or rework: the supplier reads it."))
    inspected_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text=gettext_lazy("Default today; not before the delivery."))
