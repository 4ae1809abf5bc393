"""Web pages of the supply chain, one module per concept. Thin: forms in, services do the work, the same selectors
as the API read, so a page and its API twin give one answer."""
