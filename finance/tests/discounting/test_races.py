"""Discounting at the same moment, with real threads and commits: a clearing while the supplier withdraws or
changes its offer, and two clearings at once; each offer ends one way, the cash is never overspent, a claim is
paid early once."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db.models import Sum
from django.utils import timezone

from finance.models import ClearingRun, DiscountOffer, EarlyPayment
from finance.services import discounting
from finance.tests.claims import claims_match_debts, owed
from finance.tests.conftest import fresh
from finance.tests.discounting.test_services import clear, offer, open_programme
from tenants.context import brain_context
from tenants.errors import DomainError
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


def paid_out(programme):
    with brain_context(programme.brain_id):
        return EarlyPayment.objects.aggregate(total=Sum("amount"))["total"] or D(0)


def test_a_clearing_while_the_offer_is_withdrawn_ends_one_way(alice, shop_a):
    programme = open_programme(alice)
    made = offer(programme, shop_a, owed(alice, shop_a, "50000.00"), apr="10")
    withdraw, run = race(lambda: discounting.discount_offer_withdraw(offer=made, by=shop_a),
                         lambda: clear(programme, by=alice))
    made = fresh(made)
    assert isinstance(run, ClearingRun)
    if made.status == DiscountOffer.Status.CLEARED:  # the clearing locked it first: the withdrawal came too late
        assert isinstance(withdraw, DomainError) and withdraw.code == "invalid_state"
    else:
        assert made.status == DiscountOffer.Status.WITHDRAWN and fresh(run).offers_cleared == 0
    assert paid_out(programme) == fresh(programme).cash_used and claims_match_debts(programme.brain_id)


def test_a_clearing_while_the_offer_is_changed_pays_the_rate_it_cleared_at(alice, shop_a):
    programme = open_programme(alice)
    made = offer(programme, shop_a, owed(alice, shop_a, "50000.00", due_in=73), apr="10")
    changed, _run = race(lambda: discounting.discount_offer_change(offer=made, by=shop_a, apr="20"),
                         lambda: clear(programme, by=alice))
    made = fresh(made)
    with brain_context(made.brain_id):
        payment = EarlyPayment.objects.get(payable_id=made.payable_id)
    if isinstance(changed, DomainError):  # cleared first at 10 %: 50,000 × 10 % × 73 / 365
        assert payment.apr == D(10) and payment.discount == D("1000.00")
    else:  # changed first, then cleared at 20 %
        assert made.apr == D(20) and payment.apr == D(20) and payment.discount == D("2000.00")
    assert made.status == DiscountOffer.Status.CLEARED and paid_out(programme) == fresh(programme).cash_used


def test_two_clearings_of_one_cutoff_at_once_make_one_run(alice, shop_a, shop_b):
    programme = open_programme(alice)
    for supplier in (shop_a, shop_b):
        offer(programme, supplier, owed(alice, supplier, "40000.00"), apr="9")
    cutoff = timezone.now()
    first, second = race(lambda: clear(programme, at=cutoff), lambda: clear(programme, by=alice, at=cutoff))
    assert isinstance(first, ClearingRun) and first.pk == second.pk
    with brain_context(programme.brain_id):
        assert ClearingRun.objects.count() == 1 and EarlyPayment.objects.count() == 2
    assert paid_out(programme) == fresh(programme).cash_used


def test_two_clearings_of_different_cutoffs_at_once_never_overspend(alice, shop_a, shop_b):
    programme = open_programme(alice, cash="100000.00")
    for supplier in (shop_a, shop_b, shop_a):
        offer(programme, supplier, owed(alice, supplier, "45000.00"), apr="9")
    now = timezone.now()
    runs = race(lambda: clear(programme, at=now), lambda: clear(programme, by=alice, at=now + timedelta(minutes=1)))
    assert all(isinstance(run, ClearingRun) for run in runs) and runs[0].pk != runs[1].pk
    assert sum(fresh(run).offers_cleared for run in runs) == 2  # the third never fits
    assert paid_out(programme) == fresh(programme).cash_used <= D("100000.00")
    assert claims_match_debts(programme.brain_id)
