from rest_framework.routers import SimpleRouter

from supplychain.api.views.group_buys import (
    GroupBuyViewSet, PledgeViewSet, SettlementViewSet, ShipmentViewSet, SupplyOrderLineViewSet, SupplyOrderViewSet,
)
from supplychain.api.views.reserves import (
    DrawdownViewSet, ReferencePriceViewSet, ReplenishmentViewSet, ReserveShareViewSet, ReserveViewSet,
)

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = SimpleRouter()
router.register("group-buys", GroupBuyViewSet, basename="group-buy")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("settlements", SettlementViewSet, basename="settlement")
router.register("supply-orders", SupplyOrderViewSet, basename="supply-order")
router.register("supply-order-lines", SupplyOrderLineViewSet, basename="supply-order-line")
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("reserves", ReserveViewSet, basename="reserve")
router.register("reserve-shares", ReserveShareViewSet, basename="reserve-share")
router.register("reserve-reference-prices", ReferencePriceViewSet, basename="reserve-reference-price")
router.register("reserve-drawdowns", DrawdownViewSet, basename="reserve-drawdown")
router.register("reserve-replenishments", ReplenishmentViewSet, basename="reserve-replenishment")
