"""List filters of group purchases, pledges, settlements, supply orders, their lines and shipments
(django-filter). They narrow what the caller may already see; each is the FilterSet that DRF's
`filterset_fields` would make."""

from django_filters import rest_framework as filters

from supplychain.models import GroupBuy, Pledge, Settlement, Shipment, SupplyOrder, SupplyOrderLine


class GroupBuyFilter(filters.FilterSet):
    class Meta:
        model = GroupBuy
        fields = ["status", "kind"]


class PledgeFilter(filters.FilterSet):
    class Meta:
        model = Pledge
        fields = ["group_buy", "status"]


class SettlementFilter(filters.FilterSet):
    class Meta:
        model = Settlement
        fields = ["group_buy"]


class SupplyOrderFilter(filters.FilterSet):
    class Meta:
        model = SupplyOrder
        fields = ["group_buy"]


class SupplyOrderLineFilter(filters.FilterSet):
    class Meta:
        model = SupplyOrderLine
        fields = ["order", "order__group_buy"]


class ShipmentFilter(filters.FilterSet):
    class Meta:
        model = Shipment
        fields = ["line"]
