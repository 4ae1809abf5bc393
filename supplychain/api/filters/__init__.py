"""List filters of the supply-chain API (django-filter), one module per concept. They narrow what the caller
may already see."""
