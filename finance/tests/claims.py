"""Claims to pay early, and the banks that finance them: fixtures of the early-payment, discounting and financing
tests. A claim here is a payable recorded as a group-purchase settlement would be and confirmed by its debtor
through the service (the journal sees the confirmation), without capacity's whole delivery chain behind each one.

Alice's mould maker (精诚模具) owes; shop_a and shop_b are its suppliers; 泰隆银行 and 台州银行 are financiers of the
mould brain; charlie is in the pump-valve brain and sees nothing of this."""

import itertools
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from finance.models import Payable
from finance.services import books, certificates, payables
from ledger.services.journal import balances
from tenants.context import brain_context
from tenants.models import Brain
from tenants.services.brains import next_number

_evidence = itertools.count(900_000)


def owed(debtor, creditor, amount="100000.00", *, due_in=90, confirm=True, brain="mould") -> Payable:
    """What `debtor` (a user) owes `creditor` (a user) in `brain`, due in `due_in` days, confirmed by the debtor."""
    brain_id = Brain.objects.get(slug=brain).pk
    today = timezone.localdate()
    with brain_context(brain_id):
        payable = Payable.objects.create(
            brain_id=brain_id, number=next_number(brain_id=brain_id, prefix="AP"), source=Payable.Source.GROUP_BUY,
            source_id=next(_evidence), description="模具钢材货款", debtor_id=debtor.enterprise_id,
            creditor_id=creditor.enterprise_id, amount=D(amount), tax=D("0.00"), accepted_on=today - timedelta(days=5),
            due_on=today + timedelta(days=due_in))
    return payables.payable_confirm(payable=payable, by=debtor) if confirm else payable


def certified(debtor, creditor, amount="100000.00", *, due_in=90):
    """A certificate `creditor` holds, issued on what `debtor` owes it."""
    return certificates.certificate_issue(payable=owed(debtor, creditor, amount, due_in=due_in), by=creditor)


def financier(brain, index, name, username):
    enterprise = make_enterprise(index, name)
    join(brain, enterprise, roles=("financier",))
    return make_user(username, enterprise=enterprise)


@pytest.fixture
def taolong(mould):
    """A bank of the mould brain."""
    return financier(mould, 41, "浙江泰隆商业银行台州分行", "taolong")


@pytest.fixture
def taizhou(mould):
    """Another bank of the mould brain."""
    return financier(mould, 42, "台州银行黄岩支行", "taizhoubank")


@pytest.fixture
def steel(mould):
    """A second-tier supplier of shop_a: the mould steel trader."""
    enterprise = make_enterprise(21, "台州市黄岩联信模具钢材有限公司")
    join(mould, enterprise, roles=("supplier",))
    return make_user("lianxin", enterprise=enterprise)


def book(brain_id) -> dict:
    with brain_context(brain_id):
        return balances(brain_id=brain_id, book=books.BOOK)


def claims_match_debts(brain_id) -> bool:
    """The books' invariant: claims held (receivables and certificates) add up to what is owed."""
    rows = book(brain_id)
    claims = sum(v for (kind, _e), v in rows.items() if kind in (books.RECEIVABLE, books.CERTIFICATE))
    return claims == -sum(v for (kind, _e), v in rows.items() if kind == books.PAYABLE)


def days(n):
    return timezone.localdate() + timedelta(days=n)
