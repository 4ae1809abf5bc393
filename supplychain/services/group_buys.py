"""Group purchases (集采) and sample group orders (拼单下样): open, pledge, decide at the deadline, lock,
order, ship, receive, settle.

Contention: every pledge, the deadline's decision and a supplier's answer take the campaign's row lock first
(`_locked`), so a pledge either lands before the decision and counts, or finds the campaign decided and is
refused; the decision is made exactly once whoever runs it (beat, a retry, an operator).
"""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Entry
from ledger.money import ZERO, Amount, check_fits, fen, split_vat
from ledger.services.journal import Leg
from supplychain.models import (
    DeliveryWindow, EntryKind, GroupBuy, GroupBuySupplier, Pledge, PriceTier, Settlement, Shipment,
    SupplyChainSettings, SupplyOrder, SupplyOrderLine, TraderPayment,
)
from supplychain.quantities import qty
from supplychain.services import ledger
from tenants.access import brain_access, require_operator
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, Membership, User
from tenants.outbox import event_record
from tenants.services.brains import next_number

Status = GroupBuy.Status
MAX_PAYMENT_DAYS = 365
UNCHANGED = object()  # a setting the caller leaves as it is
logger = logging.getLogger("industry_brain.supplychain")


def _locked(group_buy: GroupBuy) -> GroupBuy:
    return GroupBuy.objects.in_brain(group_buy.brain_id).select_for_update().get(pk=group_buy.pk)


def _is_operator(brain: Brain, by: User) -> bool:
    return brain_access(user=by, brain=brain).is_operator


def _active_member(brain: Brain, enterprise_id: int | None, role: str | None = None) -> Membership | None:
    memberships = Membership.objects.in_brain(brain).filter(enterprise_id=enterprise_id or 0,
                                                            status=Membership.Status.ACTIVE)
    if role:
        memberships = memberships.filter(roles__contains=[role])
    return memberships.first()


# --- Opening a campaign -----------------------------------------------------------------------------------


def members_may_open(brain: Brain) -> bool:
    return SupplyChainSettings.objects.in_brain(brain).filter(members_may_open=True).exists()


def _check_terms(terms: dict, tiers: list[dict], windows: list[dict], suppliers: list[dict], *, kind: str) -> None:
    def bad(message, field):
        raise DomainError(message, field=field)

    if not terms.get("title", "").strip():
        bad(_("Give the campaign a title."), "title")
    if not terms.get("material_grade", "").strip():
        bad(_("Name the material grade (or the sample's material)."), "material_grade")
    if not terms.get("unit", "").strip():
        bad(_("Name the unit, e.g. t, kg, pairs."), "unit")
    for field in ("minimum_total", "member_minimum", "increment"):
        if terms[field] is None or terms[field] <= 0:
            bad(_("Must be more than zero."), field)
    if terms.get("member_maximum") is not None and terms["member_maximum"] < terms["member_minimum"]:
        bad(_("The maximum per member is below the minimum per member."), "member_maximum")
    if terms["deadline"] <= timezone.now():
        bad(_("The deadline must be in the future."), "deadline")
    if not tiers:
        bad(_("Give at least one price tier."), "tiers")
    ordered = sorted(tiers, key=lambda t: t["min_total"])
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier["min_total"] == later["min_total"]:
            bad(_("Two tiers start at %(quantity)s.") % {"quantity": later["min_total"]}, "tiers")
        if later["unit_price"] >= earlier["unit_price"]:
            bad(_("A tier for a larger total must have a lower price."), "tiers")
    if any(t["min_total"] <= 0 or t["unit_price"] <= 0 for t in tiers):
        bad(_("Tier quantities and prices must be more than zero."), "tiers")
    if ordered[0]["min_total"] > terms["minimum_total"]:
        bad(_("The first tier must start at or below the minimum total, or reaching the minimum would price "
              "nothing."), "tiers")
    if not windows:
        bad(_("Give at least one delivery window."), "windows")
    for window in windows:
        if window["ends_on"] < window["starts_on"]:
            bad(_("A delivery window ends before it starts."), "windows")
        if window["starts_on"] < terms["deadline"].date():
            bad(_("A delivery window starts before the deadline."), "windows")
    if not suppliers:
        bad(_("Name the supplier (or the sample factory)."), "suppliers")
    if len({s["supplier"] for s in suppliers}) != len(suppliers):
        bad(_("A supplier is named twice."), "suppliers")
    if terms.get("fee_value", ZERO) < 0:
        bad(_("The service fee cannot be negative."), "fee_value")
    if terms.get("fee_mode") == GroupBuy.FeeMode.PERCENT and terms.get("fee_value", ZERO) > 100:
        bad(_("A percentage fee is at most 100."), "fee_value")
    payment_days = terms.get("payment_days")
    if payment_days is not None and (not isinstance(payment_days, int) or not 0 <= payment_days <= MAX_PAYMENT_DAYS):
        bad(_("Payment terms are 0 to %(days)s days after receipt (empty: 60).") % {"days": MAX_PAYMENT_DAYS},
            "payment_days")


