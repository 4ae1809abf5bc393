from django.urls import path

from brain.views import enterprise_files, home, policies, sync

urlpatterns = [
    path("", home.BrainHomeView.as_view(), name="brain-home"),
    path("enterprises/<int:enterprise_id>/", enterprise_files.EnterpriseFileView.as_view(), name="enterprise-file"),
    path("policies/", policies.PoliciesView.as_view(), name="policies"),
    path("policies/new/", policies.PolicyFormView.as_view(), name="policy-new"),
    path("policies/<int:pk>/", policies.PolicyView.as_view(), name="policy"),
    path("policies/<int:pk>/decisions.csv", policies.PolicyDecisionsCsvView.as_view(), name="policy-decisions-csv"),
    path("policies/<int:pk>/edit/", policies.PolicyFormView.as_view(), name="policy-edit"),
    path("policies/<int:pk>/enterprises/<int:enterprise_id>/", policies.PolicyDecisionView.as_view(),
         name="policy-decision"),
    path("operator/sync/", sync.SyncSourcesView.as_view(), name="sync-sources"),
    path("operator/sync/sources/<int:pk>/", sync.SyncSourceView.as_view(), name="sync-source"),
    path("operator/sync/runs/<int:pk>/", sync.SyncRunView.as_view(), name="sync-run"),
    path("operator/sync/quarantine/", sync.SyncQuarantineView.as_view(), name="sync-quarantine"),
]
