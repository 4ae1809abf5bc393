"""The netting demo: three members of the mould brain owe each other in a cycle, every debt from capacity's real
flow (project, RFQ, quote, award, work order, delivery, inspection) and confirmed; the operator's proposal nets the
smallest debt all round; one party has confirmed, the demo's buyer and supplier see it waiting; a second load
changes nothing."""

from decimal import Decimal as D

import pytest

from brain import demo as brain_demo
from capacity import demo as capacity_demo
from capacity.models import Delivery, Rfq, WorkOrder
from finance import demo as finance_demo
from finance.models import Netting, NettingLeg, NettingParty, Payable
from finance.selectors.nettings import netting_leg_list, netting_list, netting_party_list
from tenants import demo as tenants_demo
from tenants.access import brain_access
from tenants.context import brain_context, cross_brain


def load():
    """As load_demo runs them, in the order of the apps."""
    loaded = tenants_demo.load()
    for demo in (brain_demo, capacity_demo, finance_demo):
        demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def snapshot() -> dict:
    with cross_brain(reason="test assertion"):
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in (
            Netting, NettingLeg, NettingParty, Payable, Rfq, WorkOrder, Delivery)}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = load()
    first = snapshot()
    load()
    return loaded, first


def test_a_second_load_changes_nothing(demo):
    _loaded, first = demo
    assert snapshot() == first
    assert len(first["Netting"]) == 1 and len(first["NettingLeg"]) == 3


def test_three_members_owe_each_other_from_real_deliveries_and_the_proposal_nets_the_cycle(demo):
    loaded, _ = demo
    mould, users = loaded["brains"]["mould"], loaded["users"]
    with brain_context(mould.pk):
        operator = brain_access(user=users["operator"], brain=mould)
        [netting] = netting_list(brain=mould, viewer=operator)
        assert netting.status == Netting.Status.PROPOSED and netting.note == finance_demo.NETTING_NOTE
        legs = list(netting_leg_list(brain=mould, viewer=operator).filter(netting=netting))
        parties = {p.enterprise_id: p for p in netting_party_list(brain=mould, viewer=operator).filter(
            netting=netting)}
        for leg in legs:  # each debt is an accepted delivery of awarded work, confirmed by its debtor
            assert leg.payable.source == Payable.Source.DELIVERY and leg.payable.confirmed_by_id
            delivery = Delivery.objects.select_related("work_order__rfq").get(pk=leg.payable.source_id)
            assert "轧差演示" in delivery.work_order.rfq.title
            assert (delivery.work_order.buyer_id, delivery.work_order.supplier_id) == (leg.debtor_id, leg.creditor_id)
    people = {users[name].enterprise_id for name in ("buyer", "supplier", "supplier2")}
    assert set(parties) == people
    smallest = min(leg.amount for leg in legs)
    assert {leg.netted for leg in legs} == {smallest} and netting.netted_total == 3 * smallest
    assert smallest == D("34400.00")  # 8 quenching fixtures at ¥4,300.00 each, 13 % VAT included
    assert netting.confirmed_count == 1
    assert parties[users["supplier2"].enterprise_id].decision == NettingParty.Decision.CONFIRMED
    for name in ("buyer", "supplier"):  # real work waiting for the demo's logins
        with brain_context(mould.pk):
            viewer = brain_access(user=users[name], brain=mould)
            assert list(netting_list(brain=mould, viewer=viewer)) == [netting]
            mine = netting_party_list(brain=mould, viewer=viewer).get()
        assert mine.decision == NettingParty.Decision.PENDING and mine.netted == smallest