@transaction.atomic
def group_buy_create(*, brain: Brain, by: User, tiers: list[dict], windows: list[dict], suppliers: list[dict],
                     kind: str = GroupBuy.Kind.GROUP_PURCHASE, **terms) -> GroupBuy:
    """A draft campaign. tiers: [{min_total, unit_price}], windows: [{starts_on, ends_on}],
    suppliers: [{supplier: enterprise id, capacity: Decimal|None}] in allocation order."""
    with brain_context(brain.pk):
        organiser = None
        if not _is_operator(brain, by):
            if not members_may_open(brain) and kind == GroupBuy.Kind.GROUP_PURCHASE:
                raise NotAllowed(_("In this brain only operators open group purchases."))
            if _active_member(brain, by.enterprise_id, "buyer") is None:
                raise NotAllowed(_("Only an active buyer member may open one."))
            organiser = by.enterprise_id
        if kind not in GroupBuy.Kind.values:
            raise DomainError(_("Unknown kind."), field="kind")
        _check_terms(terms, tiers, windows, suppliers, kind=kind)
        for row in suppliers:
            if _active_member(brain, row["supplier"], "supplier") is None:
                raise DomainError(_("Every supplier must be an active supplier member of this brain."),
                                  field="suppliers")
        prefix = "SG" if kind == GroupBuy.Kind.SAMPLE_ORDER else "GB"
        group_buy = GroupBuy.objects.create(brain=brain, kind=kind, number=next_number(brain_id=brain.pk, prefix=prefix),
                                            organiser_id=organiser, created_by=by, **terms)
        PriceTier.objects.bulk_create(PriceTier(brain=brain, group_buy=group_buy, **tier) for tier in tiers)
        DeliveryWindow.objects.bulk_create(DeliveryWindow(brain=brain, group_buy=group_buy, **w) for w in windows)
        GroupBuySupplier.objects.bulk_create(
            GroupBuySupplier(brain=brain, group_buy=group_buy, supplier_id=row["supplier"], position=index,
                             capacity=row.get("capacity")) for index, row in enumerate(suppliers))
        return group_buy


def _require_organiser(group_buy: GroupBuy, by: User) -> None:
    if _is_operator(group_buy.brain, by):
        return
    if group_buy.organiser_id is None or group_buy.organiser_id != by.enterprise_id:
        raise NotAllowed(_("Only the brain's operators or the organising member may do this."))


@transaction.atomic
def group_buy_open(*, group_buy: GroupBuy, by: User) -> GroupBuy:
    with brain_context(group_buy.brain_id):
        group_buy = _locked(group_buy)
        _require_organiser(group_buy, by)
        if group_buy.status != Status.DRAFT:
            raise DomainError(_("Only a draft can be opened."), code="invalid_state")
        if group_buy.deadline <= timezone.now():
            raise DomainError(_("The deadline has passed: set a new one first."), code="deadline_passed",
                              field="deadline")
        group_buy.open()
        group_buy.save()
        event_record(brain_id=group_buy.brain_id, name="group_buy.opened", payload={"group_buy": group_buy.pk})
        return group_buy


@transaction.atomic
def group_buy_cancel(*, group_buy: GroupBuy, by: User, reason: str) -> GroupBuy:
    """Called off before it locks: deposits paid are to be refunded (the ledger shows each member's credit)."""
    with brain_context(group_buy.brain_id):
        group_buy = _locked(group_buy)
        _require_organiser(group_buy, by)
        if not reason.strip():
            raise DomainError(_("Say why."), code="required", field="reason")
        if group_buy.status not in (Status.DRAFT, Status.OPEN, Status.AWAITING_SUPPLIER):
            raise DomainError(_("A locked campaign cannot be cancelled."), code="invalid_state")
        _cancel(group_buy, reason.strip()[:300])
        return group_buy


