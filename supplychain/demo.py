"""Demo of pooled buying (idempotent): in the pump-valve brain an open 304 stainless group purchase 10 t short
of its next tier, a locked Q235B coil purchase with a deposit paid, the supplier paid, one member's goods all
received and another's in part, the brain's trader (平台贸易商) named, so the member whose goods all arrived owes it
(finance records that payable), and a 304 coil joint reserve drawn below its threshold, its replenishment ordered;
in the leather-shoe brain a traders' sample group order 90 pairs short of the factory's minimum."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from supplychain.models import EntryKind, GroupBuy, Replenishment, Reserve, SupplyOrderLine
from supplychain.selectors import group_buys as selectors
from supplychain.services import group_buys, reserves
from tenants import demo as tenants_demo
from tenants.context import brain_context
from tenants.models import Enterprise, Membership, User

D = Decimal


def _enterprise(name: str) -> Enterprise:
    for index, (legal_name, region, _roles) in enumerate(tenants_demo.ENTERPRISES):
        if legal_name == name:
            return Enterprise.objects.get(credit_code=tenants_demo.demo_credit_code(index + 1, region))
    raise LookupError(name)


def _user(name: str, username: str, full_name: str) -> User:
    """The enterprise's administrator: the demo's own if it has one, else `username`."""
    enterprise = _enterprise(name)
    existing = User.objects.filter(enterprise=enterprise, enterprise_role="admin").order_by("pk").first()
    if existing:
        return existing
    index = [n for n, _r, _x in tenants_demo.ENTERPRISES].index(name)
    user = User(username=username, full_name=full_name, mobile=f"138000002{index:02d}", enterprise=enterprise,
                enterprise_role="admin")
    user.set_password(tenants_demo.PASSWORD)
    user.save()
    return user


def _exists(brain, title: str) -> bool:
    with brain_context(brain.pk):
        return GroupBuy.objects.in_brain(brain).filter(title=title).exists()


def _windows(days: int):
    start = timezone.localdate() + timedelta(days=days)
    return [{"starts_on": start, "ends_on": start + timedelta(days=5)},
            {"starts_on": start + timedelta(days=7), "ends_on": start + timedelta(days=12)}]


def _pledge(group_buy, user, quantity, address, window=0):
    with brain_context(group_buy.brain_id):
        window_id = list(group_buy.windows.values_list("pk", flat=True))[window]
    group_buys.pledge_save(group_buy=group_buy, by=user, quantity=D(quantity), address=address, window_id=window_id)


def _stainless(brain, operator, steel, dongfang, lio):
    title = "304不锈钢棒材 Φ50 集采（12月）"
    if _exists(brain, title):
        return
    made = group_buys.group_buy_create(
        brain=brain, by=operator, title=title, material_grade="06Cr19Ni10 (304)", specification="Φ50 圆棒 GB/T 1220",
        unit="t", description="泵轴、阀杆用料。钢厂直发，质保书随货。", minimum_total=D("20"), member_minimum=D("2"),
        member_maximum=D("40"), increment=D("0.5"), deadline=timezone.now() + timedelta(days=5),
        deposit_percent=D("20"), fee_mode=GroupBuy.FeeMode.PERCENT, fee_value=D("0.80"),
        on_failure=GroupBuy.OnFailure.EXTEND, extension_days=5,
        tiers=[{"min_total": D("10"), "unit_price": D("15800.00")}, {"min_total": D("50"), "unit_price": D("15200.00")},
               {"min_total": D("100"), "unit_price": D("14650.00")}],
        windows=_windows(12), suppliers=[{"supplier": steel.enterprise_id, "capacity": D("150")}])
    made = group_buys.group_buy_open(group_buy=made, by=operator)
    _pledge(made, dongfang, "22", "温岭市东部新区泵业园区 8 号 东方泵业原料仓")
    _pledge(made, lio, "18", "温岭市东部产业集聚区 利欧阀门二期仓库", window=1)


def _coil(brain, operator, steel, dongfang, songmen):
    title = "Q235B 热轧卷板集采（11月）"
    if _exists(brain, title):
        return
    made = group_buys.group_buy_create(
        brain=brain, by=operator, title=title, material_grade="Q235B", specification="3.0×1250×C 热轧卷",
        unit="t", minimum_total=D("30"), member_minimum=D("5"), member_maximum=D("60"), increment=D("1"),
        deadline=timezone.now() + timedelta(hours=1), deposit_percent=D("10"), fee_mode=GroupBuy.FeeMode.PER_UNIT,
        fee_value=D("15.00"), on_failure=GroupBuy.OnFailure.CANCEL,
        tiers=[{"min_total": D("30"), "unit_price": D("4200.00")}, {"min_total": D("60"), "unit_price": D("4080.00")}],
        windows=_windows(1), suppliers=[{"supplier": steel.enterprise_id, "capacity": None}])
    made = group_buys.group_buy_open(group_buy=made, by=operator)
    _pledge(made, dongfang, "40", "温岭市东部新区泵业园区 8 号 东方泵业原料仓")
    _pledge(made, songmen, "25", "温岭市松门镇工业区 松门水泵配件厂")
    group_buys.payment_record(group_buy=made, by=operator, kind=EntryKind.MEMBER_PAYMENT,
                              enterprise_id=dongfang.enterprise_id, amount=D("16800.00"), reference="泵阀大脑专户 1128-01")
    with brain_context(brain.pk):  # the deadline passed (demo history)
        GroupBuy.objects.filter(pk=made.pk).update(deadline=timezone.now() - timedelta(minutes=1))
        made.refresh_from_db()
    group_buys.group_buy_decide(group_buy=made)
    with brain_context(brain.pk):
        made.refresh_from_db()
        order = made.orders.get()
        line = SupplyOrderLine.objects.in_brain(brain).filter(order=order, member_id=dongfang.enterprise_id).get()
    group_buys.payment_record(group_buy=made, by=operator, kind=EntryKind.SUPPLIER_PAYMENT,
                              enterprise_id=steel.enterprise_id, amount=D("200000.00"), reference="泵阀大脑专户 1201-03")
    shipment = group_buys.shipment_record(line=line, by=steel, quantity=D("24"), note_number="QJ-2026-1130")
    group_buys.shipment_receive(shipment=shipment, by=dongfang, quantity=D("24"))


TRADER = ("台州泵阀产业大脑供应链管理有限公司（演示）", "331081")  # the brain company's trading arm, not in tenants' list


def _trader(brain, operator) -> Enterprise:
    """The brain's trader: a member of its own (the brain has no enterprise), named in the brain's settings once."""
    name, region = TRADER
    trader, _created = Enterprise.objects.get_or_create(
        credit_code=tenants_demo.demo_credit_code(90, region),
        defaults={"legal_name": name, "region_code": region, "address": "浙江省温岭市东部新区 泵阀产业大脑服务中心",
                  "verified": True})
    with brain_context(brain.pk):
        Membership.objects.get_or_create(brain=brain, enterprise=trader,
                                         defaults={"roles": ["supplier"], "status": Membership.Status.ACTIVE})
        named = selectors.supply_chain_settings(brain=brain).trader_id
    if named is None:
        group_buys.settings_save(brain=brain, by=operator, trader_id=trader.pk)
    if not User.objects.filter(enterprise=trader).exists():
        user = User(username="pvtrader", full_name="钱佳", mobile="13800000290", enterprise=trader,
                    enterprise_role="admin")
        user.set_password(tenants_demo.PASSWORD)
        user.save()
    return trader


def _coil_received(brain, steel, songmen):
    """松门's 25 t of the coil purchase shipped and received whole: what it owes the trader is due from today."""
    with brain_context(brain.pk):
        line = SupplyOrderLine.objects.in_brain(brain).filter(order__group_buy__title__startswith="Q235B",
                                                              member_id=songmen.enterprise_id).first()
    if line is None or line.received >= line.quantity:
        return
    shipment = group_buys.shipment_record(line=line, by=steel, quantity=line.quantity - line.shipped,
                                          note_number="QJ-2026-1202")
    group_buys.shipment_receive(shipment=shipment, by=songmen, quantity=shipment.quantity)


