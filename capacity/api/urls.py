from rest_framework.routers import Route, SimpleRouter

from capacity.api.views.attachments import AttachmentViewSet
from capacity.api.views.awards import PurchaseOrderViewSet
from capacity.api.views.board import BoardSettingsViewSet
from capacity.api.views.change_requests import ChangeRequestViewSet
from capacity.api.views.deliveries import DeliveryLineViewSet, DeliveryViewSet
from capacity.api.views.profiles import SupplierProfileViewSet
from capacity.api.views.projects import DrawingViewSet, PartViewSet, ProjectViewSet
from capacity.api.views.ratings import RatingViewSet
from capacity.api.views.rfqs import QuestionViewSet, QuoteViewSet, RfqViewSet
from capacity.api.views.trials import MouldTrialViewSet
from capacity.api.views.work_orders import ProgressReportViewSet, WorkOrderViewSet


class CapacityRouter(SimpleRouter):
    """SimpleRouter, plus one-per-brain objects (a viewset with `singleton = True`): GET and PUT at
    `<prefix>/`, named `<basename>-detail`."""

    singleton_routes = [Route(url=r"^{prefix}{trailing_slash}$", mapping={"get": "retrieve", "put": "update"},
                              name="{basename}-detail", detail=True, initkwargs={})]

    def get_routes(self, viewset):
        if getattr(viewset, "singleton", False):
            return self.singleton_routes
        return super().get_routes(viewset)


# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = CapacityRouter()  # a SimpleRouter that also serves one-per-brain objects (board-settings)
router.register("supplier-profiles", SupplierProfileViewSet, basename="supplier-profile")
router.register("projects", ProjectViewSet, basename="project")
router.register("parts", PartViewSet, basename="part")
router.register("drawings", DrawingViewSet, basename="drawing")
router.register("rfqs", RfqViewSet, basename="rfq")
router.register("questions", QuestionViewSet, basename="question")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("purchase-orders", PurchaseOrderViewSet, basename="purchase-order")
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("mould-trials", MouldTrialViewSet, basename="mould-trial")
router.register("board-settings", BoardSettingsViewSet, basename="board-settings")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("delivery-lines", DeliveryLineViewSet, basename="delivery-line")
router.register("ratings", RatingViewSet, basename="rating")