def _cancel(group_buy: GroupBuy, reason: str) -> None:
    group_buy.cancel(reason=reason)
    group_buy.save()
    event_record(brain_id=group_buy.brain_id, name="group_buy.cancelled",
                 payload={"group_buy": group_buy.pk, "reason": reason})


# --- Pledges ----------------------------------------------------------------------------------------------


def pledged_total(group_buy: GroupBuy) -> Decimal:
    return (Pledge.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy, status=Pledge.Status.ACTIVE)
            .aggregate(total=Sum("quantity"))["total"] or Decimal("0"))


def tier_for(group_buy: GroupBuy, total: Decimal) -> PriceTier | None:
    """The tier a total reaches: the highest threshold at or below it (exactly the threshold counts)."""
    return (PriceTier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy, min_total__lte=total)
            .order_by("-min_total").first())


def _check_quantity(group_buy: GroupBuy, quantity: Decimal) -> None:
    if quantity is None or quantity <= 0:
        raise DomainError(_("Pledge a quantity more than zero."), field="quantity")
    if quantity < group_buy.member_minimum:
        raise DomainError(_("At least %(minimum)s %(unit)s per member.") % {"minimum": qty(group_buy.member_minimum),
                                                                            "unit": group_buy.unit}, field="quantity")
    if group_buy.member_maximum is not None and quantity > group_buy.member_maximum:
        raise DomainError(_("At most %(maximum)s %(unit)s per member.") % {"maximum": qty(group_buy.member_maximum),
                                                                           "unit": group_buy.unit}, field="quantity")
    if (quantity - group_buy.member_minimum) % group_buy.increment != 0:
        raise DomainError(_("Pledge %(minimum)s %(unit)s plus steps of %(step)s.") % {
            "minimum": qty(group_buy.member_minimum), "unit": group_buy.unit,
            "step": qty(group_buy.increment)}, field="quantity")


def _check_capacity(group_buy: GroupBuy, new_total: Decimal) -> None:
    capacities = list(GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy)
                      .values_list("capacity", flat=True))
    if capacities and None not in capacities and new_total > sum(capacities):
        raise DomainError(_("The suppliers can supply %(capacity)s %(unit)s in all; this pledge would exceed it.")
                          % {"capacity": qty(sum(capacities)), "unit": group_buy.unit},
                          field="quantity", code="over_capacity")


@transaction.atomic
def pledge_save(*, group_buy: GroupBuy, by: User, quantity: Decimal, address: str, window_id: int) -> Pledge:
    """Pledge, or change the pledge, of the caller's enterprise, until the deadline by the server's clock."""
    with brain_context(group_buy.brain_id):
        if _active_member(group_buy.brain, by.enterprise_id, "buyer") is None:
            raise NotAllowed(_("Only an active buyer member may pledge."))
        group_buy = _locked(group_buy)
        if not group_buy.is_open_at(timezone.now()):
            raise DomainError(_("Pledging on this campaign has ended."), code="deadline_passed")
        if GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy,
                                                                          supplier_id=by.enterprise_id).exists():
            raise NotAllowed(_("A supplier of the campaign cannot pledge on it."))
        _check_quantity(group_buy, quantity)
        if not address.strip():
            raise DomainError(_("Give the delivery address."), code="required", field="address")
        if not DeliveryWindow.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy, pk=window_id).exists():
            raise DomainError(_("Choose one of the campaign's delivery windows."), field="window")
        pledge = Pledge.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy, member_id=by.enterprise_id).first()
        others = pledged_total(group_buy) - (pledge.quantity if pledge and pledge.status == Pledge.Status.ACTIVE else 0)
        _check_capacity(group_buy, others + quantity)
        # At the dearest tier the whole campaign must still be bookable, or its lock could never be written.
        dearest = PriceTier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy).order_by("min_total").first()
        check_fits(fen((others + quantity) * dearest.unit_price), field="quantity")
        if pledge is None:
            pledge = Pledge(brain_id=group_buy.brain_id, group_buy=group_buy, member_id=by.enterprise_id)
        pledge.quantity, pledge.address, pledge.window_id = quantity, address.strip()[:300], window_id
        pledge.status, pledge.pledged_by, pledge.pledged_at = Pledge.Status.ACTIVE, by, timezone.now()
        pledge.save()
        _record_total(group_buy, "group_buy.pledged", pledge)
        return pledge


