"""Quantities of the supply chain as messages and memos show them."""

from decimal import Decimal


def qty(value: Decimal) -> str:
    """A quantity for a message: 40, 12.5, never 4E+1 or 12.500."""
    return format(value.normalize(), "f")
