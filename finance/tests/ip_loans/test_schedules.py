"""The repayment schedule's arithmetic, to the fen: the principals add up to the loan, the instalments to the loan
plus its interest, and the rounding remainder sits in the last instalment (finance/schedules.py)."""

from datetime import date
from decimal import Decimal as D
from decimal import localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance.schedules import (
    EQUAL_INSTALMENTS, INTEREST_ONLY, fen_down, level_payment, repayment_schedule, schedule_totals,
)
from ledger.money import FEN, fen

principals = st.decimals(min_value=D("1000.00"), max_value=D("999999999.99"), places=2)
aprs = st.decimals(min_value=D("0.0001"), max_value=D("24"), places=4)
terms = st.integers(min_value=1, max_value=60)
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def test_it_gives_the_banks_figures_for_equal_instalments():
    """¥1,000,000 at 4.35 % over 12 months: 85,309.90 a month (the figure bank calculators give), the last
    85,309.89, 23,718.79 of interest in all."""
    schedule = repayment_schedule(principal=D("1000000.00"), apr=D("4.35"), months=12, method=EQUAL_INSTALMENTS,
                                  start=date(2026, 1, 31))
    assert [row.amount for row in schedule] == [D("85309.90")] * 11 + [D("85309.89")]
    assert schedule[0].interest == D("3625.00") and schedule[0].principal == D("81684.90")
    assert schedule_totals(schedule) == {"principal": D("1000000.00"), "interest": D("23718.79"),
                                         "amount": D("1023718.79")}


def test_it_counts_months_from_the_disbursement_keeping_the_day_where_the_month_has_it():
    schedule = repayment_schedule(principal=D("1000.00"), apr=D("3"), months=4, method=INTEREST_ONLY,
                                  start=date(2026, 1, 31))
    assert [row.due_on for row in schedule] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
                                                date(2026, 5, 31)]


def test_interest_only_pays_the_principal_at_the_end_with_the_remainder_of_the_interest():
    """¥100,000.00 at 3.65 % over 7 months: 304.16 a month (304.1666… rounded down), the last 100,000 + 304.21, so
    the interest is 2,129.17 = 100,000 × 3.65 % × 7/12 rounded once."""
    schedule = repayment_schedule(principal=D("100000.00"), apr=D("3.65"), months=7, method=INTEREST_ONLY,
                                  start=date(2026, 3, 1))
    assert [row.interest for row in schedule] == [D("304.16")] * 6 + [D("304.21")]
    assert [row.principal for row in schedule] == [D("0")] * 6 + [D("100000.00")]
    assert schedule_totals(schedule)["interest"] == D("2129.17") == fen(D("100000") * D("0.0365") * 7 / 12)


@pytest.mark.parametrize("bad", [dict(principal=D("0")), dict(months=0), dict(apr=D("-1")), dict(method="x"),
                                 dict(principal=D("1000.001"))])
def test_it_refuses_what_is_no_loan(bad):
    with pytest.raises(ValueError):
        repayment_schedule(**{"principal": D("1000.00"), "apr": D("3"), "months": 12, "method": INTEREST_ONLY,
                              "start": date(2026, 1, 1), **bad})


def check_common(schedule, principal, months):
    assert [row.sequence for row in schedule] == list(range(1, months + 1))
    assert all(row.principal >= 0 and row.interest >= 0 for row in schedule)
    assert all(row.amount == row.principal + row.interest for row in schedule)
    assert all(value == value.quantize(FEN) for row in schedule for value in (row.principal, row.interest))
    assert sorted(row.due_on for row in schedule) == [row.due_on for row in schedule]
    totals = schedule_totals(schedule)
    assert totals["principal"] == principal  # to the fen
    assert totals["amount"] == principal + totals["interest"]


@settings(max_examples=300, deadline=None)
@given(principal=principals, apr=aprs, months=terms, start=starts)
def test_equal_instalments_add_up_to_the_principal_and_interest_to_the_fen(principal, apr, months, start):
    schedule = repayment_schedule(principal=principal, apr=apr, months=months, method=EQUAL_INSTALMENTS,
                                  start=start)
    check_common(schedule, principal, months)
    payment = fen_down(level_payment(principal, apr, months))
    assert all(row.amount == payment for row in schedule[:-1])  # level, the remainder in the last
    # The remainder is rounding only: the total is the exact annuity's within the fen errors it can accumulate.
    with localcontext() as context:
        context.prec = 40
        growth = (1 + apr / 100 / 12) ** months
        exact = level_payment(principal, apr, months) * months
        assert abs(schedule_totals(schedule)["amount"] - exact) <= D("0.015") * months * growth + D("0.01")
    assert abs(schedule[-1].amount - payment) <= D("0.015") * months * growth + D("0.01")


@settings(max_examples=300, deadline=None)
@given(principal=principals, apr=aprs, months=terms, start=starts)
def test_interest_only_adds_up_to_the_principal_and_its_interest_to_the_fen(principal, apr, months, start):
    schedule = repayment_schedule(principal=principal, apr=apr, months=months, method=INTEREST_ONLY, start=start)
    check_common(schedule, principal, months)
    assert schedule_totals(schedule)["interest"] == fen(principal * apr / 100 * months / 12)
    monthly = fen_down(principal * apr / 100 / 12)
    assert all(row.interest == monthly and row.principal == 0 for row in schedule[:-1])
    assert schedule[-1].principal == principal and schedule[-1].interest >= monthly