@transaction.atomic
def pledge_withdraw(*, group_buy: GroupBuy, by: User) -> Pledge:
    with brain_context(group_buy.brain_id):
        group_buy = _locked(group_buy)
        pledge = Pledge.objects.in_brain(group_buy.brain_id).filter(
            group_buy=group_buy, member_id=by.enterprise_id or 0, status=Pledge.Status.ACTIVE).first()
        if pledge is None:
            raise DomainError(_("Your enterprise has no pledge on this campaign."), code="not_found")
        if not group_buy.is_open_at(timezone.now()):
            raise DomainError(_("Pledging on this campaign has ended."), code="deadline_passed")
        pledge.status = Pledge.Status.WITHDRAWN
        pledge.save(update_fields=["status", "updated_at"])
        _record_total(group_buy, "group_buy.pledge_withdrawn", pledge)
        return pledge


def _record_total(group_buy: GroupBuy, name: str, pledge: Pledge) -> None:
    total = pledged_total(group_buy)
    event_record(brain_id=group_buy.brain_id, name=name, payload={
        "group_buy": group_buy.pk, "pledge": pledge.pk, "member": pledge.member_id, "total": str(total)})


# --- The deadline --------------------------------------------------------------------------------------


@transaction.atomic
def group_buy_decide(*, group_buy: GroupBuy, now: datetime | None = None) -> str | None:
    """At the deadline: lock at the tier reached, or apply the failure rule. Exactly once: a campaign already
    decided, or not yet due, is left alone (None). Returns the new status."""
    now = now or timezone.now()
    with brain_context(group_buy.brain_id):
        group_buy = _locked(group_buy)
        if group_buy.status != Status.OPEN or now < group_buy.deadline:
            return None
        total = pledged_total(group_buy)
        tier = tier_for(group_buy, total)
        if total >= group_buy.minimum_total and tier is not None:
            _lock(group_buy, tier.unit_price, total)
        elif group_buy.on_failure == GroupBuy.OnFailure.EXTEND and not group_buy.extended:
            group_buy.deadline += timedelta(days=group_buy.extension_days)
            group_buy.extended = True
            group_buy.save()
            event_record(brain_id=group_buy.brain_id, name="group_buy.extended",
                         payload={"group_buy": group_buy.pk, "deadline": group_buy.deadline.isoformat(),
                                  "total": str(total)})
        elif group_buy.on_failure == GroupBuy.OnFailure.PROCEED and tier is not None:
            group_buy.ask_supplier()
            group_buy.save()
            event_record(brain_id=group_buy.brain_id, name="group_buy.awaiting_supplier",
                         payload={"group_buy": group_buy.pk, "total": str(total), "price": str(tier.unit_price)})
        else:
            _cancel(group_buy, _("The minimum total of %(minimum)s %(unit)s was not reached (%(total)s).") % {
                "minimum": qty(group_buy.minimum_total), "unit": group_buy.unit, "total": qty(total)})
        return group_buy.status


def group_buy_decide_now(*, group_buy: GroupBuy, by: User) -> GroupBuy:
    """An operator decides now a campaign whose deadline has passed (beat would within a minute)."""
    require_operator(brain=group_buy.brain, user=by)
    if group_buy.status == Status.OPEN and group_buy_decide(group_buy=group_buy) is None:
        raise DomainError(_("The deadline has not passed yet."), code="not_due")
    return group_buy


def group_buys_decide_due() -> int:
    """Beat, every minute: decide every campaign whose deadline has passed, in every brain."""
    with cross_brain(reason="group purchases due"):
        due = list(GroupBuy.objects.filter(status=Status.OPEN, deadline__lte=timezone.now()).values_list("brain_id", "pk"))
    decided = 0
    for brain_id, pk in due:
        try:
            with brain_context(brain_id):
                group_buy = GroupBuy.objects.in_brain(brain_id).get(pk=pk)
            decided += group_buy_decide(group_buy=group_buy) is not None
        except Exception:  # one campaign that cannot be decided must not hold back every other brain's
            logger.exception("group purchase %s of brain %s could not be decided", pk, brain_id)
    return decided


