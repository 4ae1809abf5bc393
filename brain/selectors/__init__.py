"""Reads of the brain, one module per concept, shared by pages, API, tasks and webhooks: the one place that decides
who sees what. Tenant reads take `brain=`; public records are global and need none."""