def _samples(brain, trader, other_trader, factory):
    title = "2027 春季女士乐福鞋 打样拼单"
    if _exists(brain, title):
        return
    made = group_buys.group_buy_create(
        brain=brain, by=trader, kind=GroupBuy.Kind.SAMPLE_ORDER, title=title, material_grade="头层牛皮 1.4–1.6 mm",
        specification="35–40 码，黑/杏两色", style="乐福鞋 L-2027-03", unit="双", target_price=D("160.00"),
        description="外贸样品单，工厂起订 300 双；拼满即下单，每家按所拼数量分码分色。", minimum_total=D("300"),
        member_minimum=D("30"), member_maximum=D("200"), increment=D("10"), deadline=timezone.now() + timedelta(days=4),
        deposit_percent=D("30"), fee_mode=GroupBuy.FeeMode.PER_PARTICIPANT, fee_value=D("200.00"),
        on_failure=GroupBuy.OnFailure.PROCEED,
        tiers=[{"min_total": D("200"), "unit_price": D("178.00")}, {"min_total": D("300"), "unit_price": D("168.00")}],
        windows=_windows(20), suppliers=[{"supplier": factory.pk, "capacity": D("600")}])
    made = group_buys.group_buy_open(group_buy=made, by=trader)
    _pledge(made, trader, "120", "温州市鹿城区双屿街道 红蜻蜓鞋业样品间")
    _pledge(made, other_trader, "90", "温州市鹿城区南汇街道 鞋都大道 外贸鞋样采购商行")


