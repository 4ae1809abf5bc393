"""Group purchases and sample group orders over the API, with their supply orders and shipments. Money goes
out as strings with two places, quantities with three; write serializers check shapes only, the rules are the
services' (supplychain.services.group_buys)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from supplychain.api.serializers.ledger import money
from supplychain.models import (
    PAYMENT_KINDS, DeliveryWindow, GroupBuy, GroupBuySupplier, Pledge, PriceTier, Settlement, Shipment,
    SupplyChainSettings, SupplyOrder, SupplyOrderLine,
)
from supplychain.selectors.group_buys import tier_progress
from tenants.models import Enterprise


def quantity(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=3, **kwargs)


def price(**kwargs):
    """A price or fee as the campaign stores it (numeric(14, 2))."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "legal_name", "short_name"]
        read_only_fields = fields


class PriceTierSerializer(serializers.ModelSerializer):
    min_total = quantity()
    unit_price = price(min_value=0)

    class Meta:
        model = PriceTier
        fields = ["min_total", "unit_price"]


class DeliveryWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryWindow
        fields = ["id", "starts_on", "ends_on"]
        read_only_fields = ["id"]


class CampaignSupplierSerializer(serializers.ModelSerializer):
    supplier = PartySerializer(read_only=True)

    class Meta:
        model = GroupBuySupplier
        fields = ["supplier", "capacity", "decision", "decided_at"]
        read_only_fields = fields


class TierProgressSerializer(serializers.Serializer):
    total = quantity(read_only=True, help_text=_("Quantity pledged by all members."))
    participants = serializers.IntegerField(read_only=True)
    price = money(read_only=True, allow_null=True, help_text=_("The unit price of the tier the total reaches."))
    next_min_total = quantity(read_only=True, allow_null=True)
    to_next = quantity(read_only=True, allow_null=True, help_text=_("Quantity still needed for the next tier."))
    minimum_reached = serializers.BooleanField(read_only=True)
    to_minimum = quantity(read_only=True)


class GroupBuySerializer(serializers.ModelSerializer):
    tiers = PriceTierSerializer(many=True, read_only=True)
    windows = DeliveryWindowSerializer(many=True, read_only=True)
    suppliers = CampaignSupplierSerializer(many=True, read_only=True)
    organiser = PartySerializer(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = GroupBuy
        fields = ["id", "kind", "number", "title", "material_grade", "specification", "unit", "style", "target_price",
                  "description", "currency", "vat_rate", "prices_include_vat", "minimum_total", "member_minimum",
                  "member_maximum", "increment", "deadline", "deposit_percent", "fee_mode", "fee_value",
                  "fee_vat_rate", "on_failure", "extension_days", "extended", "payment_days", "status", "organiser", "opened_at",
                  "decided_at", "locked_price", "locked_total", "cancel_reason", "tiers", "windows", "suppliers",
                  "progress", "created_at", "updated_at"]
        read_only_fields = fields

    def get_progress(self, instance) -> TierProgressSerializer:
        return TierProgressSerializer(tier_progress(instance)).data


class GroupBuyCreateSerializer(serializers.Serializer):
    class SupplierInput(serializers.Serializer):
        supplier = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The enterprise's id."))
        capacity = quantity(required=False, allow_null=True, min_value=0,
                            help_text=_("The most it supplies; pledges fill suppliers in the order given."))

    class WindowInput(serializers.Serializer):
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()

    kind = serializers.ChoiceField(choices=GroupBuy.Kind.choices, default=GroupBuy.Kind.GROUP_PURCHASE)
    title = serializers.CharField(max_length=200)
    material_grade = serializers.CharField(max_length=100)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=20)
    style = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    target_price = price(required=False, allow_null=True, default=None, min_value=0)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, default="13.00")
    prices_include_vat = serializers.BooleanField(default=True)
    minimum_total = quantity(min_value=0)
    member_minimum = quantity(min_value=0)
    member_maximum = quantity(required=False, allow_null=True, default=None, min_value=0)
    increment = quantity(min_value=0)
    deadline = serializers.DateTimeField()
    deposit_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, default="0")
    fee_mode = serializers.ChoiceField(choices=GroupBuy.FeeMode.choices, default=GroupBuy.FeeMode.PERCENT)
    fee_value = price(default="0.00", min_value=0)
    fee_vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, default="6.00")
    on_failure = serializers.ChoiceField(choices=GroupBuy.OnFailure.choices, default=GroupBuy.OnFailure.CANCEL)
    extension_days = serializers.IntegerField(min_value=1, max_value=90, default=7)
    payment_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, allow_null=True, default=None,
        help_text=_("Days a member has to pay the brain's trader after receiving its goods; null: 60."))
    tiers = PriceTierSerializer(many=True, allow_empty=False, max_length=20)
    windows = WindowInput(many=True, allow_empty=False, max_length=20)
    suppliers = SupplierInput(many=True, allow_empty=False, max_length=20)


