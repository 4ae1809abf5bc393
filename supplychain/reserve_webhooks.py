"""The joint-reserve events an enterprise may subscribe webhooks to, and who hears of each (the readers the API
has: supplychain.reserve_selectors). Registered by `register()`, to be called from SupplychainConfig.ready."""

from django.utils.translation import gettext_lazy as _

from supplychain.models import Replenishment
from tenants.webhooks import webhook_event_type, without


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


EVENTS = {
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
    for name, (audience, description) in EVENTS.items():
        webhook_event_type(name, description=description, audience=audience)
