"""The pooled-buying demo: the states it promises, loaded idempotently."""

from decimal import Decimal

from ledger.models import Entry
from supplychain import demo as supply_demo
from supplychain.selectors import group_buys as selectors
from supplychain.models import GroupBuy, Pledge, Shipment
from supplychain.services import ledger
from tenants import demo as tenants_demo
from tenants.context import brain_context, cross_brain


def load():
    loaded = tenants_demo.load()
    supply_demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def counts():
    with cross_brain(reason="test assertion"):
        return [model.objects.count() for model in (GroupBuy, Pledge, Entry, Shipment)]


def test_the_demo_shows_each_state_and_loads_twice_the_same(db):
    loaded = load()
    first = counts()
    load()
    assert counts() == first
    pump, shoe = loaded["brains"]["pump-valve"], loaded["brains"]["leather-shoe"]
    with brain_context(pump.pk):
        stainless = GroupBuy.objects.get(title__startswith="304")
        coil = GroupBuy.objects.get(title__startswith="Q235B")
        progress = selectors.tier_progress(stainless)
        books = ledger.exposure(brain_id=pump.pk)
    assert stainless.status == "open" and progress.total == Decimal("40") and progress.to_next == Decimal("10")
    assert coil.status == "locked" and coil.locked_price == Decimal("4080.00")  # 65 t: the 60 t tier
    assert books.open_exposure > 0 and books.owed_to_suppliers > 0
    from supplychain.models import Drawdown, Replenishment, Reserve

    with brain_context(pump.pk):
        reserve = Reserve.objects.get()
        assert reserve.stock == Decimal("15") and Drawdown.objects.filter(reserve=reserve).count() == 3
        [reordered] = Replenishment.objects.filter(reserve=reserve, status="open")
        assert reordered.quantity == Decimal("45")  # back up to 60 t
    with brain_context(shoe.pk):
        samples = GroupBuy.objects.get(kind="sample_order")
        assert samples.status == "open" and selectors.tier_progress(samples).to_minimum == Decimal("90")
