"""Template filters of the supply-chain pages."""

from decimal import Decimal

from django import template

from supplychain.quantities import qty as quantity_text

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity as people write it: 52.5, 40, 0.5 (never 52.500 or 4E+1)."""
    if value is None or value == "":
        return ""
    return quantity_text(Decimal(value))
