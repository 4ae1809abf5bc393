from django.urls import path

from brain import policy_views, views

urlpatterns = [
    path("", views.BrainHomeView.as_view(), name="brain-home"),
    path("enterprises/<int:enterprise_id>/", views.EnterpriseFileView.as_view(), name="enterprise-file"),
    path("policies/", policy_views.PoliciesView.as_view(), name="policies"),
    path("policies/new/", policy_views.PolicyFormView.as_view(), name="policy-new"),
    path("policies/<int:pk>/", policy_views.PolicyView.as_view(), name="policy"),
    path("policies/<int:pk>/decisions.csv", policy_views.PolicyDecisionsCsvView.as_view(), name="policy-decisions-csv"),
    path("policies/<int:pk>/edit/", policy_views.PolicyFormView.as_view(), name="policy-edit"),
    path("policies/<int:pk>/enterprises/<int:enterprise_id>/", policy_views.PolicyDecisionView.as_view(),
         name="policy-decision"),
    path("operator/sync/", views.SyncSourcesView.as_view(), name="sync-sources"),
    path("operator/sync/sources/<int:pk>/", views.SyncSourceView.as_view(), name="sync-source"),
    path("operator/sync/runs/<int:pk>/", views.SyncRunView.as_view(), name="sync-run"),
    path("operator/sync/quarantine/", views.SyncQuarantineView.as_view(), name="sync-quarantine"),
]
