"""Nettings under real concurrency (threads with their own connections, committed for real): two proposals of one
window, the last two confirmations at once, a payment racing the settlement. Each ends one way, and the books
balance."""

from decimal import Decimal as D

import pytest

from conftest import make_user
from finance.models import Netting, NettingLeg, Payable
from finance.services import nettings, payables
from finance.tests.nettings.conftest import claims_match_debts, fresh, net_positions, propose
from ledger.models import Entry
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import BrainStaff
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def otto(mould):
    """A second operator of the mould brain."""
    user = make_user("otto")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=user, role=BrainStaff.Role.OPERATOR)
    return user


def test_two_proposals_of_one_window_at_once_make_one_netting(cycle, olga, otto, mould):
    results = race(lambda: propose(olga), lambda: propose(otto))
    made = [r for r in results if isinstance(r, Netting)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(made) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], DomainError) and errors[0].code in ("conflict", "nothing_to_net")
    with brain_context(mould.pk):
        assert Netting.objects.count() == 1 and NettingLeg.objects.count() == 3


def test_the_last_two_confirmations_at_once_settle_once(cycle, olga, alice, hongda, hengtong):
    netting = nettings.netting_confirm(netting=propose(olga), by=alice)
    before = net_positions(netting.brain_id)
    results = race(lambda: nettings.netting_confirm(netting=netting, by=hongda),
                   lambda: nettings.netting_confirm(netting=netting, by=hengtong))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status for r in results) == ["proposed", "settled"]  # the second to lock saw the first
    with brain_context(netting.brain_id):
        assert Entry.objects.filter(kind="netting").count() == 1
        assert Payable.objects.filter(status="netted").count() == 3
    assert net_positions(netting.brain_id) == before and claims_match_debts(netting.brain_id)


def test_a_payment_racing_the_settlement_ends_one_way(cycle, olga, alice, hongda, hengtong):
    netting = nettings.netting_confirm(netting=nettings.netting_confirm(netting=propose(olga), by=alice), by=hongda)
    target = cycle[2]  # 恒通 owes alice ¥60,000, netted whole
    results = race(lambda: nettings.netting_confirm(netting=netting, by=hengtong),
                   lambda: payables.payable_pay(payable=target, by=hengtong))
    done, paid = fresh(netting), fresh(target)
    if done.status == Netting.Status.SETTLED:  # the settlement locked the payable first: it is netted, not paid
        assert paid.status == Payable.Status.NETTED and isinstance(results[1], DomainError)
    else:  # the payment came first: the settlement found it changed
        assert done.voided_because == Netting.Voided.CHANGED and paid.status == Payable.Status.PAID
        assert paid.amount == D("60000.00")
    assert claims_match_debts(netting.brain_id)
