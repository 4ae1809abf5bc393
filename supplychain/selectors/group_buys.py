"""Reads of group purchases and sample group orders, with their supply orders and shipments, shared by pages, API,
tasks, live updates and webhooks.

Who sees what (anything else answers 404, like an object that does not exist):
- campaigns: the brain's operators all; members every campaign past draft, and their own drafts;
- pledges and settlements: operators all; a member only its own (others' quantities are theirs);
- supply orders: operators all; a supplier its own, whole;
- supply-order lines and shipments: operators all; the supplier and the member their own.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from supplychain.models import (
    GroupBuy, GroupBuySupplier, Pledge, PriceTier, Settlement, Shipment, SupplyChainSettings, SupplyOrder,
    SupplyOrderLine,
)
from supplychain.services import ledger
from supplychain.services.group_buys import pledged_total
from tenants.errors import DomainError
from tenants.models import Enterprise
from tenants.selectors.memberships import active_members


def group_buy_list(*, brain, viewer):
    """Operators see every campaign; members every campaign past draft, and their own drafts."""
    campaigns = (GroupBuy.objects.in_brain(brain)
                 .prefetch_related(Prefetch("tiers", queryset=PriceTier.objects.order_by("min_total")),
                                   "windows", Prefetch("suppliers", queryset=GroupBuySupplier.objects
                                                       .select_related("supplier")))
                 .annotate(total=Sum("pledges__quantity", filter=Q(pledges__status=Pledge.Status.ACTIVE)),
                           participants=Count("pledges", filter=Q(pledges__status=Pledge.Status.ACTIVE)))
                 .order_by("-created_at", "-id"))
    if viewer.is_operator:
        return campaigns
    if viewer.enterprise_id is None:
        return GroupBuy.objects.none()
    return campaigns.filter(~Q(status=GroupBuy.Status.DRAFT) | Q(organiser_id=viewer.enterprise_id))


@dataclass(frozen=True)
class TierProgress:
    total: Decimal
    participants: int
    price: Decimal | None  # the tier reached, if any
    next_min_total: Decimal | None
    to_next: Decimal | None  # quantity still needed to reach the next tier
    minimum_reached: bool
    to_minimum: Decimal


def tier_progress(group_buy: GroupBuy) -> TierProgress:
    """What everyone sees live: the total pledged, the tier it reaches and what the next tier needs. Reads the
    total, the participants and the tiers group_buy_list already fetched (no query per campaign in a list);
    a campaign loaded otherwise is counted here."""
    if hasattr(group_buy, "participants"):
        total, participants = group_buy.total or Decimal("0"), group_buy.participants
    else:
        total = pledged_total(group_buy)
        participants = Pledge.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy,
                                                                          status=Pledge.Status.ACTIVE).count()
    tiers = sorted(group_buy.tiers.all(), key=lambda tier: tier.min_total)
    reached = next((tier for tier in reversed(tiers) if tier.min_total <= total), None)  # exactly the threshold counts
    following = next((tier for tier in tiers if tier.min_total > total), None)
    return TierProgress(total=total, participants=participants, price=reached.unit_price if reached else None,
                        next_min_total=following.min_total if following else None,
                        to_next=following.min_total - total if following else None,
                        minimum_reached=total >= group_buy.minimum_total,
                        to_minimum=max(group_buy.minimum_total - total, Decimal("0")))


def supply_chain_settings(*, brain) -> SupplyChainSettings:
    """The brain's choices for pooled buying (the defaults while its operators have made none)."""
    return (SupplyChainSettings.objects.in_brain(brain).select_related("trader").first()
            or SupplyChainSettings(brain_id=getattr(brain, "pk", brain)))


def group_buy_trader(*, brain) -> Enterprise | None:
    """The member that trades for the brain (平台贸易商), to whom members owe their goods; None while the operators
    have named none, or while it is not an active member."""
    trader = supply_chain_settings(brain=brain).trader
    if trader is None or not active_members(brain=brain).filter(enterprise_id=trader.pk).exists():
        return None
    return trader


# --- What finance reads: a member's goods, all received --------------------------------------------------------


@dataclass(frozen=True)
class ReceivedSettlement:
    """A member's settlement of a locked campaign whose every piece has arrived: what it owes the brain's trader
    for its goods, the evidence of a payable. The deposit and the service fee stay with the campaign's books."""

    settlement_id: int
    group_buy_id: int
    group_buy_number: str
    title: str
    member_id: int
    currency: str
    amount: Decimal  # the goods, VAT included, as fixed to the fen at the lock
    tax: Decimal
    received_on: date  # the member's last receipt
    payment_days: int | None  # the campaign's payment terms, if it states any


