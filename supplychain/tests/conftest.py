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