@transaction.atomic
def group_buy_supplier_decide(*, group_buy: GroupBuy, by: User, agree: bool) -> GroupBuy:
    """Below the minimum with the 'proceed' rule: each supplier agrees to the tier reached, or declines (and the
    campaign is cancelled). When all have agreed, it locks."""
    with brain_context(group_buy.brain_id):
        group_buy = _locked(group_buy)
        row = GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(
            group_buy=group_buy, supplier_id=by.enterprise_id or 0).first()
        if row is None or not by.is_enterprise_admin and not _active_member(group_buy.brain, by.enterprise_id):
            raise NotAllowed(_("Only a supplier of the campaign may answer."))
        if group_buy.status != Status.AWAITING_SUPPLIER:
            raise DomainError(_("The campaign is not waiting for its suppliers."), code="invalid_state")
        row.decision = GroupBuySupplier.Decision.AGREED if agree else GroupBuySupplier.Decision.DECLINED
        row.decided_at = timezone.now()
        row.save()
        if not agree:
            _cancel(group_buy, _("The supplier did not agree to proceed below the minimum."))
        elif not GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy).exclude(
                decision=GroupBuySupplier.Decision.AGREED).exists():
            total = pledged_total(group_buy)
            _lock(group_buy, tier_for(group_buy, total).unit_price, total)
        return group_buy


# --- Locking: settlements, orders, the ledger -----------------------------------------------------------------


def goods_amount(group_buy: GroupBuy, quantity: Decimal, unit_price: Decimal) -> Amount:
    """Quantity × price to the fen, split into net and VAT as the campaign states its prices."""
    return split_vat(fen(quantity * unit_price), vat_rate=group_buy.vat_rate, includes_vat=group_buy.prices_include_vat)


def fee_amount(group_buy: GroupBuy, quantity: Decimal, goods_total: Decimal) -> Amount:
    """The brain's service fee, VAT included as stated: a percentage of the goods (with VAT), per unit, or per
    participant."""
    if group_buy.fee_mode == GroupBuy.FeeMode.PERCENT:
        total = fen(goods_total * group_buy.fee_value / 100)
    elif group_buy.fee_mode == GroupBuy.FeeMode.PER_UNIT:
        total = fen(quantity * group_buy.fee_value)
    else:
        total = fen(group_buy.fee_value)
    return split_vat(total, vat_rate=group_buy.fee_vat_rate, includes_vat=True)


def _allocate(group_buy: GroupBuy, pledges: list[Pledge]) -> list[tuple[GroupBuySupplier, Pledge, Decimal]]:
    """Pledges in the order they came to suppliers in their order, each supplier up to its capacity (a pledge
    may be split between two)."""
    suppliers = list(GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy))
    left = {row.pk: row.capacity for row in suppliers}
    split, index = [], 0
    for pledge in pledges:
        need = pledge.quantity
        while need > 0:
            row = suppliers[index]
            room = need if left[row.pk] is None else min(need, left[row.pk])
            if room > 0:
                split.append((row, pledge, room))
                need -= room
                if left[row.pk] is not None:
                    left[row.pk] -= room
            if need > 0:
                index += 1  # this supplier is full (pledges were capped to the total capacity)
    return split


