from rest_framework.routers import SimpleRouter

from finance.api.views.certificates import CertificateTransferViewSet, CertificateViewSet
from finance.api.views.discounting import ClearingRunViewSet, DiscountOfferViewSet, DiscountProgrammeViewSet
from finance.api.views.early_payments import EarlyPaymentViewSet
from finance.api.views.financing import CreditLineViewSet, FinancingQuoteViewSet, FinancingRequestViewSet
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
router.register("early-payments", EarlyPaymentViewSet, basename="early-payment")
router.register("discount-programmes", DiscountProgrammeViewSet, basename="discount-programme")
router.register("discount-offers", DiscountOfferViewSet, basename="discount-offer")
router.register("clearing-runs", ClearingRunViewSet, basename="clearing-run")
router.register("credit-lines", CreditLineViewSet, basename="credit-line")
router.register("financing-requests", FinancingRequestViewSet, basename="financing-request")
router.register("financing-quotes", FinancingQuoteViewSet, basename="financing-quote")