def _reserve(brain, operator, steel, dongfang, lio, songmen):
    """A joint reserve of 304 coil: stocked once, shares committed, a reference price up since, two draws (one
    beyond its share at the surcharge) and the next replenishment ordered."""
    title = "304 不锈钢冷轧卷 联储联备"
    with brain_context(brain.pk):
        if Reserve.objects.in_brain(brain).filter(title=title).exists():
            return
    reserve = reserves.reserve_create(
        brain=brain, by=operator, supplier_id=steel.enterprise_id, title=title, material_grade="06Cr19Ni10 (304)",
        specification="2.0×1219×C 冷轧卷 2B", unit="t", base_price=D("16200.00"), base_reference_price=D("15600.00"),
        replenish_threshold=D("20"), replenish_to=D("60"), pass_through_percent=D("80"), surcharge_percent=D("5"))
    with brain_context(brain.pk):
        first = Replenishment.objects.in_brain(brain).get(reserve=reserve)
    reserves.replenishment_receive(replenishment=first, by=operator, quantity=D("60"), unit_cost=D("15950.00"),
                                   note_number="QJ-JR-0001")
    for member, committed in ((dongfang, "25"), (lio, "20"), (songmen, "10")):
        reserves.share_commit(reserve=reserve, by=operator, member_id=member.enterprise_id, committed=D(committed))
    reserves.reference_price_record(reserve=reserve, by=operator, value=D("15900.00"), quoted_on=timezone.localdate(),
                                    source="无锡不锈钢电子交易中心 304/2B 冷轧卷")
    reserves.reserve_draw(reserve=reserve, by=dongfang, quantity=D("18"), note="泵轴车间 12 月用料")
    reserves.reserve_draw(reserve=reserve, by=songmen, quantity=D("12"), note="叶轮外协急用")  # 2 t beyond its share
    reserves.reserve_draw(reserve=reserve, by=lio, quantity=D("15"), note="阀体二期")  # 15 t left: below 20 t


@transaction.atomic
def load(*, brains: dict, users: dict) -> None:
    operator = users["operator"]
    pump = brains.get("pump-valve")
    if pump is not None:
        steel = _user("浙江钱江钢材贸易有限公司", "pvsteel", "赵钢")
        dongfang = _user("温岭市东方泵业有限公司", "pvbuyer", "林志强")
        lio = _user("浙江温岭利欧阀门制造有限公司", "pvlio", "郑立")
        songmen = _user("温岭市松门水泵配件厂", "pvsongmen", "蒋松")
        _stainless(pump, operator, steel, dongfang, lio)
        _coil(pump, operator, steel, dongfang, songmen)
        _trader(pump, operator)
        _coil_received(pump, steel, songmen)
        _reserve(pump, operator, steel, dongfang, lio, songmen)
    shoe = brains.get("leather-shoe")
    if shoe is not None:
        trader = _user("温州市鹿城红蜻蜓鞋业（演示）有限公司", "shoebuyer", "吴丽娜")
        other = _user("温州市鹿城外贸鞋样采购商行", "shoe24", "潘红")
        _samples(shoe, trader, other, _enterprise("瑞安市华盛鞋业有限公司"))
