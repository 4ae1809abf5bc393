"""The brain's API, one module per concept. Thin: every viewset reads through brain.selectors, every write goes
through brain.services. Whatever the caller may not see answers 404, the same as an object that does not exist."""
