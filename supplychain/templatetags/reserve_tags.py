"""Template filters of the joint-reserve pages."""

from decimal import Decimal

from django import template

from supplychain.services.reserves import qty as quantity_text

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity as people write it: 60, 12.5 (never 6E+1 or 12.500)."""
    return quantity_text(value) if isinstance(value, Decimal) else ("" if value is None else str(value))
