from django.urls import path

from brain import views

urlpatterns = [
    path("", views.BrainHomeView.as_view(), name="brain-home"),
    path("enterprises/<int:enterprise_id>/", views.EnterpriseFileView.as_view(), name="enterprise-file"),
    path("operator/sync/", views.SyncSourcesView.as_view(), name="sync-sources"),
    path("operator/sync/sources/<int:pk>/", views.SyncSourceView.as_view(), name="sync-source"),
    path("operator/sync/runs/<int:pk>/", views.SyncRunView.as_view(), name="sync-run"),
    path("operator/sync/quarantine/", views.SyncQuarantineView.as_view(), name="sync-quarantine"),
]
