from capacity.api import views
from capacity.api import deliveries as delivery_api
from capacity.api.board import BoardSettingsViewSet, CapacityRouter

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = CapacityRouter()  # a SimpleRouter that also serves one-per-brain objects (board-settings)
router.register("supplier-profiles", views.SupplierProfileViewSet, basename="supplier-profile")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("parts", views.PartViewSet, basename="part")
router.register("drawings", views.DrawingViewSet, basename="drawing")
router.register("rfqs", views.RfqViewSet, basename="rfq")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("purchase-orders", views.PurchaseOrderViewSet, basename="purchase-order")
router.register("work-orders", views.WorkOrderViewSet, basename="work-order")
router.register("progress-reports", views.ProgressReportViewSet, basename="progress-report")
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("change-requests", views.ChangeRequestViewSet, basename="change-request")
router.register("mould-trials", views.MouldTrialViewSet, basename="mould-trial")
router.register("board-settings", BoardSettingsViewSet, basename="board-settings")
# Delivery, acceptance, ratings (capacity/api/deliveries.py)
router.register("deliveries", delivery_api.DeliveryViewSet, basename="delivery")
router.register("delivery-lines", delivery_api.DeliveryLineViewSet, basename="delivery-line")
router.register("ratings", delivery_api.RatingViewSet, basename="rating")
