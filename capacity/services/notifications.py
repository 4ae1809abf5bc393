"""Who hears of what in capacity sharing: in-app notifications (and e-mail) made from domain events."""

import logging

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from capacity.models import Invitation, PurchaseOrder, Quote, Rfq, WorkOrder
from tenants.context import brain_context
from tenants.models import NOTIFICATION_TITLES, Notification, OutboxEvent, User
from tenants.services import notify

logger = logging.getLogger("industry_brain.mail")

NOTIFICATION_TITLES.update({
    "rfq.invited": _("You are invited to quote on %(rfq)s"),
    "rfq.cancelled": _("%(rfq)s was cancelled by the buyer"),
    "rfq.closed": _("Quoting on %(rfq)s has ended: compare the quotes"),
    "work_order.accepted": _("%(supplier)s accepted its work order of %(rfq)s"),
    "work_order.declined": _("%(supplier)s declined its work order of %(rfq)s: award those lines again"),
    "rfq.matched": _("New RFQ %(rfq)s matches your capabilities"),
    "quote.submitted": _("A quote arrived on %(rfq)s"),
    "rfq.awarded.won": _("You won %(lines)s line(s) of %(rfq)s: purchase order %(po)s"),
    "rfq.awarded.lost": _("%(rfq)s was awarded to other suppliers"),
    "rfq.recommendation_ready": _("The award recommendation for %(rfq)s is ready"),
})


def _users_of(enterprise_ids):
    return User.objects.filter(enterprise_id__in=list(enterprise_ids), is_active=True)


def _email(users, kind: str, params: dict, link: str) -> None:
    with translation.override("zh-hans"):  # the cluster's language; the page itself follows the reader
        subject = str(NOTIFICATION_TITLES[kind]) % params
    for user in users:  # one message each: competing suppliers must not see each other's addresses
        if user.email:
            try:
                send_mail(subject, f"{subject}\n\n{link}", None, [user.email])
            except Exception as error:  # the in-app notification stands; a mail server outage must not undo it
                logger.warning("could not e-mail %s: %s", user.email, error)


def notifications_from_event(*, brain_id: int, event_id: int) -> list:
    """Make the notifications an event calls for. Safe to run twice: no second notification or e-mail."""
    with brain_context(brain_id):
        return _notifications(OutboxEvent.objects.in_brain(brain_id).get(pk=event_id))


def _tell(event: OutboxEvent, users, params: dict, link: str, *, kind: str | None = None, email: bool = False) -> list:
    """In-app notifications for `users` (once per event), and an e-mail to those not told before."""
    users = list(users)
    told = set(Notification.objects.in_brain(event.brain_id).filter(event=event).values_list("user_id", flat=True))
    made = notify(event=event, users=users, params=params, link=link, kind=kind)
    if email:
        _email([u for u in users if u.pk not in told], kind or event.name, params, link)
    return made


def _notifications(event: OutboxEvent) -> list:
    brain_id = event.brain_id
    rfq = Rfq.objects.in_brain(brain_id).select_related("brain").get(pk=event.payload["rfq"])
    slug = rfq.brain.slug
    buyer_link = f"/b/{slug}/capacity/rfqs/{rfq.pk}/"
    supplier_link = f"/b/{slug}/capacity/quote/{rfq.pk}/"
    params = {"rfq": f"{rfq.number} {rfq.title}"}
    if event.name == "rfq.published":  # the suppliers the buyer invited by name
        invited = Invitation.objects.in_brain(brain_id).filter(rfq=rfq, source=Invitation.Source.BUYER)
        return _tell(event, _users_of(invited.values_list("supplier_id", flat=True)), params, supplier_link,
                     kind="rfq.invited", email=True)
    if event.name == "rfq.matched":
        return _tell(event, _users_of(event.payload["invited"]), params, supplier_link, email=True)
    if event.name == "rfq.closed" and event.payload.get("at_deadline"):
        return _tell(event, _users_of([rfq.buyer_id]), params, buyer_link, email=True)
    if event.name in ("work_order.accepted", "work_order.declined"):
        work_order = WorkOrder.objects.in_brain(brain_id).select_related("supplier").get(pk=event.payload["work_order"])
        told = {**params, "supplier": str(work_order.supplier), "note": work_order.decline_reason}
        return _tell(event, _users_of([rfq.buyer_id]), told, buyer_link, email=event.name == "work_order.declined")
    if event.name in ("quote.submitted", "rfq.recommendation_ready"):
        return _tell(event, _users_of([rfq.buyer_id]), params, buyer_link)
    if event.name == "rfq.cancelled":  # everyone who quoted or was invited stops working on it
        involved = set(Quote.objects.in_brain(brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True))
        involved |= set(Invitation.objects.in_brain(brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True))
        return _tell(event, _users_of(involved), params, supplier_link)
    if event.name == "rfq.awarded":
        made = []
        for order in PurchaseOrder.objects.in_brain(brain_id).filter(pk__in=event.payload["purchase_orders"]):
            lines = order.awards.filter(rfq_line_id__in=event.payload["lines"]).count()
            won = {**params, "lines": lines, "po": order.number}
            made += _tell(event, _users_of([order.supplier_id]), won, supplier_link, kind="rfq.awarded.won", email=True)
        if event.payload.get("complete"):
            winners = set(PurchaseOrder.objects.in_brain(brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True))
            quoted = set(Quote.objects.in_brain(brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True))
            made += _tell(event, _users_of(quoted - winners), params, supplier_link, kind="rfq.awarded.lost")
        return made
    return []
