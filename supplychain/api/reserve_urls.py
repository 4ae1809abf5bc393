"""The joint-reserve API's routes, mounted under /api/v1/brains/<slug>/ by config.urls; every basename needs a
case in tests/test_cross_brain.py."""

from rest_framework.routers import SimpleRouter

from supplychain.api import reserve_views as views

reserve_router = SimpleRouter()
reserve_router.register("reserves", views.ReserveViewSet, basename="reserve")
reserve_router.register("reserve-shares", views.ReserveShareViewSet, basename="reserve-share")
reserve_router.register("reserve-reference-prices", views.ReferencePriceViewSet, basename="reserve-reference-price")
reserve_router.register("reserve-drawdowns", views.DrawdownViewSet, basename="reserve-drawdown")
reserve_router.register("reserve-replenishments", views.ReplenishmentViewSet, basename="reserve-replenishment")