def _lock(group_buy: GroupBuy, price: Decimal, total: Decimal) -> None:
    brain_id = group_buy.brain_id
    group_buy.lock(price=price, total=total)
    group_buy.save()
    pledges = list(Pledge.objects.in_brain(brain_id).filter(group_buy=group_buy, status=Pledge.Status.ACTIVE)
                   .order_by("pledged_at", "id"))
    first_price = PriceTier.objects.in_brain(brain_id).filter(group_buy=group_buy).order_by("min_total").first().unit_price
    # To the fen once per member and once per order, never per piece: a member is charged fen(quantity × price)
    # however its pledge is split between suppliers (its last part takes the remainder), and each order's VAT is
    # worked on the order's total, as the supplier's invoice will be. Where the prices exclude VAT, the members'
    # VAT and the suppliers' may differ by fens of rounding: the brain's fee account takes the difference.
    split = _allocate(group_buy, pledges)
    stated = {pledge.pk: fen(pledge.quantity * price) for pledge in pledges}  # as the campaign states prices
    parts_left = {pledge.pk: 0 for pledge in pledges}
    for _row, pledge, _quantity in split:
        parts_left[pledge.pk] += 1
    given = dict.fromkeys(stated, ZERO)
    orders: dict[int, SupplyOrder] = {}
    order_stated: dict[int, Decimal] = {}
    for row, pledge, quantity in split:
        parts_left[pledge.pk] -= 1
        part = stated[pledge.pk] - given[pledge.pk] if parts_left[pledge.pk] == 0 else fen(quantity * price)
        given[pledge.pk] += part
        if row.supplier_id not in orders:
            orders[row.supplier_id] = SupplyOrder.objects.create(
                brain_id=brain_id, group_buy=group_buy, supplier_id=row.supplier_id, quantity=0, goods_net=ZERO,
                goods_vat=ZERO, number=next_number(brain_id=brain_id, prefix="SO"))
        order = orders[row.supplier_id]
        SupplyOrderLine.objects.create(brain_id=brain_id, order=order, pledge=pledge, member_id=pledge.member_id,
                                       quantity=quantity)
        order.quantity += quantity
        order_stated[row.supplier_id] = order_stated.get(row.supplier_id, ZERO) + part

    def goods(amount_stated: Decimal) -> Amount:
        return split_vat(amount_stated, vat_rate=group_buy.vat_rate, includes_vat=group_buy.prices_include_vat)

    legs, owed_to_suppliers, members_goods = [], ZERO, ZERO
    for supplier_id, order in orders.items():
        amount = goods(order_stated[supplier_id])
        order.goods_net, order.goods_vat = amount.net, amount.vat
        order.save()
        legs.append(Leg(ledger.Kind.SUPPLIER, credit=amount.total, enterprise_id=supplier_id))
        owed_to_suppliers += amount.total
    for pledge in pledges:
        amount = goods(stated[pledge.pk])
        fee = fee_amount(group_buy, pledge.quantity, amount.total)
        Settlement.objects.create(
            brain_id=brain_id, group_buy=group_buy, pledge=pledge, member_id=pledge.member_id,
            quantity=pledge.quantity, unit_price=price, goods_net=amount.net, goods_vat=amount.vat, fee_net=fee.net,
            fee_vat=fee.vat, deposit_due=fen(pledge.quantity * first_price * group_buy.deposit_percent / 100),
            tier_saving=fen(pledge.quantity * first_price) - fen(pledge.quantity * price))
        legs.append(Leg(ledger.Kind.MEMBER, debit=amount.total + fee.total, enterprise_id=pledge.member_id))
        legs += [Leg(ledger.Kind.FEES, credit=fee.net), Leg(ledger.Kind.VAT, credit=fee.vat)]
        members_goods += amount.total
    rounding = members_goods - owed_to_suppliers
    legs.append(Leg(ledger.Kind.FEES, credit=max(rounding, ZERO), debit=max(-rounding, ZERO)))
    ledger.entry_post(brain_id=brain_id, kind=EntryKind.LOCK, legs=legs, by=None, group_buy=group_buy,
                      memo=f"{group_buy.number} @ {price}")
    event_record(brain_id=brain_id, name="group_buy.locked", payload={
        "group_buy": group_buy.pk, "price": str(price), "total": str(total),
        "orders": sorted(o.pk for o in orders.values())})


# --- Shipping and receiving -----------------------------------------------------------------------------------


def _quantity(value, field="quantity") -> Decimal:
    if value is None or value <= 0:
        raise DomainError(_("Give a quantity more than zero."), field=field)
    return value


