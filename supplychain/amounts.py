"""Money and quantities of the supply chain: yuan to the fen, VAT split as a price is stated, quantities for
messages. One rule for group purchases and joint reserves alike."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def fen(value: Decimal) -> Decimal:
    """Rounded half-up to the fen (分), as invoices are."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def qty(value: Decimal) -> str:
    """A quantity for a message: 40, 12.5, never 4E+1 or 12.500."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Amount:
    net: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


def split_vat(stated: Decimal, *, vat_rate: Decimal, includes_vat: bool) -> Amount:
    """An amount to the fen, stated with VAT included (net = stated ÷ (1 + rate), rounded; VAT the rest) or
    without (VAT = net × rate, rounded)."""
    rate = vat_rate / 100
    if includes_vat:
        net = fen(stated / (1 + rate))
        return Amount(net, stated - net)
    return Amount(stated, fen(stated * rate))


# The largest amount the amount columns hold (numeric(14, 2)): beyond it an entry could not be stored at all.
MAX_AMOUNT = Decimal("999999999999.99")


def check_fits(value: Decimal, *, field: str) -> Decimal:
    """Refuse, with a clear error naming `field`, an amount too large to be booked (instead of a database error)."""
    from django.utils.translation import gettext as _

    from tenants.errors import DomainError

    if abs(value) > MAX_AMOUNT:
        raise DomainError(_("This comes to ¥%(amount)s, more than one entry can hold; split it.") % {
            "amount": f"{value:,.2f}"}, field=field, code="too_large")
    return value
