"""Forms of the supply chain's pages, one module per concept: shapes and types only; the rules are the services'."""
