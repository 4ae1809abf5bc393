from rest_framework.routers import SimpleRouter

from finance.api.views.certificates import CertificateTransferViewSet, CertificateViewSet
from finance.api.views.ip_loans import IpLoanDocumentViewSet, IpLoanViewSet
from finance.api.views.nettings import NettingLegViewSet, NettingPositionViewSet, NettingViewSet
from finance.api.views.payables import PayableViewSet

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every route and action needs a cross-brain case.
router = SimpleRouter()
router.register("payables", PayableViewSet, basename="payable")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("certificate-transfers", CertificateTransferViewSet, basename="certificate-transfer")
router.register("ip-loans", IpLoanViewSet, basename="ip-loan")
router.register("ip-loan-documents", IpLoanDocumentViewSet, basename="ip-loan-document")
router.register("nettings", NettingViewSet, basename="netting")
router.register("netting-positions", NettingPositionViewSet, basename="netting-position")
router.register("netting-legs", NettingLegViewSet, basename="netting-leg")
