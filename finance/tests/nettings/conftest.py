"""Netting fixtures: members of the mould brain who owe each other, with payables confirmed through the service
(the book sees each confirmation). A payable here is recorded as a group-purchase settlement would be, so a graph
of many debts takes no delivery chain each; the demo and the cross-brain suite build theirs through capacity.

alice's mould maker (精诚) owes 宏达 (hongda), 宏达 owes 恒通 (hengtong), 恒通 owes alice: the cycle; 美嘉 (meijia) and
华宇 (huayu) are members for bigger graphs; olga operates the brain; charlie is in the pump-valve brain."""

import itertools
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from finance.models import Netting, Payable
from finance.services import books, nettings, payables
from ledger.services.journal import balances
from tenants.context import brain_context
from tenants.models import Brain
from tenants.services.brains import next_number

_evidence = itertools.count(700_000)


def member(brain, index, name, username, roles=("buyer", "supplier")):
    enterprise = make_enterprise(index, name)
    join(brain, enterprise, roles=roles)
    return make_user(username, enterprise=enterprise)


@pytest.fixture
def hongda(mould):
    return member(mould, 51, "台州市黄岩宏达精密机械加工厂", "hongda")


@pytest.fixture
def hengtong(mould):
    return member(mould, 52, "浙江黄岩恒通热处理有限公司", "hengtong")


@pytest.fixture
def meijia(mould):
    return member(mould, 53, "台州市黄岩美嘉抛光蚀纹有限公司", "meijia")


@pytest.fixture
def huayu(mould):
    return member(mould, 54, "黄岩华宇塑料制品有限公司", "huayu")


def owe(debtor, creditor, amount, *, due_in=30, tax="0.00", confirm=True, brain="mould") -> Payable:
    """What `debtor` owes `creditor` (users), due in `due_in` days, confirmed by the debtor through the service."""
    brain_id = Brain.objects.get(slug=brain).pk
    today = timezone.localdate()
    with brain_context(brain_id):
        payable = Payable.objects.create(
            brain_id=brain_id, number=next_number(brain_id=brain_id, prefix="AP"), source=Payable.Source.GROUP_BUY,
            source_id=next(_evidence), description="外协加工款", debtor_id=debtor.enterprise_id,
            creditor_id=creditor.enterprise_id, amount=D(amount), tax=D(tax),
            accepted_on=today - timedelta(days=3), due_on=today + timedelta(days=due_in))
    return payables.payable_confirm(payable=payable, by=debtor) if confirm else payable


@pytest.fixture
def cycle(alice, hongda, hengtong):
    """alice owes 宏达 ¥100,000.00, 宏达 owes 恒通 ¥80,000.00, 恒通 owes alice ¥60,000.00 (13 % VAT inside)."""
    return [owe(alice, hongda, "100000.00", tax="11504.42", due_in=20),
            owe(hongda, hengtong, "80000.00", tax="9203.54", due_in=40),
            owe(hengtong, alice, "60000.00", tax="6902.65", due_in=50)]


def window(days_from=0, days_to=90):
    today = timezone.localdate()
    return {"window_from": today + timedelta(days=days_from), "window_to": today + timedelta(days=days_to)}


def propose(operator, **kwargs) -> Netting:
    return nettings.netting_propose(brain=Brain.objects.get(slug="mould"), by=operator, **{**window(), **kwargs})


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def book(brain_id) -> dict:
    with brain_context(brain_id):
        return balances(brain_id=brain_id, book=books.BOOK)


def net_positions(brain_id) -> dict:
    """Each enterprise's receivable plus its payable (a credit balance) in the book: what it is owed less what it
    owes."""
    positions = {}
    for (kind, enterprise), value in book(brain_id).items():
        if kind in (books.RECEIVABLE, books.PAYABLE, books.CERTIFICATE):
            positions[enterprise] = positions.get(enterprise, D(0)) + value
    return {enterprise: value for enterprise, value in positions.items() if value}


def claims_match_debts(brain_id) -> bool:
    rows = book(brain_id)
    claims = sum(v for (kind, _e), v in rows.items() if kind in (books.RECEIVABLE, books.CERTIFICATE))
    return claims == -sum(v for (kind, _e), v in rows.items() if kind == books.PAYABLE)
