from django.urls import path

from finance.views import certificates, discounting, early_payments, financing, ip_loans, nettings, payables

app_name = "finance"
urlpatterns = [
    path("", payables.FinanceHomeView.as_view(), name="home"),
    path("payables/", payables.PayableListView.as_view(), name="payables"),
    path("payables/<int:pk>/", payables.PayableView.as_view(), name="payable"),
    path("certificates/", certificates.CertificateListView.as_view(), name="certificates"),
    path("certificates/<int:pk>/", certificates.CertificateView.as_view(), name="certificate"),
    path("ip-loans/", ip_loans.IpLoanListView.as_view(), name="ip-loans"),
    path("ip-loans/new/", ip_loans.IpLoanNewView.as_view(), name="ip-loan-new"),
    path("ip-loans/<int:pk>/", ip_loans.IpLoanView.as_view(), name="ip-loan"),
    path("nettings/", nettings.NettingListView.as_view(), name="nettings"),
    path("nettings/<int:pk>/", nettings.NettingView.as_view(), name="netting"),
    path("discounting/", discounting.ProgrammeListView.as_view(), name="programmes"),
    path("discounting/<int:pk>/", discounting.ProgrammeView.as_view(), name="programme"),
    path("financing/", financing.FinancingView.as_view(), name="financing"),
    path("financing/<int:pk>/", financing.FinancingRequestView.as_view(), name="financing-request"),
    path("maturities/", early_payments.MaturityCalendarView.as_view(), name="maturities"),
    path("early-payment-reports/", early_payments.EarlyPaymentReportsView.as_view(), name="early-payment-reports"),
]
