"""List filters of the capacity API (django-filter), one module per concept. They narrow what the caller may already
see."""
