"""List filters of the tenants API (django-filter), one module per concept. They narrow what the caller may already
see."""
