"""Forms of the tenants app's pages, one module per concept: shapes and types only; the rules are the services'."""
