"""Repayment schedules of loans, to the fen: what is due each month, split into principal and interest.

The monthly rate is the annual rate ÷ 12, as Chinese banks quote both methods; months are counted from the
disbursement date (the same day of each following month, or that month's last day when it is shorter).

- Equal instalments (等额本息): the level payment A = P·r·(1+r)ⁿ / ((1+r)ⁿ − 1) (P/n at a zero rate), rounded *down*
  to the fen. Each month's interest is the balance × r, rounded half-up to the fen; its principal is A less that
  interest. The last instalment repays whatever balance is left, with its interest: every rounding remainder lands
  there, and the principals add up to P exactly.
- Interest only, principal at the end (先息后本): the loan's interest is P × annual rate × n/12, rounded half-up to
  the fen once; each month but the last pays P × r rounded *down* to the fen, and the last pays P with the rest of
  the interest. So the instalments add up to P plus that interest exactly, and no month pays more than its share.

Rounding the level amounts down keeps the last instalment's share of the remainder non-negative where it could
otherwise go below zero (interest only, on tiny loans); with equal instalments the last differs from the others by
the accumulated rounding, a few fen either way (1,000,000.00 at 4.35 % over 12 months: eleven of 85,309.90 and a
last of 85,309.89; interest 23,718.79).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

from dateutil.relativedelta import relativedelta

from ledger.money import FEN, ZERO, fen

EQUAL_INSTALMENTS = "equal_instalments"
INTEREST_ONLY = "interest_only"
METHODS = (EQUAL_INSTALMENTS, INTEREST_ONLY)


@dataclass(frozen=True)
class Instalment:
    sequence: int
    due_on: date
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


def fen_down(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_DOWN)


def monthly_rate(apr: Decimal) -> Decimal:
    """`apr` in % a year (3.45) as a fraction a month."""
    return apr / 100 / 12


def due_dates(start: date, months: int) -> list[date]:
    """The same day of each of the `months` months after `start` (each counted from `start`, so a 31st stays the
    31st where the month has one)."""
    return [start + relativedelta(months=k) for k in range(1, months + 1)]


def level_payment(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    """The unrounded equal instalment of an annuity."""
    with localcontext() as context:
        context.prec = 40
        rate = monthly_rate(apr)
        if rate == 0:
            return principal / months
        growth = (1 + rate) ** months
        return principal * rate * growth / (growth - 1)


def repayment_schedule(*, principal: Decimal, apr: Decimal, months: int, method: str,
                       start: date) -> list[Instalment]:
    """The schedule of a loan of `principal` at `apr` % a year over `months`, disbursed on `start`."""
    if principal <= 0 or months < 1 or apr < 0 or method not in METHODS:
        raise ValueError("a positive principal, at least one month, a rate of 0 or more and a known method")
    if principal != principal.quantize(FEN):
        raise ValueError("a principal to the fen")
    principal = principal.quantize(FEN)
    dates = due_dates(start, months)
    rate = monthly_rate(apr)
    if method == INTEREST_ONLY:
        total_interest = fen(principal * apr / 100 * months / 12)
        monthly = fen_down(principal * rate)
        last = total_interest - monthly * (months - 1)
        return [Instalment(k, dates[k - 1], principal if k == months else ZERO, last if k == months else monthly)
                for k in range(1, months + 1)]
    payment = fen_down(level_payment(principal, apr, months))
    balance, schedule = principal, []
    for k in range(1, months + 1):
        interest = fen(balance * rate)
        part = balance if k == months else min(max(payment - interest, ZERO), balance)
        schedule.append(Instalment(k, dates[k - 1], part, interest))
        balance -= part
    return schedule


def schedule_totals(schedule: list[Instalment]) -> dict:
    return {"principal": sum((i.principal for i in schedule), ZERO),
            "interest": sum((i.interest for i in schedule), ZERO),
            "amount": sum((i.amount for i in schedule), ZERO)}
