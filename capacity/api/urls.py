from rest_framework.routers import SimpleRouter

from capacity.api import views

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = SimpleRouter()
router.register("supplier-profiles", views.SupplierProfileViewSet, basename="supplier-profile")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("parts", views.PartViewSet, basename="part")
router.register("drawings", views.DrawingViewSet, basename="drawing")
router.register("rfqs", views.RfqViewSet, basename="rfq")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("purchase-orders", views.PurchaseOrderViewSet, basename="purchase-order")