class PledgeInputSerializer(serializers.Serializer):
    quantity = quantity(min_value=0)
    address = serializers.CharField(max_length=300)
    window = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("One of the campaign's windows."))


class PledgeSerializer(serializers.ModelSerializer):
    member = PartySerializer(read_only=True)
    window = DeliveryWindowSerializer(read_only=True)

    class Meta:
        model = Pledge
        fields = ["id", "group_buy", "member", "quantity", "address", "window", "status", "pledged_at", "updated_at"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class SupplierDecisionSerializer(serializers.Serializer):
    agree = serializers.BooleanField(help_text=_("Proceed at the tier reached, below the minimum total."))


class SettlementSerializer(serializers.ModelSerializer):
    member = PartySerializer(read_only=True)
    goods_total = money(read_only=True)
    fee_total = money(read_only=True)
    total = money(read_only=True, help_text=_("Goods and service fee, VAT included: what the member pays."))
    invoice = serializers.SerializerMethodField(help_text=_("What the VAT invoices for the goods and for the fee "
                                                            "carry."))

    class Meta:
        model = Settlement
        fields = ["id", "group_buy", "member", "quantity", "unit_price", "goods_net", "goods_vat", "goods_total",
                  "fee_net", "fee_vat", "fee_total", "deposit_due", "tier_saving", "total", "currency", "invoice"]
        read_only_fields = fields

    def get_invoice(self, instance) -> dict:
        group_buy = instance.group_buy
        return {
            "buyer": {"name": instance.member.legal_name, "credit_code": instance.member.credit_code},
            "goods": {"item": f"{group_buy.material_grade} {group_buy.specification}".strip(), "unit": group_buy.unit,
                      "quantity": str(instance.quantity), "amount": str(instance.goods_net),
                      "vat_rate": str(group_buy.vat_rate), "vat": str(instance.goods_vat)},
            "service_fee": {"amount": str(instance.fee_net), "vat_rate": str(group_buy.fee_vat_rate),
                            "vat": str(instance.fee_vat)},
        }


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = ["id", "line", "quantity", "note_number", "shipped_on", "received_quantity", "received_at"]
        read_only_fields = fields


class ShipmentInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("A line of your supply order."))
    quantity = quantity(min_value=0)
    note_number = serializers.CharField(max_length=60)
    shipped_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReceiptSerializer(serializers.Serializer):
    quantity = quantity(min_value=0, help_text=_("What arrived, at most what was shipped."))


class SupplyOrderLineSerializer(serializers.ModelSerializer):
    member = PartySerializer(read_only=True)
    address = serializers.CharField(source="pledge.address", read_only=True)
    window = DeliveryWindowSerializer(source="pledge.window", read_only=True)
    supplier = PartySerializer(source="order.supplier", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)

    class Meta:
        model = SupplyOrderLine
        fields = ["id", "order", "order_number", "supplier", "member", "quantity", "shipped", "received", "address",
                  "window", "shipments", "updated_at"]
        read_only_fields = fields


class SupplyOrderSerializer(serializers.ModelSerializer):
    supplier = PartySerializer(read_only=True)
    lines = SupplyOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplyOrder
        fields = ["id", "group_buy", "number", "supplier", "quantity", "goods_net", "goods_vat", "lines", "created_at",
                  "updated_at"]
        read_only_fields = fields


class PaymentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PAYMENT_KINDS)
    enterprise = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                          help_text=_("The member who paid or is refunded, or the supplier paid."))
    amount = money(min_value=0)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MemberStatementSerializer(serializers.Serializer):
    settlement = SettlementSerializer(read_only=True, allow_null=True)
    charged = money(read_only=True)
    paid = money(read_only=True, help_text=_("Payments less refunds."))
    balance = money(read_only=True, help_text=_("Still to pay; negative: to be refunded."))


class SupplyChainSettingsSerializer(serializers.ModelSerializer):
    trader = PartySerializer(read_only=True, allow_null=True)

    class Meta:
        model = SupplyChainSettings
        fields = ["members_may_open", "trader", "updated_at"]
        read_only_fields = ["updated_at"]


class SupplyChainSettingsInputSerializer(serializers.Serializer):
    members_may_open = serializers.BooleanField(required=False,
                                                help_text=_("Buyer members may open group purchases."))
    trader = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text=_("The active member that trades for the brain (平台贸易商): members owe it for their group-purchase "
                    "goods, as payables in finance. null: none. Left out: unchanged."))

    def validate(self, attrs):
        if not attrs:
            message = _("Give at least one setting to change.")
            raise serializers.ValidationError({"members_may_open": [message], "trader": [message]})
        return attrs