@transaction.atomic
def shipment_record(*, line: SupplyOrderLine, by: User, quantity: Decimal, note_number: str,
                    shipped_on: date | None = None) -> Shipment:
    """The order's supplier ships part or all of a member's line (at most what is still unshipped)."""
    with brain_context(line.brain_id):
        line = SupplyOrderLine.objects.in_brain(line.brain_id).select_for_update().select_related("order").get(pk=line.pk)
        if line.order.supplier_id != by.enterprise_id:
            raise NotAllowed(_("Only the order's supplier may record its shipments."))
        _quantity(quantity)
        if quantity > line.quantity - line.shipped:
            raise DomainError(_("Only %(left)s is left to ship on this line.") % {"left": qty(line.quantity - line.shipped)},
                              field="quantity", code="over_shipment")
        if not note_number.strip():
            raise DomainError(_("Give the delivery note number."), code="required", field="note_number")
        shipment = Shipment.objects.create(brain_id=line.brain_id, line=line, quantity=quantity,
                                           note_number=note_number.strip()[:60],
                                           shipped_on=shipped_on or timezone.localdate(), shipped_by=by)
        line.shipped += quantity
        line.save(update_fields=["shipped", "updated_at"])
        event_record(brain_id=line.brain_id, name="group_buy.shipped", payload={
            "group_buy": line.order.group_buy_id, "order": line.order_id, "line": line.pk, "shipment": shipment.pk,
            "member": line.member_id})
        return shipment


@transaction.atomic
def shipment_receive(*, shipment: Shipment, by: User, quantity: Decimal) -> Shipment:
    """The member confirms what arrived (at most what was shipped); once per shipment."""
    with brain_context(shipment.brain_id):
        shipment = Shipment.objects.in_brain(shipment.brain_id).select_for_update().get(pk=shipment.pk)
        line = SupplyOrderLine.objects.in_brain(shipment.brain_id).select_for_update().select_related("order").get(
            pk=shipment.line_id)
        if line.member_id != by.enterprise_id:
            raise NotAllowed(_("Only the member it was shipped to may confirm receipt."))
        if shipment.received_at is not None:
            raise DomainError(_("This shipment's receipt is already confirmed."), code="already_done")
        if quantity is None or quantity < 0 or quantity > shipment.quantity:
            raise DomainError(_("Confirm between 0 and %(shipped)s.") % {"shipped": qty(shipment.quantity)},
                              field="quantity")
        shipment.received_quantity, shipment.received_at, shipment.received_by = quantity, timezone.now(), by
        shipment.save()
        line.received += quantity
        if quantity < shipment.quantity:  # the shortfall is owed again: it can be shipped anew
            line.shipped -= shipment.quantity - quantity
        line.save(update_fields=["received", "shipped", "updated_at"])
        event_record(brain_id=line.brain_id, name="group_buy.received", payload={
            "group_buy": line.order.group_buy_id, "order": line.order_id, "line": line.pk, "shipment": shipment.pk,
            "member": line.member_id})
        _complete_if_received(line.order.group_buy_id, line.brain_id)
        return shipment


def _complete_if_received(group_buy_id: int, brain_id: int) -> None:
    group_buy = GroupBuy.objects.in_brain(brain_id).select_for_update().get(pk=group_buy_id)
    lines = SupplyOrderLine.objects.in_brain(brain_id).filter(order__group_buy_id=group_buy_id)
    if group_buy.status == Status.LOCKED and not any(l.received < l.quantity for l in lines):
        group_buy.complete()
        group_buy.save()
        event_record(brain_id=brain_id, name="group_buy.completed", payload={"group_buy": group_buy_id})


# --- Money ------------------------------------------------------------------------------------------------


