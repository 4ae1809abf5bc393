from rest_framework.routers import SimpleRouter

from supplychain.api import views

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = SimpleRouter()
router.register("group-buys", views.GroupBuyViewSet, basename="group-buy")
router.register("pledges", views.PledgeViewSet, basename="pledge")
router.register("settlements", views.SettlementViewSet, basename="settlement")
router.register("supply-orders", views.SupplyOrderViewSet, basename="supply-order")
router.register("supply-order-lines", views.SupplyOrderLineViewSet, basename="supply-order-line")
router.register("shipments", views.ShipmentViewSet, basename="shipment")
