"""Who hears of what in pooled buying: in-app notifications (and e-mail for what asks for action)."""

from django.utils.translation import gettext_lazy as _

from supplychain.models import GroupBuy, GroupBuySupplier, Pledge, SupplyOrderLine
from tenants.context import brain_context
from tenants.models import NOTIFICATION_TITLES, Membership, OutboxEvent, User
from tenants.services.notifications import tell

NOTIFICATION_TITLES.update({
    "group_buy.opened": _("New campaign %(campaign)s: pledge by %(deadline)s"),
    "group_buy.locked": _("%(campaign)s is locked at ¥%(price)s per %(unit)s"),
    "group_buy.locked.supplier": _("%(campaign)s is locked: your order of %(quantity)s %(unit)s"),
    "group_buy.extended": _("%(campaign)s did not reach its minimum: pledging is extended to %(deadline)s"),
    "group_buy.cancelled": _("%(campaign)s was cancelled"),
    "group_buy.awaiting_supplier": _("%(campaign)s is below its minimum: will you proceed at ¥%(price)s?"),
    "group_buy.shipped": _("%(campaign)s: a shipment to you is on its way"),
    "group_buy.received": _("%(campaign)s: a member confirmed receipt"),
})


def _users(enterprise_ids):
    return User.objects.filter(enterprise_id__in=list(enterprise_ids), is_active=True)


def notifications_from_event(*, brain_id: int, event_id: int) -> list:
    """Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        group_buy = GroupBuy.objects.in_brain(brain_id).get(pk=event.payload["group_buy"])
        params = {"campaign": f"{group_buy.number} {group_buy.title}", "unit": group_buy.unit,
                  "deadline": f"{group_buy.deadline:%Y-%m-%d %H:%M}", "price": str(group_buy.locked_price or ""),
                  "note": group_buy.cancel_reason}
        link = f"/b/{event.brain.slug}/supply/{group_buy.pk}/"
        pledgers = Pledge.objects.in_brain(brain_id).filter(group_buy=group_buy, status=Pledge.Status.ACTIVE
                                                            ).values_list("member_id", flat=True)
        suppliers = GroupBuySupplier.objects.in_brain(brain_id).filter(group_buy=group_buy
                                                                       ).values_list("supplier_id", flat=True)
        name = event.name
        if name == "group_buy.opened":
            buyers = Membership.objects.in_brain(brain_id).filter(status=Membership.Status.ACTIVE,
                                                                  roles__contains=["buyer"]).values_list("enterprise_id", flat=True)
            return tell(event, _users(buyers), params, link)
        if name == "group_buy.locked":
            made = tell(event, _users(pledgers), params, link, email=True)
            for order in group_buy.orders.all():
                made += tell(event, _users([order.supplier_id]), {**params, "quantity": str(order.quantity.normalize())},
                              link, kind="group_buy.locked.supplier", email=True)
            return made
        if name in ("group_buy.extended", "group_buy.cancelled"):
            return tell(event, _users([*pledgers, *suppliers]), params, link, email=True)
        if name == "group_buy.awaiting_supplier":
            return tell(event, _users(suppliers), {**params, "price": event.payload["price"]}, link, email=True)
        if name in ("group_buy.shipped", "group_buy.received"):
            line = SupplyOrderLine.objects.in_brain(brain_id).select_related("order").get(pk=event.payload["line"])
            told = line.member_id if name == "group_buy.shipped" else line.order.supplier_id
            return tell(event, _users([told]), params, link)
        return []
