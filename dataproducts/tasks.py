"""Celery tasks of data products: thin, take ids, idempotent; they call services. One block per concept."""

# --- revisions: scheduled builds ------------------------------------------------------------------------

# --- subscriptions: expiry ------------------------------------------------------------------------------

# --- usage: monthly statements --------------------------------------------------------------------------

# --- capability centre ----------------------------------------------------------------------------------
