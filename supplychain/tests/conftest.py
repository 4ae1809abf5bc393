"""Supply-chain fixtures: the pump-valve brain's operator, three buyer members, a steel trader."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from supplychain.models import GroupBuy
from supplychain.services import group_buys
from tenants.context import brain_context
from tenants.models import BrainStaff


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are matched in English here; pages and the API answer in the reader's language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def pete(pump):
    """Operator of the pump-valve brain."""
    user = make_user("pete")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=user, role=BrainStaff.Role.OPERATOR)
    return user


def buyer(pump, index, name, username):
    enterprise = make_enterprise(index, name, region="331081")
    join(pump, enterprise, roles=("buyer",))
    return make_user(username, enterprise=enterprise)


@pytest.fixture
def dongfang(pump):
    return buyer(pump, 41, "温岭市东方泵业有限公司（集采）", "dongfang")


@pytest.fixture
def songmen(pump):
    return buyer(pump, 42, "温岭市松门水泵配件厂", "songmen")


@pytest.fixture
def lio(pump):
    return buyer(pump, 43, "浙江温岭利欧阀门制造有限公司", "lio")


@pytest.fixture
def steel(pump):
    enterprise = make_enterprise(44, "浙江钱江钢材贸易有限公司", region="331081")
    join(pump, enterprise, roles=("supplier",))
    return make_user("qianjiang", enterprise=enterprise)


def terms(**overrides):
    deadline = timezone.now() + timedelta(days=5)
    values = dict(title="304不锈钢棒材集采", material_grade="06Cr19Ni10 (304)", specification="Φ50 圆棒", unit="t",
                  minimum_total=Decimal("10"), member_minimum=Decimal("1"), member_maximum=Decimal("40"),
                  increment=Decimal("0.5"), deadline=deadline, deposit_percent=Decimal("20"),
                  fee_mode=GroupBuy.FeeMode.PERCENT, fee_value=Decimal("1.00"), vat_rate=Decimal("13.00"),
                  prices_include_vat=True, on_failure=GroupBuy.OnFailure.CANCEL)
    values.update(overrides)
    return values


TIERS = [{"min_total": Decimal("10"), "unit_price": Decimal("15800.00")},
         {"min_total": Decimal("50"), "unit_price": Decimal("15200.00")},
         {"min_total": Decimal("100"), "unit_price": Decimal("14650.00")}]


def windows():
    start = timezone.localdate() + timedelta(days=10)
    return [{"starts_on": start, "ends_on": start + timedelta(days=5)}]


def campaign(pump, pete, steel, *, tiers=TIERS, capacity=None, **overrides):
    made = group_buys.group_buy_create(brain=pump, by=pete, tiers=tiers, windows=windows(),
                                       suppliers=[{"supplier": steel.enterprise_id, "capacity": capacity}],
                                       **terms(**overrides))
    return group_buys.group_buy_open(group_buy=made, by=pete)


@pytest.fixture
def steel_buy(pump, pete, steel):
    return campaign(pump, pete, steel)


def window_of(group_buy):
    with brain_context(group_buy.brain_id):
        return group_buy.windows.first().pk


def pledge(group_buy, user, quantity, address="浙江省温岭市东部新区泵业园 8 号"):
    return group_buys.pledge_save(group_buy=group_buy, by=user, quantity=Decimal(quantity), address=address,
                                  window_id=window_of(group_buy))


def at_deadline(group_buy):
    """Decide as beat would once the deadline has passed (the server's clock, moved)."""
    return group_buys.group_buy_decide(group_buy=group_buy, now=group_buy.deadline + timedelta(seconds=1))


# --- Joint reserves (联储联备) ----------------------------------------------------------------------------
# A reserve of 304 stainless coil in the pump-valve brain: 15,800.00 a tonne with 13 % VAT while the reference
# price is at its base of 14,500.00; 80 % of the reference price's change passed on; 5 % surcharge beyond a
# share; replenished below 20 t up to 60 t from the steel trader, who delivers the first 60 t at 15,000.00.


def reserve_terms(**overrides):
    values = dict(title="304不锈钢卷联储", material_grade="06Cr19Ni10 (304)", specification="2B 冷轧卷 δ2.0",
                  unit="t", base_price=Decimal("15800.00"), base_reference_price=Decimal("14500.00"),
                  vat_rate=Decimal("13.00"), prices_include_vat=True, pass_through_percent=Decimal("80"),
                  surcharge_percent=Decimal("5"), replenish_threshold=Decimal("20"), replenish_to=Decimal("60"))
    values.update(overrides)
    return values


def open_replenishment(reserve):
    from supplychain.models import Replenishment

    with brain_context(reserve.brain_id):
        return Replenishment.objects.get(reserve=reserve, status="open")


def stocked_reserve(pump, pete, steel, *, shares=(), unit_cost=Decimal("15000.00"), **overrides):
    """Set up, its first replenishment received whole, and the members' shares committed."""
    from supplychain.models import Reserve
    from supplychain.services import reserves

    made = reserves.reserve_create(brain=pump, by=pete, supplier_id=steel.enterprise_id, **reserve_terms(**overrides))
    first = open_replenishment(made)
    reserves.replenishment_receive(replenishment=first, by=pete, quantity=first.quantity, unit_cost=unit_cost,
                                   note_number="QJ-2026-0001")
    for user, committed in shares:
        reserves.share_commit(reserve=made, by=pete, member_id=user.enterprise_id, committed=Decimal(committed))
    with brain_context(pump.pk):
        return Reserve.objects.get(pk=made.pk)


@pytest.fixture
def steel_reserve(pump, pete, steel, dongfang, songmen, lio):
    """60 t in stock at 796,460.18 net; shares: 东方 20 t, 松门 15 t, 利欧 10 t (15 t uncommitted)."""
    return stocked_reserve(pump, pete, steel, shares=((dongfang, "20"), (songmen, "15"), (lio, "10")))
