"""Reads of the supply chain shared by pages, API and tasks. They take `brain=` and the reader's enterprise."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from supplychain.models import (
    GroupBuy, GroupBuySupplier, JournalEntry, Pledge, PriceTier, Settlement, Shipment, SupplyOrder, SupplyOrderLine,
)
from supplychain.services import ledger
from supplychain.services.group_buys import pledged_total


def group_buy_list(*, brain, enterprise_id: int | None, operator: bool = False):
    """Operators see every campaign; members every campaign past draft, and their own drafts."""
    campaigns = (GroupBuy.objects.in_brain(brain)
                 .prefetch_related(Prefetch("tiers", queryset=PriceTier.objects.order_by("min_total")),
                                   "windows", Prefetch("suppliers", queryset=GroupBuySupplier.objects
                                                       .select_related("supplier")))
                 .annotate(total=Sum("pledges__quantity", filter=Q(pledges__status=Pledge.Status.ACTIVE)),
                           participants=Count("pledges", filter=Q(pledges__status=Pledge.Status.ACTIVE)))
                 .order_by("-created_at", "-id"))
    if operator:
        return campaigns
    if enterprise_id is None:
        return GroupBuy.objects.none()
    return campaigns.filter(~Q(status=GroupBuy.Status.DRAFT) | Q(organiser_id=enterprise_id))


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


def pledge_list(*, brain, enterprise_id: int | None, operator: bool = False):
    """Operators see every pledge; a member only its own (others' quantities are theirs)."""
    pledges = Pledge.objects.in_brain(brain).select_related("member", "window", "group_buy").order_by("-pledged_at", "-id")
    if operator:
        return pledges
    return pledges.filter(member_id=enterprise_id or 0)


def settlement_list(*, brain, enterprise_id: int | None, operator: bool = False):
    settlements = Settlement.objects.in_brain(brain).select_related("member", "group_buy").order_by("id")
    return settlements if operator else settlements.filter(member_id=enterprise_id or 0)


def supply_order_list(*, brain, enterprise_id: int | None, operator: bool = False):
    """A supplier sees its orders whole; a member the orders that carry a line of its own (only its lines)."""
    orders = (SupplyOrder.objects.in_brain(brain).select_related("supplier", "group_buy")
              .prefetch_related(Prefetch("lines", queryset=SupplyOrderLine.objects.select_related("member", "pledge__window")
                                         .prefetch_related("shipments"))).order_by("id"))
    if operator:
        return orders
    return orders.filter(Q(supplier_id=enterprise_id or 0) | Q(lines__member_id=enterprise_id or 0)).distinct()


def supply_order_line_list(*, brain, enterprise_id: int | None, operator: bool = False):
    lines = (SupplyOrderLine.objects.in_brain(brain).select_related("order__supplier", "member", "pledge__window")
             .prefetch_related("shipments").order_by("id"))
    if operator:
        return lines
    return lines.filter(Q(order__supplier_id=enterprise_id or 0) | Q(member_id=enterprise_id or 0))


def shipment_list(*, brain, enterprise_id: int | None, operator: bool = False):
    shipments = Shipment.objects.in_brain(brain).select_related("line__order").order_by("-id")
    if operator:
        return shipments
    return shipments.filter(Q(line__order__supplier_id=enterprise_id or 0) | Q(line__member_id=enterprise_id or 0))


def member_statement(*, group_buy: GroupBuy, enterprise_id: int) -> dict:
    """One member's money in a campaign: its settlement, what it paid (less refunds), and its balance (positive:
    it still owes; negative: the brain owes it a refund)."""
    settlement = Settlement.objects.in_brain(group_buy.brain_id).filter(group_buy=group_buy,
                                                                        member_id=enterprise_id).first()
    balance = ledger.balance(brain_id=group_buy.brain_id, kind=ledger.Kind.MEMBER, enterprise_id=enterprise_id,
                             group_buy=group_buy)
    charged = settlement.total if settlement else Decimal("0.00")
    return {"settlement": settlement, "charged": charged, "paid": charged - balance, "balance": balance}


def journal(*, brain, group_buy: GroupBuy | None = None):
    entries = JournalEntry.objects.in_brain(brain).prefetch_related("lines__account__enterprise").order_by("-id")
    return entries.filter(group_buy=group_buy) if group_buy is not None else entries
