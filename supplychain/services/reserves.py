"""Joint reserves (联储联备): set up, commit shares, record reference prices, draw, replenish, close.

Rules
- Only the brain's operators set a reserve up, commit members' shares, record reference prices, receive or
  cancel replenishments and close it. Members (active buyers with a share) draw.
- A draw takes what is left of the member's share first, at the unit price; the rest is beyond the share, at
  the surcharged price, and only from stock that no other member's remaining share needs. Stock, shares and
  what was drawn never go negative (and the database's CHECKs say so too).
- Unit price = base price × (1 + pass-through % × (latest reference − base reference) / base reference), to
  the fen (Reserve.unit_price_for); a draw keeps the price and the reference price that priced it.
- When stock falls below the threshold a replenishment up to the target level is opened from the reserve's
  supplier, once while one is open (a partial unique index is the floor under that). Receiving it adds the
  stock at its cost; if the stock is still below the threshold, the next one opens for the rest.

Contention: every write that reads or changes stock or shares takes the reserve's row lock first (`_locked`),
then the share's or the replenishment's: one order everywhere, so concurrent draws queue on the reserve,
never deadlock, and none sees stock another has already taken.

Money (supplychain.services.ledger: supplychain's book in the one journal), one balanced entry each, naming the
reserve: a draw charges the member (Dr member receivable) for the sales income and its output VAT, and moves the
stock's average cost from inventory to the cost of sales; receiving a replenishment puts the goods into
inventory at cost, with their input VAT, against the supplier's payable.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import money
from ledger.money import ZERO, Amount, check_fits, fen
from ledger.services.journal import Leg
from supplychain.models import (
    Drawdown, EntryKind, ReferencePrice, Replenishment, Reserve, ReserveShare,
)
from supplychain.quantities import qty
from supplychain.services import ledger
from tenants.access import require_member_role, require_operator
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, Membership, User
from tenants.outbox import event_record
from tenants.services.brains import next_number

Kind = ledger.Kind


def _locked(reserve: Reserve) -> Reserve:
    return Reserve.objects.in_brain(reserve.brain_id).select_for_update().get(pk=reserve.pk)


def _require_operator(brain: Brain | int, by: User) -> None:
    require_operator(brain=brain if isinstance(brain, Brain) else Brain.objects.get(pk=brain), user=by)


def _require_active(reserve: Reserve) -> None:
    if not reserve.is_active:
        raise DomainError(_("This reserve is closed."), code="reserve_closed")


def _decimal(value, *, field: str, places: int, message: str, allow_zero: bool = False) -> Decimal:
    """`value` as a Decimal with at most `places` decimals, more than zero (or zero, if allowed), else the
    error `message` on `field`."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(message, field=field) from None
    if not number.is_finite() or number < 0 or (number == 0 and not allow_zero) or number >= 10 ** 11 \
            or number != number.quantize(Decimal(1).scaleb(-places)):  # 10^11: what the columns hold
        raise DomainError(message, field=field)
    return number


def _quantity(value, field: str = "quantity", allow_zero: bool = False) -> Decimal:
    message = (_("Give a quantity of zero or more, with at most three decimals.") if allow_zero
               else _("Give a quantity more than zero, with at most three decimals."))
    return _decimal(value, field=field, places=3, message=message, allow_zero=allow_zero)


def _price(value, field: str) -> Decimal:
    return _decimal(value, field=field, places=2, message=_("Give a price in yuan more than zero, e.g. 15800.00."))


def _percent(value, field: str) -> Decimal:
    number = _decimal(value, field=field, places=2, allow_zero=True,
                      message=_("Give a percentage from 0 to 100, with at most two decimals."))
    if number > 100:
        raise DomainError(_("Give a percentage from 0 to 100, with at most two decimals."), field=field)
    return number


def split_vat(reserve: Reserve, stated: Decimal) -> Amount:
    """An amount to the fen as the reserve states its prices, split into net and VAT."""
    return money.split_vat(stated, vat_rate=reserve.vat_rate, includes_vat=reserve.prices_include_vat)


# --- Reading the price ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prices:
    reference: ReferencePrice | None  # the latest; None: none recorded yet
    unit_price: Decimal  # within a member's share
    beyond_unit_price: Decimal  # beyond it, with the surcharge