@transaction.atomic
def payment_record(*, group_buy: GroupBuy, by: User, kind: str, enterprise_id: int, amount, reference: str = "",
                   memo: str = "") -> Entry:
    """An operator records money in from a member (a deposit, the balance), a refund to one, or a payment to a
    supplier. Members pay deposits while pledging; payments to suppliers only once it locked."""
    with brain_context(group_buy.brain_id):
        require_operator(brain=group_buy.brain, user=by)
        group_buy = _locked(group_buy)
        if kind == EntryKind.SUPPLIER_PAYMENT:
            if not GroupBuySupplier.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy,
                                                                                  supplier_id=enterprise_id).exists():
                raise DomainError(_("That enterprise is not a supplier of this campaign."), field="enterprise")
        elif not Pledge.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy, member_id=enterprise_id).exists():
            raise DomainError(_("That enterprise has not pledged on this campaign."), field="enterprise")
        if kind == EntryKind.MEMBER_PAYMENT and group_buy.status == Status.DRAFT:
            raise DomainError(_("The campaign is not open yet."), code="invalid_state")
        if kind == EntryKind.MEMBER_PAYMENT and group_buy.status in (Status.LOCKED, Status.COMPLETED):
            # Settled: at most what the member still owes here. Its goods paid on the trader's payable (or netted)
            # are booked from finance's event, so recording them again by hand is refused, not doubled.
            owes = ledger.balance(brain_id=group_buy.brain_id, kind=ledger.Kind.MEMBER, enterprise_id=enterprise_id,
                                  group_buy=group_buy)
            if ledger.amount_of(amount) > owes:
                raise DomainError(_(
                    "The member owes ¥%(owes)s in this campaign; record at most that. Its goods paid to the "
                    "brain's trader are booked automatically.") % {"owes": f"{max(owes, ZERO):,.2f}"},
                    field="amount", code="over_payment")
        entry = ledger.payment_entry(group_buy=group_buy, kind=kind, enterprise_id=enterprise_id, amount=amount,
                                     by=by, reference=reference, memo=memo)
        event_record(brain_id=group_buy.brain_id, name="group_buy.payment_recorded", payload={
            "group_buy": group_buy.pk, "entry": entry.pk, "kind": kind, "enterprise": enterprise_id})
        return entry



def trader_payment_record(*, brain_id: int, payable_id: int, kind: str, settlement_id: int, member_id: int, amount,
                          paid_on: date, number: str = "") -> TraderPayment | None:
    """Finance reports a member's payable to the brain's trader discharged for a settlement's goods (paid, to the
    trader or to the bank that financed it, or `amount` of it netted): the campaign's books record the member's
    payment of that much (Dr bank, Cr member), once per payable and kind, re-delivered or raced (the campaign's
    row lock, then the database's unique constraint). None unless the settlement is in this brain and `member_id`
    (the payable's debtor) is its member."""
    amount = ledger.amount_of(amount)
    with transaction.atomic(), brain_context(brain_id):
        settlement = Settlement.objects.in_brain(brain_id).select_related("group_buy").filter(
            pk=settlement_id, member_id=member_id).first()
        if settlement is None:
            return None
        group_buy = _locked(settlement.group_buy)
        payments = TraderPayment.objects.in_brain(brain_id)
        done = payments.filter(payable_id=payable_id, kind=kind).first()
        if done is not None:
            return done
        try:
            with transaction.atomic():
                entry = ledger.entry_post(
                    brain_id=brain_id, kind=EntryKind.TRADER_PAYMENT, by=None, group_buy=group_buy,
                    reference=number, memo=f"{group_buy.number} {number} {paid_on:%Y-%m-%d}",
                    legs=[Leg(ledger.Kind.BANK, debit=amount),
                          Leg(ledger.Kind.MEMBER, credit=amount, enterprise_id=settlement.member_id)])
                made = TraderPayment.objects.create(
                    brain_id=brain_id, settlement=settlement, payable_id=payable_id, payable_number=number[:30],
                    kind=kind, amount=amount, paid_on=paid_on, entry=entry)
        except IntegrityError:  # booked by a concurrent worker since the read
            return payments.get(payable_id=payable_id, kind=kind)
        event_record(brain_id=brain_id, name="group_buy.payment_recorded", payload={
            "group_buy": group_buy.pk, "entry": entry.pk, "kind": EntryKind.TRADER_PAYMENT,
            "enterprise": settlement.member_id})
        return made


@transaction.atomic
def settings_save(*, brain: Brain, by: User, members_may_open: bool | None = None, trader_id=UNCHANGED):
    """Operators choose whether buyer members may open group purchases in their brain, and which active member trades
    for the brain (平台贸易商: members owe it for their goods; None: no trader). A setting not given stays."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        settings, _created = SupplyChainSettings.objects.select_for_update().get_or_create(brain=brain)
        if members_may_open is not None:
            settings.members_may_open = members_may_open
        if trader_id is not UNCHANGED:
            if trader_id is not None and _active_member(brain, trader_id) is None:
                raise DomainError(_("The trader must be an active member of this brain."), field="trader")
            settings.trader_id = trader_id
        settings.save()
        event_record(brain_id=brain.pk, name="supply_chain_settings.saved",
                     payload={"members_may_open": settings.members_may_open, "trader": settings.trader_id})
        return settings
