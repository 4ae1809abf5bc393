"""Group purchases: terms, pledges, the deadline's decision, tiers, failure rules, settlement to the fen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from ledger.models import Entry
from supplychain.models import GroupBuy, Pledge, Settlement, SupplyOrder, SupplyOrderLine
from supplychain.services import group_buys, ledger
from supplychain.tests.conftest import TIERS, at_deadline, campaign, pledge, terms, windows
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tests.support import race as at_once

D = Decimal


def total(group_buy):
    with brain_context(group_buy.brain_id):
        return group_buys.pledged_total(group_buy)


def reload(group_buy):
    with brain_context(group_buy.brain_id):
        return GroupBuy.objects.get(pk=group_buy.pk)


# --- Terms --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tiers, message", [
    ([], "at least one price tier"),
    ([{"min_total": D("10"), "unit_price": D("100")}, {"min_total": D("50"), "unit_price": D("120")}], "lower price"),
    ([{"min_total": D("20"), "unit_price": D("100")}], "first tier"),
    ([{"min_total": D("10"), "unit_price": D("100")}, {"min_total": D("10"), "unit_price": D("90")}], "Two tiers"),
])
def test_it_refuses_tiers_that_make_no_sense(pump, pete, steel, tiers, message):
    with pytest.raises(DomainError, match=message) as refused:
        campaign(pump, pete, steel, tiers=tiers)
    assert refused.value.field == "tiers"
    with brain_context(pump.pk):
        assert not GroupBuy.objects.exists()


def test_a_buyer_member_opens_one_only_if_the_brain_allows(pump, dongfang, steel):
    from supplychain.models import SupplyChainSettings

    with pytest.raises(NotAllowed, match="only operators"):
        campaign(pump, dongfang, steel)
    with brain_context(pump.pk):
        SupplyChainSettings.objects.create(brain=pump, members_may_open=True)
    made = campaign(pump, dongfang, steel)
    assert made.organiser_id == dongfang.enterprise_id and made.status == "open"


def test_the_supplier_must_be_a_supplier_member(pump, pete, lio):
    with pytest.raises(DomainError, match="active supplier member"):
        campaign(pump, pete, lio)


# --- Pledges --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity, message", [
    ("0.5", "At least 1"), ("41", "At most 40"), ("1.2", "steps of 0.5"), ("0", "more than zero"),
])
def test_a_pledge_keeps_to_the_member_rules(steel_buy, dongfang, quantity, message):
    with pytest.raises(DomainError, match=message):
        pledge(steel_buy, dongfang, quantity)
    with brain_context(steel_buy.brain_id):
        assert not Pledge.objects.exists()


def test_a_member_changes_and_withdraws_its_pledge_before_the_deadline(steel_buy, dongfang):
    first = pledge(steel_buy, dongfang, "12")
    changed = pledge(steel_buy, dongfang, "20.5")
    assert changed.pk == first.pk and changed.quantity == D("20.5")
    assert total(steel_buy) == D("20.5")
    group_buys.pledge_withdraw(group_buy=steel_buy, by=dongfang)
    assert total(steel_buy) == 0
    again = pledge(steel_buy, dongfang, "3")
    assert again.pk == first.pk and again.status == "active"


def test_no_pledge_after_the_deadline_by_the_servers_clock(steel_buy, dongfang):
    with brain_context(steel_buy.brain_id):
        GroupBuy.objects.filter(pk=steel_buy.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as refused:
        pledge(steel_buy, dongfang, "5")
    assert refused.value.code == "deadline_passed"


def test_the_supplier_of_the_campaign_and_non_buyers_cannot_pledge(steel_buy, steel, pete):
    with pytest.raises(NotAllowed):
        pledge(steel_buy, steel, "5")
    with pytest.raises(NotAllowed):
        pledge(steel_buy, pete, "5")


def test_pledges_beyond_the_suppliers_capacity_are_refused(pump, pete, steel, dongfang, songmen):
    limited = campaign(pump, pete, steel, capacity=D("30"))
    pledge(limited, dongfang, "25")
    with pytest.raises(DomainError) as refused:
        pledge(limited, songmen, "6")
    assert refused.value.code == "over_capacity"
    pledge(limited, songmen, "5")


# --- Tiers and the deadline --------------------------------------------------------------------------


@pytest.mark.parametrize("parts, total, price", [
    (("20", "20", "9.5"), "49.5", "15800.00"), (("20", "20", "10"), "50", "15200.00"),
    (("40", "40", "19.5"), "99.5", "15200.00"), (("40", "40", "20"), "100", "14650.00"),
])
def test_the_tier_is_the_highest_threshold_reached_exactly_the_threshold_counts(steel_buy, dongfang, songmen,
                                                                               lio, parts, total, price):
    for user, quantity in zip((dongfang, songmen, lio), parts):
        pledge(steel_buy, user, quantity)
    assert at_deadline(steel_buy) == "locked"
    locked = reload(steel_buy)
    assert locked.locked_price == D(price) and locked.locked_total == D(total)


def test_before_the_deadline_nothing_is_decided(steel_buy, dongfang):
    pledge(steel_buy, dongfang, "20")
    assert group_buys.group_buy_decide(group_buy=steel_buy) is None
    assert reload(steel_buy).status == "open"


def test_the_decision_is_made_once(steel_buy, dongfang):
    pledge(steel_buy, dongfang, "20")
    assert at_deadline(steel_buy) == "locked"
    assert at_deadline(steel_buy) is None
    with brain_context(steel_buy.brain_id):
        assert Settlement.objects.count() == 1 and Entry.objects.filter(kind="lock").count() == 1


def test_below_the_minimum_it_is_cancelled(steel_buy, dongfang):
    pledge(steel_buy, dongfang, "9.5")
    assert at_deadline(steel_buy) == "cancelled"
    assert "9.5" in reload(steel_buy).cancel_reason


def test_extend_once_then_cancel(pump, pete, steel, dongfang):
    extending = campaign(pump, pete, steel, on_failure=GroupBuy.OnFailure.EXTEND, extension_days=3)
    pledge(extending, dongfang, "5")
    old = extending.deadline
    assert at_deadline(extending) == "open"
    extended = reload(extending)
    assert extended.extended and extended.deadline == old + timedelta(days=3)
    assert at_deadline(extended) == "cancelled"


def test_proceed_at_the_tier_reached_when_the_supplier_agrees(pump, pete, steel, dongfang):
    proceeding = campaign(pump, pete, steel, on_failure=GroupBuy.OnFailure.PROCEED, minimum_total=D("20"))
    pledge(proceeding, dongfang, "12")
    assert at_deadline(proceeding) == "awaiting_supplier"
    with pytest.raises(NotAllowed):
        group_buys.group_buy_supplier_decide(group_buy=proceeding, by=dongfang, agree=True)
    locked = group_buys.group_buy_supplier_decide(group_buy=proceeding, by=steel, agree=True)
    assert locked.status == "locked" and locked.locked_price == D("15800.00")


def test_proceed_is_cancelled_when_the_supplier_declines_or_no_tier_is_reached(pump, pete, steel, dongfang):
    proceeding = campaign(pump, pete, steel, on_failure=GroupBuy.OnFailure.PROCEED, minimum_total=D("20"))
    pledge(proceeding, dongfang, "12")
    at_deadline(proceeding)
    assert group_buys.group_buy_supplier_decide(group_buy=proceeding, by=steel, agree=False).status == "cancelled"
    nothing = campaign(pump, pete, steel, on_failure=GroupBuy.OnFailure.PROCEED)
    pledge(nothing, dongfang, "5")  # below the first tier (10 t): nothing to proceed at
    assert at_deadline(nothing) == "cancelled"


def test_the_deadline_racing_with_a_pledge_counts_it_or_refuses_it(pump, pete, steel, dongfang, songmen,
                                                                  transactional_db):
    """A pledge and the decision at the same moment: the pledge either lands first and is in the lock, or is
    refused; the total the lock used is what was pledged."""
    race = campaign(pump, pete, steel)
    pledge(race, dongfang, "10")
    with brain_context(pump.pk):
        GroupBuy.objects.filter(pk=race.pk).update(deadline=timezone.now() + timedelta(milliseconds=300))
    race = reload(race)

    def pledge_late():
        try:
            while timezone.now() < race.deadline - timedelta(milliseconds=5):
                pass
            return pledge(race, songmen, "5")
        except DomainError as error:
            return error.code

    def decide():
        while group_buys.group_buy_decide(group_buy=race) is None and reload(race).status == "open":
            pass

    pledged, decided = at_once(pledge_late, decide)
    assert not isinstance(decided, Exception), decided
    locked = reload(race)
    assert locked.status == "locked"
    with brain_context(pump.pk):
        counted = sum(s.quantity for s in Settlement.objects.filter(group_buy=race))
    if pledged == "deadline_passed":
        assert locked.locked_total == D("10") == counted
    else:
        assert locked.locked_total == D("15") == counted


# --- Settlement to the fen, orders, the ledger ---------------------------------------------------------------


def test_settlement_to_the_fen_with_vat_fee_deposit_and_tier_saving(steel_buy, dongfang, songmen, lio):
    pledge(steel_buy, dongfang, "20.5")
    pledge(steel_buy, songmen, "17")
    pledge(steel_buy, lio, "12.5")  # 50 t exactly: the 15,200 tier
    at_deadline(steel_buy)
    with brain_context(steel_buy.brain_id):
        mine = Settlement.objects.get(member_id=dongfang.enterprise_id)
        everyone = list(Settlement.objects.all())
        [order] = SupplyOrder.objects.all()
    # 20.5 t × 15,200.00 = 311,600.00 with 13 % VAT included: net 275,752.21, VAT 35,847.79
    assert (mine.goods_net, mine.goods_vat, mine.goods_total) == (D("275752.21"), D("35847.79"), D("311600.00"))
    # fee 1 % of 311,600.00 = 3,116.00 with 6 % VAT included: net 2,939.62, VAT 176.38
    assert (mine.fee_net, mine.fee_vat) == (D("2939.62"), D("176.38"))
    assert mine.deposit_due == D("64780.00")  # 20 % of 20.5 × 15,800.00
    assert mine.tier_saving == D("12300.00")  # 20.5 × (15,800 − 15,200)
    assert order.quantity == D("50") and order.goods_net + order.goods_vat == sum(s.goods_total for s in everyone)
    assert order.goods_net + order.goods_vat == D("760000.00")


def test_the_lock_books_members_owing_goods_and_fees_and_the_brain_owing_the_supplier(steel_buy, dongfang, songmen,
                                                                                     steel):
    pledge(steel_buy, dongfang, "30")
    pledge(steel_buy, songmen, "20")
    at_deadline(steel_buy)
    brain = steel_buy.brain_id
    with brain_context(brain):
        owes = ledger.balance(brain_id=brain, kind="member", enterprise_id=dongfang.enterprise_id)
        owed = -ledger.balance(brain_id=brain, kind="supplier", enterprise_id=steel.enterprise_id)
        books = ledger.exposure(brain_id=brain)
    assert owes == D("456000.00") + D("4560.00")  # 30 × 15,200 and the 1 % fee
    assert owed == D("760000.00")
    assert books.members_owe == D("767600.00") and books.fees_earned + D("0") > 0 and books.open_exposure == 0


def test_payments_refunds_and_the_open_exposure(steel_buy, dongfang, songmen, steel, pete):
    pledge(steel_buy, dongfang, "30")
    pledge(steel_buy, songmen, "20")
    pay = group_buys.payment_record
    pay(group_buy=steel_buy, by=pete, kind="member_payment", enterprise_id=dongfang.enterprise_id, amount=D("94800.00"),
        reference="ICBC-0001")  # the deposit, before the lock
    at_deadline(steel_buy)
    locked = reload(steel_buy)
    pay(group_buy=locked, by=pete, kind="supplier_payment", enterprise_id=steel.enterprise_id, amount=D("760000.00"))
    with brain_context(locked.brain_id):
        books = ledger.exposure(brain_id=locked.brain_id, group_buy=locked)
    assert books.owed_to_suppliers == 0 and books.bank == D("94800.00") - D("760000.00")
    assert books.open_exposure == D("767600.00") - D("94800.00")  # paid out before the members paid in
    with pytest.raises(DomainError) as over:
        pay(group_buy=locked, by=pete, kind="supplier_payment", enterprise_id=steel.enterprise_id, amount=D("0.01"))
    assert over.value.code == "over_payment"
    with pytest.raises(DomainError) as over:
        pay(group_buy=locked, by=pete, kind="member_refund", enterprise_id=dongfang.enterprise_id, amount=D("1"))
    assert over.value.code == "over_refund"


def test_a_cancelled_campaign_refunds_deposits_to_the_fen(pump, pete, steel, dongfang):
    small = campaign(pump, pete, steel)
    pledge(small, dongfang, "5")
    group_buys.payment_record(group_buy=small, by=pete, kind="member_payment", enterprise_id=dongfang.enterprise_id,
                              amount=D("15800.00"))
    at_deadline(small)
    group_buys.payment_record(group_buy=reload(small), by=pete, kind="member_refund",
                              enterprise_id=dongfang.enterprise_id, amount=D("15800.00"))
    with brain_context(pump.pk):
        assert ledger.exposure(brain_id=pump.pk, group_buy=small).bank == 0
        assert ledger.balance(brain_id=pump.pk, kind="member", enterprise_id=dongfang.enterprise_id) == 0


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc"])
def test_bad_amounts_are_refused_and_nothing_is_booked(steel_buy, dongfang, pete, amount):
    pledge(steel_buy, dongfang, "5")
    with pytest.raises(DomainError) as refused:
        group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                                  enterprise_id=dongfang.enterprise_id, amount=amount)
    assert refused.value.field == "amount"
    with brain_context(steel_buy.brain_id):
        assert not Entry.objects.exists()


def test_only_operators_record_money(steel_buy, dongfang):
    pledge(steel_buy, dongfang, "5")
    with pytest.raises(NotAllowed):
        group_buys.payment_record(group_buy=steel_buy, by=dongfang, kind="member_payment",
                                  enterprise_id=dongfang.enterprise_id, amount=D("100"))


def test_every_lock_entry_balances_with_several_suppliers_and_split_pledges(pump, pete, steel, dongfang, songmen, lio):
    from conftest import join, make_enterprise, make_user

    second = make_enterprise(45, "温岭市泽国钢材经营部", region="331081")
    join(pump, second, roles=("supplier",))
    make_user("zeguo", enterprise=second)
    made = group_buys.group_buy_create(
        brain=pump, by=pete, tiers=TIERS, windows=windows(),
        suppliers=[{"supplier": steel.enterprise_id, "capacity": D("25")}, {"supplier": second.pk, "capacity": None}],
        **terms())
    made = group_buys.group_buy_open(group_buy=made, by=pete)
    pledge(made, dongfang, "15.5")
    pledge(made, songmen, "17")  # 9.5 to the first supplier, 7.5 to the second
    pledge(made, lio, "3.5")
    at_deadline(made)
    with brain_context(pump.pk):
        orders = {o.supplier_id: o for o in SupplyOrder.objects.filter(group_buy=made)}
        split = list(SupplyOrderLine.objects.filter(pledge__member_id=songmen.enterprise_id).order_by("id")
                     .values_list("order__supplier_id", "quantity"))
        settlements = list(Settlement.objects.filter(group_buy=made))
        [entry] = Entry.objects.filter(kind="lock", document_type="group_buy", document_id=made.pk)
        debits = sum(line.debit for line in entry.lines.all())
        credits = sum(line.credit for line in entry.lines.all())
    assert orders[steel.enterprise_id].quantity == D("25") and orders[second.pk].quantity == D("11")
    assert split == [(steel.enterprise_id, D("9.5")), (second.pk, D("7.5"))]
    assert debits == credits == sum(s.total for s in settlements)
    assert sum(o.goods_net + o.goods_vat for o in orders.values()) == sum(s.goods_total for s in settlements)


# --- Shipping and receiving -------------------------------------------------------------------------------


def test_partial_shipments_receipts_and_completion(steel_buy, dongfang, steel):
    pledge(steel_buy, dongfang, "12")
    at_deadline(steel_buy)
    with brain_context(steel_buy.brain_id):
        line = SupplyOrderLine.objects.get()
    first = group_buys.shipment_record(line=line, by=steel, quantity=D("8"), note_number="QJ-0001")
    with pytest.raises(DomainError) as over:
        group_buys.shipment_record(line=line, by=steel, quantity=D("4.5"), note_number="QJ-0002")
    assert over.value.code == "over_shipment"
    with pytest.raises(NotAllowed):
        group_buys.shipment_receive(shipment=first, by=steel, quantity=D("8"))
    group_buys.shipment_receive(shipment=first, by=dongfang, quantity=D("7.5"))  # 0.5 t short: to ship again
    second = group_buys.shipment_record(line=line, by=steel, quantity=D("4.5"), note_number="QJ-0002")
    assert reload(steel_buy).status == "locked"
    group_buys.shipment_receive(shipment=second, by=dongfang, quantity=D("4.5"))
    with brain_context(steel_buy.brain_id):
        line.refresh_from_db()
    assert (line.received, line.shipped) == (D("12"), D("12"))
    assert reload(steel_buy).status == "completed"
    with pytest.raises(DomainError):
        group_buys.shipment_receive(shipment=second, by=dongfang, quantity=D("4.5"))


def test_two_pledges_at_once_never_exceed_the_suppliers_capacity(pump, pete, steel, dongfang, songmen,
                                                                 transactional_db):
    limited = campaign(pump, pete, steel, capacity=D("30"))

    def pledge_at_once(user):
        try:
            pledge(limited, user, "20")
            return "pledged"
        except DomainError as error:
            return error.code

    outcomes = at_once(lambda: pledge_at_once(dongfang), lambda: pledge_at_once(songmen))
    assert sorted(outcomes) == ["over_capacity", "pledged"]
    assert total(limited) == D("20")


def test_beat_decides_every_brains_due_campaigns_once(pump, mould, pete, steel, dongfang):
    from conftest import join, make_enterprise, make_user
    from tenants.models import BrainStaff

    due = campaign(pump, pete, steel)
    pledge(due, dongfang, "20")
    later = campaign(pump, pete, steel)
    mould_operator = make_user("mo")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=mould_operator, role=BrainStaff.Role.OPERATOR)
    trader = make_enterprise(71, "台州市模具钢材有限公司")
    join(mould, trader, roles=("supplier",))
    other = campaign(mould, mould_operator, make_user("mts", enterprise=trader))
    for made in (due, other):
        with brain_context(made.brain_id):
            GroupBuy.objects.filter(pk=made.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert group_buys.group_buys_decide_due() == 2
    assert group_buys.group_buys_decide_due() == 0
    assert (reload(due).status, reload(other).status, reload(later).status) == ("locked", "cancelled", "open")


def test_a_pledge_split_between_suppliers_costs_one_rounding_and_orders_carry_their_own_vat(
        pump, pete, steel, dongfang, songmen):
    """Found in review: rounding per piece charged 12,345.68 for 1 t at 12,345.67 split 0.5 / 0.5."""
    from conftest import join, make_enterprise, make_user

    second = make_enterprise(46, "温岭市石塘钢材经营部", region="331081")
    join(pump, second, roles=("supplier",))
    make_user("shitang", enterprise=second)
    odd = [{"min_total": D("1"), "unit_price": D("12345.67")}]
    made = group_buys.group_buy_create(
        brain=pump, by=pete, tiers=odd, windows=windows(),
        suppliers=[{"supplier": steel.enterprise_id, "capacity": D("0.5")}, {"supplier": second.pk, "capacity": None}],
        **terms(minimum_total=D("1"), member_minimum=D("0.5"), increment=D("0.5"), fee_value=D("0")))
    made = group_buys.group_buy_open(group_buy=made, by=pete)
    pledge(made, dongfang, "1")
    at_deadline(made)
    with brain_context(pump.pk):
        [settlement] = Settlement.objects.filter(group_buy=made)
        orders = list(SupplyOrder.objects.filter(group_buy=made).order_by("id"))
        [entry] = Entry.objects.filter(kind="lock", document_type="group_buy", document_id=made.pk)
        lines = list(entry.lines.all())
    assert settlement.goods_total == D("12345.67")
    assert [o.goods_net + o.goods_vat for o in orders] == [D("6172.84"), D("6172.83")]
    from ledger.money import fen

    for order in orders:  # each order's VAT worked on its own total, as its invoice
        assert order.goods_net == fen((order.goods_net + order.goods_vat) / D("1.13"))
    assert sum(l.debit for l in lines) == sum(l.credit for l in lines) == D("12345.67")


def test_prices_without_vat_balance_with_the_rounding_on_the_fee_account(pump, pete, steel, dongfang, songmen, lio):
    made = campaign(pump, pete, steel, prices_include_vat=False, fee_value=D("0"),
                    tiers=[{"min_total": D("1"), "unit_price": D("0.77")}], minimum_total=D("1"))
    for user in (dongfang, songmen, lio):
        pledge(made, user, "1")  # each: net 0.77, VAT 0.10; the order: net 2.31, VAT 0.30
    at_deadline(made)
    with brain_context(pump.pk):
        [order] = SupplyOrder.objects.filter(group_buy=made)
        members = sum(s.goods_total for s in Settlement.objects.filter(group_buy=made))
        [entry] = Entry.objects.filter(kind="lock", document_type="group_buy", document_id=made.pk)
        debits, credits = (sum(l.debit for l in entry.lines.all()), sum(l.credit for l in entry.lines.all()))
    assert (order.goods_net, order.goods_vat) == (D("2.31"), D("0.30"))
    assert members == D("2.61") and debits == credits == D("2.61")


def test_a_pledge_too_large_to_book_is_refused_not_a_crash_at_the_deadline(pump, pete, steel, dongfang):
    big = campaign(pump, pete, steel, member_maximum=None,
                   tiers=[{"min_total": D("10"), "unit_price": D("999999999.00")}])
    with pytest.raises(DomainError) as refused:
        pledge(big, dongfang, "2000")  # ¥2 trillion: more than an amount column holds
    assert refused.value.code == "too_large" and refused.value.field == "quantity"


def test_one_campaign_that_cannot_be_decided_does_not_hold_back_the_others(pump, pete, steel, dongfang, songmen):
    broken, fine = campaign(pump, pete, steel), campaign(pump, pete, steel)
    pledge(broken, dongfang, "20")
    pledge(fine, songmen, "20")
    with brain_context(pump.pk):
        GroupBuy.objects.filter(pk__in=[broken.pk, fine.pk]).update(deadline=timezone.now() - timedelta(seconds=1))
        # a tier that no longer fits its column: the lock of this one cannot be written
        with connection.cursor() as cursor:
            cursor.execute("UPDATE supplychain_pricetier SET unit_price = 999999999999.99 WHERE group_buy_id = %s",
                           [broken.pk])
    assert group_buys.group_buys_decide_due() == 1
    assert reload(fine).status == "locked" and reload(broken).status == "open"


@pytest.mark.parametrize("days", [-1, 366, "30"])
def test_payment_terms_are_0_to_365_days_or_none(pump, pete, steel, days):
    with pytest.raises(DomainError) as error:
        campaign(pump, pete, steel, payment_days=days)
    assert error.value.field == "payment_days"
    assert campaign(pump, pete, steel, payment_days=0).payment_days == 0
    assert campaign(pump, pete, steel).payment_days is None  # finance takes 60
