"""Web pages of the tenants app, one module per concept, and the base view every brain page uses (views.base).
Thin: forms in, services do the work, the same selectors as the API read."""
