from rest_framework.routers import SimpleRouter

# Brain-scoped (mounted under /api/v1/brains/<slug>/ by config.urls); every route and action needs a cross-brain case
# (tests/endpoints.py). One block per concept.
router = SimpleRouter()

# --- products, revisions, consents ----------------------------------------------------------------------

# --- access requests, subscriptions ---------------------------------------------------------------------

# --- usage and statements -------------------------------------------------------------------------------

# --- capability centre ----------------------------------------------------------------------------------
