from rest_framework.routers import SimpleRouter

from brain.api.views.enterprise_files import EnterpriseFileViewSet
from brain.api.views.policies import PolicyMatchViewSet, PolicyViewSet
from brain.api.views.sync import DataSourceViewSet, QuarantinedRecordViewSet, SyncRunViewSet

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every basename needs a case in
# tests/test_cross_brain.py.
router = SimpleRouter()
router.register("sync-sources", DataSourceViewSet, basename="sync-source")
router.register("sync-runs", SyncRunViewSet, basename="sync-run")
router.register("quarantined-records", QuarantinedRecordViewSet, basename="quarantined-record")
router.register("enterprise-files", EnterpriseFileViewSet, basename="enterprise-file")
router.register("policies", PolicyViewSet, basename="policy")
router.register("policy-matches", PolicyMatchViewSet, basename="policy-match")