def _received(brain_id: int, settlements) -> list[ReceivedSettlement]:
    open_line = SupplyOrderLine.objects.in_brain(brain_id).filter(pledge_id=OuterRef("pledge_id"),
                                                                  received__lt=F("quantity"))
    received = Shipment.objects.in_brain(brain_id).filter(line__pledge_id=OuterRef("pledge_id"),
                                                          received_quantity__gt=0)
    rows = (settlements.filter(~Exists(open_line), Exists(received))
            .annotate(received_at=Max("pledge__order_lines__shipments__received_at",
                                      filter=Q(pledge__order_lines__shipments__received_quantity__gt=0)))
            .select_related("group_buy").order_by("pk"))
    return [ReceivedSettlement(
        settlement_id=row.pk, group_buy_id=row.group_buy_id, group_buy_number=row.group_buy.number,
        title=row.group_buy.title, member_id=row.member_id, currency=row.currency, amount=row.goods_total,
        tax=row.goods_vat, received_on=timezone.localdate(row.received_at), payment_days=row.group_buy.payment_days)
        for row in rows]


def received_settlement(*, brain_id: int, group_buy_id: int, member_id: int) -> ReceivedSettlement | None:
    """The member's settlement of the campaign once every piece of it has arrived; None while some is still to
    ship or to receive (a shortfall is shipped anew), or if the member has none."""
    found = _received(brain_id, Settlement.objects.in_brain(brain_id).filter(group_buy_id=group_buy_id,
                                                                             member_id=member_id))
    return found[0] if found else None


def received_settlement_list(*, brain_id: int) -> list[ReceivedSettlement]:
    """Every settlement of the brain whose pieces have all arrived."""
    return _received(brain_id, Settlement.objects.in_brain(brain_id))


def pledge_list(*, brain, viewer):
    """Operators see every pledge; a member only its own (others' quantities are theirs)."""
    pledges = Pledge.objects.in_brain(brain).select_related("member", "window", "group_buy").order_by("-pledged_at", "-id")
    if viewer.is_operator:
        return pledges
    return pledges.filter(member_id=viewer.enterprise_id or 0)


def settlement_list(*, brain, viewer):
    settlements = Settlement.objects.in_brain(brain).select_related("member", "group_buy").order_by("id")
    return settlements if viewer.is_operator else settlements.filter(member_id=viewer.enterprise_id or 0)


def member_statement(*, group_buy: GroupBuy, enterprise_id: int) -> dict:
    """One member's money in a campaign: its settlement, what it paid (less refunds), and its balance (positive:
    it still owes; negative: the brain owes it a refund)."""
    settlement = Settlement.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy,
                                                                        member_id=enterprise_id).first()
    balance = ledger.balance(brain_id=group_buy.brain_id, kind=ledger.Kind.MEMBER, enterprise_id=enterprise_id,
                             group_buy=group_buy)
    charged = settlement.total if settlement else Decimal("0.00")
    return {"settlement": settlement, "charged": charged, "paid": charged - balance, "balance": balance}


# --- Supply orders, their lines and shipments ------------------------------------------------------------------


def supply_order_list(*, brain, viewer):
    """A supplier's orders from locked campaigns, whole, with the split per member (operators: all)."""
    orders = (SupplyOrder.objects.in_brain(brain).select_related("supplier", "group_buy")
              .prefetch_related(Prefetch("lines", queryset=SupplyOrderLine.objects.select_related("member", "pledge__window")
                                         .prefetch_related("shipments"))).order_by("id"))
    if viewer.is_operator:
        return orders
    return orders.filter(supplier_id=viewer.enterprise_id or 0)


def _supply_order_lines(brain):
    return (SupplyOrderLine.objects.in_brain(brain).select_related("order__supplier", "member", "pledge__window")
            .prefetch_related("shipments").order_by("id"))


def _own_lines(enterprise_id: int | None) -> Q:
    """Lines of the enterprise's own, as the order's supplier or as the member it is for."""
    return Q(order__supplier_id=enterprise_id or 0) | Q(member_id=enterprise_id or 0)


def supply_order_line_list(*, brain, viewer):
    lines = _supply_order_lines(brain)
    return lines if viewer.is_operator else lines.filter(_own_lines(viewer.enterprise_id))


def supply_order_line_named(*, brain, viewer, pk) -> SupplyOrderLine:
    """A line the request names in its body, of the viewer's own supply orders as supplier or member (an
    operator's too: a body names the caller's own line); else an error on the field `line` (code not_found), the
    same for one that does not exist and one that is not the viewer's."""
    line = _supply_order_lines(brain).filter(_own_lines(viewer.enterprise_id)).filter(pk=pk).first()
    if line is None:
        raise DomainError(_("No such line of your supply orders."), field="line", code="not_found")
    return line


def shipment_list(*, brain, viewer):
    shipments = Shipment.objects.in_brain(brain).select_related("line__order").order_by("-id")
    if viewer.is_operator:
        return shipments
    enterprise_id = viewer.enterprise_id or 0
    return shipments.filter(Q(line__order__supplier_id=enterprise_id) | Q(line__member_id=enterprise_id))
