from rest_framework.routers import SimpleRouter

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every route and action needs a cross-brain case
# (tests/endpoints.py). One block per concept.
router = SimpleRouter()

# --- products, revisions, consents ----------------------------------------------------------------------
from dataproducts.api.views.consents import ContributionViewSet, OptOutViewSet  # noqa: E402
from dataproducts.api.views.products import DataProductViewSet  # noqa: E402
from dataproducts.api.views.revisions import RevisionViewSet  # noqa: E402

router.register("data-products", DataProductViewSet, basename="data-product")
router.register("revisions", RevisionViewSet, basename="revision")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("opt-outs", OptOutViewSet, basename="opt-out")

# --- access requests, subscriptions ---------------------------------------------------------------------
from dataproducts.api.views.access_requests import AccessRequestViewSet, SubscriptionViewSet
from dataproducts.api.views.downloads import DataProductRowsViewSet

router.register("access-requests", AccessRequestViewSet, basename="access-request")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("data-product-rows", DataProductRowsViewSet, basename="data-product-rows")

# --- usage and statements -------------------------------------------------------------------------------
from dataproducts.api.views.usage import UsageRecordViewSet, UsageStatementViewSet  # noqa: E402

router.register("usage-records", UsageRecordViewSet, basename="usage-record")
router.register("usage-statements", UsageStatementViewSet, basename="usage-statement")

# --- capability centre ----------------------------------------------------------------------------------
from dataproducts.api.views.components import InstallationViewSet, ListingViewSet  # noqa: E402

router.register("components", ListingViewSet, basename="component-listing")
router.register("installations", InstallationViewSet, basename="installation")
