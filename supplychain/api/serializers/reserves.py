"""Serializers of the joint-reserve API: shapes only; the rules are supplychain.services.reserves'."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare
from supplychain.selectors.reserves import priced
from tenants.api.fields import PersonField

QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


@extend_schema_field(OpenApiTypes.INT)
class VisibleReserveField(serializers.PrimaryKeyRelatedField):
    """A reserve of this brain (another brain's is "does not exist", like one that does not)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or getattr(request, "brain", None) is None:  # schema generation
            return Reserve.objects.none()
        return Reserve.objects.in_brain(request.brain)


class MyShareSerializer(serializers.Serializer):
    committed = serializers.DecimalField(**QUANTITY)
    drawn = serializers.DecimalField(**QUANTITY, help_text=_("Drawn within the share."))
    drawn_beyond = serializers.DecimalField(**QUANTITY, help_text=_("Drawn beyond the share, at the surcharge."))
    remaining = serializers.DecimalField(**QUANTITY)


class ReserveSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.legal_name", read_only=True)
    reference_price = serializers.DecimalField(source="latest_reference", read_only=True, allow_null=True, **MONEY,
                                               help_text=_("The latest reference price (null: none recorded yet)."))
    reference_price_id = serializers.IntegerField(source="latest_reference_id", read_only=True, allow_null=True)
    reference_quoted_on = serializers.DateField(source="latest_quoted_on", read_only=True, allow_null=True)
    unit_price = serializers.SerializerMethodField(help_text=_("The unit price of a draw within a share now."))
    beyond_unit_price = serializers.SerializerMethodField(help_text=_("The unit price beyond a share now."))
    committed_total = serializers.DecimalField(read_only=True, **QUANTITY)
    participants = serializers.IntegerField(read_only=True)
    replenishing = serializers.BooleanField(read_only=True, help_text=_("A replenishment is open."))
    my_share = serializers.SerializerMethodField(help_text=_("Your enterprise's share (null: none)."))

    class Meta:
        model = Reserve
        fields = ["id", "number", "title", "material_grade", "specification", "unit", "status", "currency",
                  "vat_rate", "prices_include_vat", "base_price", "base_reference_price", "pass_through_percent",
                  "surcharge_percent", "reference_price", "reference_price_id", "reference_quoted_on", "unit_price",
                  "beyond_unit_price", "stock", "replenish_threshold", "replenish_to", "replenishing", "supplier",
                  "supplier_name", "committed_total", "participants", "my_share", "created_at", "closed_at",
                  "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**MONEY))  # a string, as every amount of the API
    def get_unit_price(self, reserve) -> str:
        return str(priced(reserve).unit_price)

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_beyond_unit_price(self, reserve) -> str:
        return str(priced(reserve).beyond_unit_price)

    @extend_schema_field(MyShareSerializer(allow_null=True))
    def get_my_share(self, reserve):
        if reserve.my_committed is None:
            return None
        return MyShareSerializer({"committed": reserve.my_committed, "drawn": reserve.my_drawn,
                                  "drawn_beyond": reserve.my_drawn_beyond,
                                  "remaining": reserve.my_committed - reserve.my_drawn}).data


class ReserveCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    material_grade = serializers.CharField(max_length=100)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=20)
    supplier = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                        help_text=_("The enterprise that replenishes the stock: an active "
                                                    "supplier member of the brain."))
    base_price = serializers.DecimalField(**MONEY, help_text=_("The unit price while the reference price is at "
                                                              "its base, as stated with or without VAT."))
    base_reference_price = serializers.DecimalField(**MONEY)
    pass_through_percent = serializers.DecimalField(**PERCENT, required=False, default="100.00",
                                                    help_text=_("How much of the reference price's change (%) "
                                                                "the unit price follows."))
    surcharge_percent = serializers.DecimalField(**PERCENT, required=False, default="0.00",
                                                 help_text=_("Added to the unit price (%) beyond a share."))
    vat_rate = serializers.DecimalField(**PERCENT, required=False, default="13.00")
    prices_include_vat = serializers.BooleanField(required=False, default=True)
    replenish_threshold = serializers.DecimalField(**QUANTITY, help_text=_("Below this stock a replenishment "
                                                                           "opens."))
    replenish_to = serializers.DecimalField(**QUANTITY, help_text=_("The stock a replenishment brings it up to."))


class ReserveShareSerializer(serializers.ModelSerializer):
    reserve_number = serializers.CharField(source="reserve.number", read_only=True)
    member_name = serializers.CharField(source="member.legal_name", read_only=True)
    remaining = serializers.DecimalField(read_only=True, **QUANTITY)

    class Meta:
        model = ReserveShare
        fields = ["id", "reserve", "reserve_number", "member", "member_name", "committed", "drawn", "drawn_beyond",
                  "remaining", "committed_at", "updated_at"]
        read_only_fields = fields


class ShareCommitSerializer(serializers.Serializer):
    reserve = VisibleReserveField()
    member = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                      help_text=_("The member enterprise: an active buyer member of the brain."))
    committed = serializers.DecimalField(**QUANTITY, help_text=_("The committed quantity; changing a share, "
                                                                 "not below what was drawn within it (0 ends an "
                                                                 "undrawn share)."))


class ReferencePriceSerializer(serializers.ModelSerializer):
    recorded_by = PersonField()

    class Meta:
        model = ReferencePrice
        fields = ["id", "reserve", "value", "quoted_on", "source", "unit_price", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ReferencePriceInputSerializer(serializers.Serializer):
    reserve = VisibleReserveField()
    value = serializers.DecimalField(**MONEY)
    quoted_on = serializers.DateField(help_text=_("The quote's date: not in the future, not before the latest."))
    source = serializers.CharField(max_length=200, help_text=_("Where the price is quoted, e.g. an exchange or "
                                                               "a market index."))


class DrawdownSerializer(serializers.ModelSerializer):
    reserve_number = serializers.CharField(source="reserve.number", read_only=True)
    member_name = serializers.CharField(source="member.legal_name", read_only=True)
    total = serializers.DecimalField(read_only=True, **MONEY)
    drawn_by = PersonField()

    class Meta:
        model = Drawdown
        fields = ["id", "reserve", "reserve_number", "member", "member_name", "quantity", "within_share",
                  "beyond_share", "reference_price", "unit_price", "beyond_unit_price", "surcharge", "net", "vat",
                  "total", "currency", "note", "drawn_by", "drawn_at"]
        read_only_fields = fields


class DrawInputSerializer(serializers.Serializer):
    reserve = VisibleReserveField()
    quantity = serializers.DecimalField(**QUANTITY)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReplenishmentSerializer(serializers.ModelSerializer):
    reserve_number = serializers.CharField(source="reserve.number", read_only=True)
    supplier_name = serializers.CharField(source="supplier.legal_name", read_only=True)
    received_by = PersonField(allow_null=True)

    class Meta:
        model = Replenishment
        fields = ["id", "number", "reserve", "reserve_number", "supplier", "supplier_name", "status", "quantity",
                  "stock_at_opening", "drawdown", "opened_at", "received_quantity", "unit_cost", "net", "vat",
                  "note_number", "received_by", "received_at", "cancel_reason", "cancelled_at", "updated_at"]
        read_only_fields = fields


class ReplenishmentReceiveSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(**QUANTITY, help_text=_("At most the quantity ordered."))
    unit_cost = serializers.DecimalField(**MONEY, help_text=_("The supplier's unit price, stated as the reserve "
                                                              "states its prices (with or without VAT)."))
    note_number = serializers.CharField(max_length=60)


class ReplenishmentCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
