"""The supply-chain events an enterprise may subscribe webhooks to, and who hears of each (ids only).

Each audience gives an event only to the enterprises that could read its object through the API (who may read
what: supplychain.selectors), so a webhook tells an enterprise only of objects it could fetch with its key.
Registered by `register()`, from SupplychainConfig.ready.
"""

from django.utils.translation import gettext_lazy as _

from supplychain.models import GroupBuy, GroupBuySupplier, Pledge, Replenishment, SupplyOrderLine
from supplychain.selectors.group_buys import group_buy_list
from tenants.access import enterprise_access
from tenants.models import Brain
from tenants.webhooks import webhook_event_type, without

# --- Group purchases and sample group orders -------------------------------------------------------------------


def _readers(event, candidates: set[int]) -> dict[int, dict]:
    """Members who may see the campaign (every member once it is open)."""
    group_buy_id, brain = event.payload["group_buy"], Brain.objects.get(pk=event.brain_id)

    def reads(enterprise_id: int) -> bool:
        viewer = enterprise_access(brain=brain, enterprise_id=enterprise_id)
        return group_buy_list(brain=brain, viewer=viewer).filter(pk=group_buy_id).exists()

    return {enterprise_id: {"group_buy": group_buy_id} for enterprise_id in candidates if reads(enterprise_id)}


def _parties(event, candidates: set[int]) -> dict[int, dict]:
    """The campaign's pledgers and suppliers; a member's own pledge id only to it."""
    group_buy = GroupBuy.objects.in_brain(event.brain_id).get(pk=event.payload["group_buy"])
    pledgers = set(Pledge.objects.in_brain(event.brain_id).filter(group_buy=group_buy).values_list("member_id", flat=True))
    suppliers = set(GroupBuySupplier.objects.in_brain(event.brain_id).filter(group_buy=group_buy)
                    .values_list("supplier_id", flat=True))
    data = without(event.payload, "pledge", "member", "orders", "reason")
    return {enterprise_id: data for enterprise_id in candidates & (pledgers | suppliers)}


def _line_parties(event, candidates: set[int]) -> dict[int, dict]:
    line = SupplyOrderLine.objects.in_brain(event.brain_id).select_related("order").get(pk=event.payload["line"])
    data = without(event.payload, "member")
    return {enterprise_id: data for enterprise_id in candidates & {line.member_id, line.order.supplier_id}}


# --- Joint reserves (联储联备) ------------------------------------------------------------------------------------


def _everyone(event, candidates: set[int]) -> dict[int, dict]:
    """Reserves and their reference prices are read by everyone in the brain."""
    return {enterprise_id: without(event.payload) for enterprise_id in candidates}


def _the_member(event, candidates: set[int]) -> dict[int, dict]:
    """A share or a draw is its member's alone."""
    member = event.payload["member"]
    return {member: without(event.payload)} if member in candidates else {}


def _the_supplier(event, candidates: set[int]) -> dict[int, dict]:
    """A replenishment order is its supplier's (members do not read the brain's purchase prices)."""
    supplier = (Replenishment.objects.in_brain(event.brain_id).filter(pk=event.payload["replenishment"])
                .values_list("supplier_id", flat=True).first())
    return {supplier: without(event.payload)} if supplier in candidates else {}


RESERVE_EVENTS = {
    "reserve.created": (_everyone, _("A joint reserve was set up.")),
    "reserve.closed": (_everyone, _("A joint reserve was closed.")),
    "reserve.price_recorded": (_everyone, _("A reference price was recorded: a reserve's unit price changed.")),
    "reserve.share_committed": (_the_member, _("Your enterprise's share of a joint reserve was committed or "
                                               "changed.")),
    "reserve.drawn": (_the_member, _("Your enterprise drew from a joint reserve.")),
    "reserve.replenishment_opened": (_the_supplier, _("A joint reserve ordered a replenishment from your "
                                                      "enterprise.")),
    "reserve.replenished": (_the_supplier, _("A replenishment your enterprise delivered was received.")),
    "reserve.replenishment_cancelled": (_the_supplier, _("A replenishment ordered from your enterprise was "
                                                         "cancelled.")),
}


def register() -> None:
    webhook_event_type("group_buy.opened", audience=_readers,
                       description=_("A group purchase or sample group order opened for pledges."))
    for name, description in {
        "group_buy.locked": _("A campaign locked at the tier its total reached: orders and settlements are made."),
        "group_buy.extended": _("A campaign below its minimum was extended once."),
        "group_buy.awaiting_supplier": _("A campaign below its minimum waits for its suppliers to agree."),
        "group_buy.cancelled": _("A campaign was cancelled."),
        "group_buy.completed": _("Every member received its goods."),
    }.items():
        webhook_event_type(name, description=description, audience=_parties)
    webhook_event_type("group_buy.shipped", audience=_line_parties,
                       description=_("A supplier shipped part of a member's line."))
    webhook_event_type("group_buy.received", audience=_line_parties,
                       description=_("A member confirmed what arrived."))
    for name, (audience, description) in RESERVE_EVENTS.items():  # the joint-reserve event types
        webhook_event_type(name, description=description, audience=audience)
