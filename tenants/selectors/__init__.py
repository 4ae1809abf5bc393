"""Reads of the tenants app, one module per concept, shared by pages, API, tasks and webhooks: the one place that
decides who sees what. Tenant-owned reads take `brain=` explicitly; visibility selectors are
`<concept>_list(*, brain, viewer)`."""
