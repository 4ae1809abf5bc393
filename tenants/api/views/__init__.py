"""The tenants API, one module per concept. Thin: every viewset reads through the selector it declares
(tenants.selectors), every write goes through tenants.services (webhook endpoints: tenants.webhooks)."""
