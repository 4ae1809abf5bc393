"""Template filters of the supply-chain pages."""

from decimal import Decimal

from django import template

from supplychain.models import AccountKind, EntryKind
from supplychain.quantities import qty as quantity_text

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity as people write it: 52.5, 40, 0.5 (never 52.500 or 4E+1)."""
    if value is None or value == "":
        return ""
    return quantity_text(Decimal(value))


@register.filter
def entry_kind(value: str) -> str:
    """What an entry of supplychain's book is, in the reader's language (the journal stores the word only)."""
    return EntryKind(value).label if value in EntryKind.values else value


@register.filter
def account_kind(value: str) -> str:
    """Which account of supplychain's book, in the reader's language (the journal stores the word only)."""
    return AccountKind(value).label if value in AccountKind.values else value
