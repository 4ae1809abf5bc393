from django.urls import path

from finance.views import certificates, payables

app_name = "finance"
urlpatterns = [
    path("", payables.FinanceHomeView.as_view(), name="home"),
    path("payables/", payables.PayableListView.as_view(), name="payables"),
    path("payables/<int:pk>/", payables.PayableView.as_view(), name="payable"),
    path("certificates/", certificates.CertificateListView.as_view(), name="certificates"),
    path("certificates/<int:pk>/", certificates.CertificateView.as_view(), name="certificate"),
]
