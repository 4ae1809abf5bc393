from rest_framework.routers import SimpleRouter

from brain.api import views

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = SimpleRouter()
router.register("sync-sources", views.DataSourceViewSet, basename="sync-source")
router.register("sync-runs", views.SyncRunViewSet, basename="sync-run")
router.register("quarantined-records", views.QuarantinedRecordViewSet, basename="quarantined-record")
router.register("enterprise-files", views.EnterpriseFileViewSet, basename="enterprise-file")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("policy-matches", views.PolicyMatchViewSet, basename="policy-match")