def latest_reference(reserve: Reserve) -> ReferencePrice | None:
    """The latest reference price. Dates never go back (reference_price_record), so the latest date is also
    the latest recorded; two on one day: the later recorded (a correction) wins."""
    return (ReferencePrice.objects.in_brain(reserve.brain_id).filter(reserve=reserve)
            .order_by("-quoted_on", "-id").first())


def prices(reserve: Reserve) -> Prices:
    reference = latest_reference(reserve)
    unit_price = reserve.unit_price_for(reference.value if reference else None)
    return Prices(reference, unit_price, reserve.beyond_price_for(unit_price))


# --- Setting a reserve up ------------------------------------------------------------------------------------


def _active_supplier(brain: Brain, enterprise_id) -> bool:
    return Membership.objects.in_brain(brain).filter(enterprise_id=enterprise_id or 0, status=Membership.Status.ACTIVE,
                                                     roles__contains=["supplier"]).exists()


def _text(terms: dict, field: str, message: str, max_length: int, required: bool = True) -> str:
    value = str(terms.get(field) or "").strip()
    if required and not value:
        raise DomainError(message, code="required", field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


@transaction.atomic
def reserve_create(*, brain: Brain, by: User, supplier_id: int, title: str, material_grade: str, unit: str,
                   base_price, base_reference_price, replenish_threshold, replenish_to, specification: str = "",
                   vat_rate=Decimal("13.00"), prices_include_vat: bool = True, pass_through_percent=Decimal("100"),
                   surcharge_percent=ZERO) -> Reserve:
    """A new reserve, empty: its first replenishment (up to the target level) is opened at once."""
    with brain_context(brain.pk):
        _require_operator(brain, by)
        given = {"title": title, "material_grade": material_grade, "unit": unit, "specification": specification}
        terms = {
            "title": _text(given, "title", _("Give the reserve a title."), 200),
            "material_grade": _text(given, "material_grade", _("Name the material grade."), 100),
            "specification": _text(given, "specification", "", 200, required=False),
            "unit": _text(given, "unit", _("Name the unit, e.g. t, kg."), 20),
            "base_price": _price(base_price, "base_price"),
            "base_reference_price": _price(base_reference_price, "base_reference_price"),
            "vat_rate": _percent(vat_rate, "vat_rate"),
            "prices_include_vat": bool(prices_include_vat),
            "pass_through_percent": _percent(pass_through_percent, "pass_through_percent"),
            "surcharge_percent": _percent(surcharge_percent, "surcharge_percent"),
            "replenish_threshold": _quantity(replenish_threshold, "replenish_threshold"),
            "replenish_to": _quantity(replenish_to, "replenish_to"),
        }
        if terms["replenish_to"] <= terms["replenish_threshold"]:
            raise DomainError(_("Replenish up to a level above the threshold, or a replenishment would not lift "
                                "the stock over it."), field="replenish_to")
        if not _active_supplier(brain, supplier_id):
            raise DomainError(_("The supplier must be an active supplier member of this brain."), field="supplier")
        reserve = Reserve.objects.create(brain=brain, number=next_number(brain_id=brain.pk, prefix="JR"),
                                         supplier_id=supplier_id, created_by=by, **terms)
        event_record(brain_id=brain.pk, name="reserve.created", payload={"reserve": reserve.pk})
        _replenish_if_low(reserve)
        return reserve


@transaction.atomic
def share_commit(*, reserve: Reserve, by: User, member_id: int, committed) -> ReserveShare:
    """Commit a member's share, or change it (never below what it has drawn within it; zero ends it)."""
    with brain_context(reserve.brain_id):
        _require_operator(reserve.brain_id, by)
        committed = _quantity(committed, "committed", allow_zero=True)
        reserve = _locked(reserve)
        _require_active(reserve)
        if not Membership.objects.in_brain(reserve.brain_id).filter(
                enterprise_id=member_id or 0, status=Membership.Status.ACTIVE, roles__contains=["buyer"]).exists():
            raise DomainError(_("Shares are for active buyer members of this brain."), field="member")
        share = (ReserveShare.objects.in_brain(reserve.brain_id).select_for_update()
                 .filter(reserve=reserve, member_id=member_id).first())
        if share is None:
            if committed == 0:
                raise DomainError(_("Give a quantity more than zero, with at most three decimals."),
                                  field="committed")
            share = ReserveShare(brain_id=reserve.brain_id, reserve=reserve, member_id=member_id)
        elif committed < share.drawn:
            raise DomainError(_("The member has drawn %(drawn)s %(unit)s within its share; commit at least that.")
                              % {"drawn": qty(share.drawn), "unit": reserve.unit}, field="committed",
                              code="below_drawn")
        share.committed, share.committed_by, share.committed_at = committed, by, timezone.now()
        share.save()
        event_record(brain_id=reserve.brain_id, name="reserve.share_committed", payload={
            "reserve": reserve.pk, "share": share.pk, "member": member_id, "committed": qty(committed)})
        return share


@transaction.atomic
def reference_price_record(*, reserve: Reserve, by: User, value, quoted_on: date, source: str) -> ReferencePrice:
    """The operator records the material's reference price; it prices every draw from then on, not before."""
    with brain_context(reserve.brain_id):
        _require_operator(reserve.brain_id, by)
        value = _price(value, "value")
        source = _text({"source": source}, "source", _("Name the source, e.g. the exchange or index quoted."), 200)
        if not isinstance(quoted_on, date):
            raise DomainError(_("Give the date of the quote."), field="quoted_on")
        if quoted_on > timezone.localdate():
            raise DomainError(_("The quote's date cannot be in the future."), field="quoted_on")
        reserve = _locked(reserve)  # a draw prices under this lock: it sees this price or the one before
        _require_active(reserve)
        latest = latest_reference(reserve)
        if latest is not None and quoted_on < latest.quoted_on:
            raise DomainError(_("The latest reference price is of %(date)s; record one of that day or later.")
                              % {"date": latest.quoted_on.isoformat()}, field="quoted_on")
        price = ReferencePrice.objects.create(brain_id=reserve.brain_id, reserve=reserve, value=value,
                                              quoted_on=quoted_on, source=source, recorded_by=by,
                                              unit_price=reserve.unit_price_for(value))
        event_record(brain_id=reserve.brain_id, name="reserve.price_recorded", payload={
            "reserve": reserve.pk, "reference_price": price.pk, "value": str(value),
            "unit_price": str(price.unit_price)})
        return price


@transaction.atomic
def reserve_close(*, reserve: Reserve, by: User) -> Reserve:
    """No more draws or shares. A replenishment still open must be received or cancelled first."""
    with brain_context(reserve.brain_id):
        _require_operator(reserve.brain_id, by)
        reserve = _locked(reserve)
        _require_active(reserve)
        if Replenishment.objects.in_brain(reserve.brain_id).filter(reserve=reserve,
                                                                   status=Replenishment.Status.OPEN).exists():
            raise DomainError(_("A replenishment is still open: receive or cancel it first."),
                              code="replenishment_open")
        reserve.status, reserve.closed_at = Reserve.Status.CLOSED, timezone.now()
        reserve.save(update_fields=["status", "closed_at", "updated_at"])
        event_record(brain_id=reserve.brain_id, name="reserve.closed",
                     payload={"reserve": reserve.pk, "stock": qty(reserve.stock)})
        return reserve


# --- Drawing down ----------------------------------------------------------------------------------------------


def _others_remaining(reserve: Reserve, share: ReserveShare) -> Decimal:
    """What the other members may still draw within their shares: stock a draw beyond a share may not take."""
    return (ReserveShare.objects.in_brain(reserve.brain_id).filter(reserve=reserve).exclude(pk=share.pk)
            .aggregate(left=Sum(F("committed") - F("drawn")))["left"] or Decimal("0"))


@transaction.atomic
def reserve_draw(*, reserve: Reserve, by: User, quantity, note: str = "") -> Drawdown:
    """The caller's enterprise draws `quantity`: within its share first, beyond it at the surcharge if stock
    nobody else's share needs allows; charged at the price of the latest reference price."""
    with brain_context(reserve.brain_id):
        require_member_role(brain=Brain.objects.get(pk=reserve.brain_id), user=by, role="buyer")
        quantity = _quantity(quantity)
        note = _text({"note": note}, "note", "", 300, required=False)
        reserve = _locked(reserve)
        _require_active(reserve)
        share = (ReserveShare.objects.in_brain(reserve.brain_id).select_for_update()
                 .filter(reserve=reserve, member_id=by.enterprise_id).first())
        if share is None:
            raise NotAllowed(_("Your enterprise has no share in this reserve."), code="no_share")
        if quantity > reserve.stock:
            raise DomainError(_("Only %(stock)s %(unit)s are in stock.") % {"stock": qty(reserve.stock),
                                                                           "unit": reserve.unit},
                              field="quantity", code="insufficient_stock")
        within = min(quantity, share.remaining)
        beyond = quantity - within
        if beyond:
            free = reserve.stock - within - _others_remaining(reserve, share)
            if beyond > free:
                raise DomainError(
                    _("Your share has %(left)s %(unit)s left; beyond it only %(free)s %(unit)s are free of other "
                      "members' shares.") % {"left": qty(share.remaining), "free": qty(max(free, Decimal("0"))),
                                             "unit": reserve.unit},
                    field="quantity", code="beyond_share_unavailable")
        priced = prices(reserve)
        at_price = fen(within * priced.unit_price) + fen(beyond * priced.unit_price)
        stated = fen(within * priced.unit_price) + fen(beyond * priced.beyond_unit_price)
        amount = split_vat(reserve, check_fits(stated, field="quantity"))
        if amount.total <= 0:
            raise DomainError(_("This quantity is too small to charge."), field="quantity")
        # The moving average: all of the value goes with the last of the stock, so none is ever left on zero.
        cost = reserve.inventory_value if quantity == reserve.stock else \
            fen(reserve.inventory_value * quantity / reserve.stock)
        entry = ledger.entry_post(
            brain_id=reserve.brain_id, kind=EntryKind.RESERVE_DRAW, by=by, reserve=reserve,
            memo=f"{reserve.number} {qty(quantity)} {reserve.unit} @ {priced.unit_price}",
            legs=[Leg(Kind.MEMBER, debit=amount.total, enterprise_id=share.member_id),
                  Leg(Kind.SALES, credit=amount.net), Leg(Kind.SALES_VAT, credit=amount.vat),
                  Leg(Kind.COGS, debit=cost), Leg(Kind.INVENTORY, credit=cost)])
        drawdown = Drawdown.objects.create(
            brain_id=reserve.brain_id, reserve=reserve, share=share, member_id=share.member_id, quantity=quantity,
            within_share=within, beyond_share=beyond, reference_price=priced.reference,
            unit_price=priced.unit_price, beyond_unit_price=priced.beyond_unit_price, surcharge=stated - at_price,
            net=amount.net, vat=amount.vat, cost=cost, currency=reserve.currency, note=note, entry=entry, drawn_by=by)
        share.drawn += within
        share.drawn_beyond += beyond
        share.save(update_fields=["drawn", "drawn_beyond", "updated_at"])
        reserve.stock -= quantity
        reserve.inventory_value -= cost
        reserve.save(update_fields=["stock", "inventory_value", "updated_at"])
        event_record(brain_id=reserve.brain_id, name="reserve.drawn", payload={
            "reserve": reserve.pk, "drawdown": drawdown.pk, "member": share.member_id, "quantity": qty(quantity),
            "stock": qty(reserve.stock)})
        _replenish_if_low(reserve, drawdown=drawdown)
        return drawdown


# --- Replenishing ----------------------------------------------------------------------------------------------


def _replenish_if_low(reserve: Reserve, drawdown: Drawdown | None = None) -> Replenishment | None:
    """Below the threshold with none open: open one up to the target level. The caller holds the reserve's
    lock, so two draws cannot both find none open (and the partial unique index would refuse the second)."""
    if not reserve.is_active or reserve.stock >= reserve.replenish_threshold:
        return None
    if Replenishment.objects.in_brain(reserve.brain_id).filter(reserve=reserve,
                                                               status=Replenishment.Status.OPEN).exists():
        return None
    replenishment = Replenishment.objects.create(
        brain_id=reserve.brain_id, reserve=reserve, number=next_number(brain_id=reserve.brain_id, prefix="JRP"),
        supplier_id=reserve.supplier_id, quantity=reserve.replenish_to - reserve.stock,
        stock_at_opening=reserve.stock, drawdown=drawdown)
    event_record(brain_id=reserve.brain_id, name="reserve.replenishment_opened", payload={
        "reserve": reserve.pk, "replenishment": replenishment.pk, "supplier": reserve.supplier_id,
        "quantity": qty(replenishment.quantity)})
    return replenishment


def _locked_open(replenishment: Replenishment) -> tuple[Reserve, Replenishment]:
    reserve = Reserve.objects.in_brain(replenishment.brain_id).select_for_update().get(pk=replenishment.reserve_id)
    replenishment = Replenishment.objects.in_brain(replenishment.brain_id).select_for_update().get(pk=replenishment.pk)
    if replenishment.status != Replenishment.Status.OPEN:
        raise DomainError(_("This replenishment is no longer open."), code="invalid_state")
    return reserve, replenishment


@transaction.atomic
def replenishment_receive(*, replenishment: Replenishment, by: User, quantity, unit_cost,
                          note_number: str) -> Replenishment:
    """The goods arrived: at most the quantity ordered, at the supplier's unit cost (stated as the reserve states
    its prices). Stock and its cost go up; if still below the threshold, the next replenishment opens."""
    with brain_context(replenishment.brain_id):
        _require_operator(replenishment.brain_id, by)
        quantity = _quantity(quantity)
        unit_cost = _price(unit_cost, "unit_cost")
        note_number = _text({"note_number": note_number}, "note_number", _("Give the delivery note number."), 60)
        reserve, replenishment = _locked_open(replenishment)
        if quantity > replenishment.quantity:
            raise DomainError(_("%(ordered)s %(unit)s were ordered; receive at most that (more is a new order).")
                              % {"ordered": qty(replenishment.quantity), "unit": reserve.unit}, field="quantity",
                              code="over_receipt")
        amount = split_vat(reserve, check_fits(fen(quantity * unit_cost), field="unit_cost"))
        entry = ledger.entry_post(
            brain_id=reserve.brain_id, kind=EntryKind.RESERVE_RECEIPT, by=by, reserve=reserve,
            reference=note_number,
            memo=f"{replenishment.number} {qty(quantity)} {reserve.unit} @ {unit_cost}",
            legs=[Leg(Kind.INVENTORY, debit=amount.net), Leg(Kind.INPUT_VAT, debit=amount.vat),
                  Leg(Kind.SUPPLIER, credit=amount.total, enterprise_id=replenishment.supplier_id)])
        replenishment.status, replenishment.received_quantity, replenishment.unit_cost = (
            Replenishment.Status.RECEIVED, quantity, unit_cost)
        replenishment.net, replenishment.vat, replenishment.note_number = amount.net, amount.vat, note_number
        replenishment.entry, replenishment.received_at, replenishment.received_by = entry, timezone.now(), by
        replenishment.save()
        reserve.stock += quantity
        reserve.inventory_value += amount.net
        reserve.save(update_fields=["stock", "inventory_value", "updated_at"])
        event_record(brain_id=reserve.brain_id, name="reserve.replenished", payload={
            "reserve": reserve.pk, "replenishment": replenishment.pk, "quantity": qty(quantity),
            "stock": qty(reserve.stock)})
        _replenish_if_low(reserve)
        return replenishment


@transaction.atomic
def replenishment_cancel(*, replenishment: Replenishment, by: User, reason: str) -> Replenishment:
    """The supplier cannot deliver: call the order off. The next draw below the threshold opens a new one."""
    with brain_context(replenishment.brain_id):
        _require_operator(replenishment.brain_id, by)
        reason = _text({"reason": reason}, "reason", _("Say why."), 300)
        _reserve, replenishment = _locked_open(replenishment)
        replenishment.status, replenishment.cancel_reason = Replenishment.Status.CANCELLED, reason
        replenishment.cancelled_at = timezone.now()
        replenishment.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        event_record(brain_id=replenishment.brain_id, name="reserve.replenishment_cancelled", payload={
            "reserve": replenishment.reserve_id, "replenishment": replenishment.pk, "reason": reason})
        return replenishment
