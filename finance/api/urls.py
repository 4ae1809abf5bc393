from rest_framework.routers import SimpleRouter

from finance.api.views.certificates import CertificateTransferViewSet, CertificateViewSet
from finance.api.views.payables import PayableViewSet

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every route and action needs a cross-brain case.
router = SimpleRouter()
router.register("payables", PayableViewSet, basename="payable")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("certificate-transfers", CertificateTransferViewSet, basename="certificate-transfer")
