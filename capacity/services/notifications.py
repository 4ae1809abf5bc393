"""Who hears of what in capacity sharing: in-app notifications (and e-mail) made from domain events."""

import logging

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from capacity.models import PurchaseOrder, Quote, Rfq
from tenants.models import NOTIFICATION_TITLES, OutboxEvent, User
from tenants.services import notify

logger = logging.getLogger("industry_brain.mail")

NOTIFICATION_TITLES.update({
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


def notifications_from_event(*, event_id: int) -> list:
    """Make the notifications an event calls for. Safe to run twice."""
    event = OutboxEvent.objects.get(pk=event_id)  # the caller entered its brain
    rfq = Rfq.objects.select_related("brain").get(pk=event.payload["rfq"])
    slug = rfq.brain.slug
    buyer_link = f"/b/{slug}/capacity/rfqs/{rfq.pk}/"
    supplier_link = f"/b/{slug}/capacity/quote/{rfq.pk}/"
    params = {"rfq": f"{rfq.number} {rfq.title}"}
    if event.name == "rfq.matched":
        users = list(_users_of(event.payload["invited"]))
        _email(users, "rfq.matched", params, supplier_link)
        return notify(event=event, users=users, params=params, link=supplier_link)
    if event.name in ("quote.submitted", "rfq.recommendation_ready"):
        return notify(event=event, users=_users_of([rfq.buyer_id]), params=params, link=buyer_link)
    if event.name == "rfq.awarded":
        made = []
        for order in PurchaseOrder.objects.in_brain(rfq.brain_id).filter(pk__in=event.payload["purchase_orders"]):
            lines = order.awards.filter(rfq_line_id__in=event.payload["lines"]).count()
            users = list(_users_of([order.supplier_id]))
            won = {**params, "lines": lines, "po": order.number}
            _email(users, "rfq.awarded.won", won, supplier_link)
            made += notify(event=event, users=users, params=won, link=supplier_link, kind="rfq.awarded.won")
        if event.payload.get("complete"):
            winners = set(PurchaseOrder.objects.in_brain(rfq.brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True))
            losers = set(Quote.objects.in_brain(rfq.brain_id).filter(rfq=rfq).values_list("supplier_id", flat=True)) - winners
            made += notify(event=event, users=_users_of(losers), params=params, link=supplier_link,
                           kind="rfq.awarded.lost")
        return made
    return []
