"""Money, once for the whole platform: yuan to the fen and the VAT rule.

The rule (docs/architecture.md, "Money" says which document uses which level and why): VAT is computed on a
*line's* amount, rounded half-up to the fen, as a Chinese VAT invoice (增值税发票) carries a tax per line; a
document's VAT is the sum of its lines'. An amount stated with VAT included splits into net = amount ÷ (1 +
rate), rounded, and VAT the rest, so net + VAT is always exactly the stated amount; an amount stated without
VAT gets VAT = net × rate, rounded. A line accepted in parts takes its VAT on the running total, so the parts'
VAT adds up to the VAT of the whole.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tenants.errors import DomainError

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# China's VAT and levy rates, in %.
VAT_RATES = frozenset(Decimal(rate) for rate in ("0", "1", "3", "6", "9", "13"))

# Every amount column: numeric(14, 2). The largest amount it holds: beyond it an entry could not be stored at all.
AMOUNT = {"max_digits": 14, "decimal_places": 2}
MAX_AMOUNT = Decimal("999999999999.99")


def fen(value: Decimal) -> Decimal:
    """Rounded half-up to the fen (分), as invoices are."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Amount:
    net: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


def split_vat(stated: Decimal, *, vat_rate: Decimal, includes_vat: bool) -> Amount:
    """A line's amount to the fen, stated with VAT included (net = stated ÷ (1 + rate), rounded; VAT the rest)
    or without (VAT = net × rate, rounded)."""
    rate = vat_rate / 100
    if includes_vat:
        net = fen(stated / (1 + rate))
        return Amount(net, stated - net)
    return Amount(stated, fen(stated * rate))


def vat_inside(gross: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT inside a line's VAT-included amount, to the fen."""
    return split_vat(gross, vat_rate=vat_rate, includes_vat=True).vat


def vat_of_part(*, before: Decimal, part: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT of `part` of a line whose earlier parts came to `before` (all VAT included): the VAT of the running
    total less the VAT of the earlier parts, so the parts' VAT always adds up to the VAT of the whole."""
    return vat_inside(before + part, vat_rate) - vat_inside(before, vat_rate)


def check_fits(value: Decimal, *, field: str) -> Decimal:
    """Refuse, with a clear error naming `field`, an amount too large to be booked (instead of a database error)."""
    if abs(value) > MAX_AMOUNT:
        raise DomainError(_("This comes to ¥%(amount)s, more than one entry can hold; split it.") % {
            "amount": f"{value:,.2f}"}, field=field, code="too_large")
    return value
