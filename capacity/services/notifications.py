"""Who hears of what in capacity sharing: in-app notifications (and e-mail) made from domain events."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models import (
    ChangeRequest, Delivery, DeliveryLine, Invitation, MouldTrial, PurchaseOrder, Quote, Rfq, SupplierRating,
    WorkOrder,
)
from tenants.context import brain_context
from tenants.models import NOTIFICATION_TITLES, OutboxEvent, User
from tenants.services.notifications import tell as _tell

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


def notifications_from_event(*, brain_id: int, event_id: int) -> list:
    """Make the notifications an event calls for. Safe to run twice: no second notification or e-mail."""
    with brain_context(brain_id):
        return _notifications(OutboxEvent.objects.in_brain(brain_id).get(pk=event_id))


def _notifications(event: OutboxEvent) -> list:
    brain_id = event.brain_id
    if event.name.startswith("change_request."):
        return _change_request_notifications(event)
    if event.name in DELIVERY_EVENTS:
        return _delivery_notifications(event)
    if event.name.startswith("mould_trial."):
        return _trial_notifications(event)
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


# --- Change requests (after award: due date or quantity) ------------------------------------------

NOTIFICATION_TITLES.update({
    "change_request.requested": _("%(enterprise)s asks to change %(part)s on work order %(po)s"),
    "change_request.accepted": _("%(enterprise)s accepted your change of %(part)s on work order %(po)s"),
    "change_request.rejected": _("%(enterprise)s rejected your change of %(part)s on work order %(po)s"),
    "change_request.withdrawn": _("%(enterprise)s withdrew its change of %(part)s on work order %(po)s"),
})


def _change_request_notifications(event: OutboxEvent) -> list:
    """The other side hears of a request (in-app and e-mail) and of its withdrawal; the asking side hears of
    the decision (in-app)."""
    change = (ChangeRequest.objects.in_brain(event.brain_id)
              .select_related("line__part", "line__work_order__purchase_order", "line__work_order__buyer",
                              "line__work_order__supplier", "brain")
              .get(pk=event.payload["change_request"]))
    work_order = change.line.work_order
    asking_buyer = change.side == ChangeRequest.Side.BUYER
    asking, other = ((work_order.buyer, work_order.supplier) if asking_buyer
                     else (work_order.supplier, work_order.buyer))
    to_other = event.name in ("change_request.requested", "change_request.withdrawn")
    params = {"enterprise": str(asking if to_other else other), "part": change.line.part.part_no,
              "po": work_order.purchase_order.number,
              "note": change.reason if event.name == "change_request.requested" else change.response}
    link = f"/b/{change.brain.slug}/capacity/work-orders/{work_order.pk}/#line-{change.line_id}"
    told = other if to_other else asking
    return _tell(event, _users_of([told.pk]), params, link, email=event.name == "change_request.requested")


# --- Remote mould trials ---------------------------------------------------------------------------------

NOTIFICATION_TITLES.update({
    "mould_trial.scheduled": _("Mould trial T%(number)s of %(project)s is scheduled for %(when)s at %(location)s"),
    "mould_trial.recorded.pass": _("Mould trial T%(number)s of %(project)s passed"),
    "mould_trial.recorded.modify": _("Mould trial T%(number)s of %(project)s: the mould needs modifying"),
    "mould_trial.cancelled": _("Mould trial T%(number)s of %(project)s was cancelled"),
})


def _trial_notifications(event: OutboxEvent) -> list:
    """The buyer's colleagues (not the one who acted) hear when a trial is scheduled, what it concluded (the
    defects as the note) and when it is called off, in-app and by e-mail: they attend or follow it remotely.
    Modifications show on the project board and notify nobody."""

    if event.name not in ("mould_trial.scheduled", "mould_trial.recorded", "mould_trial.cancelled"):
        return []
    trial = (MouldTrial.objects.in_brain(event.brain_id).select_related("project", "brain")
             .get(pk=event.payload["trial"]))
    params = {"number": trial.number, "project": f"{trial.project.code} {trial.project.name}",
              "when": timezone.localtime(trial.scheduled_at).strftime("%Y-%m-%d %H:%M"), "location": trial.location}
    kind = None
    if event.name == "mould_trial.recorded":
        kind = f"mould_trial.recorded.{trial.conclusion}"
        params["note"] = trial.defects
    elif event.name == "mould_trial.cancelled":
        params["note"] = event.payload.get("reason", "")
    colleagues = _users_of([trial.project.buyer_id]).exclude(pk=event.payload.get("by"))
    link = f"/b/{trial.brain.slug}/capacity/trials/{trial.pk}/"
    return _tell(event, colleagues, params, link, kind=kind, email=True)


# --- Delivery, acceptance, completion, rating -------------------------------------------------------

DELIVERY_EVENTS = ("delivery.recorded", "delivery.inspected", "work_order.completed", "work_order.rated")

NOTIFICATION_TITLES.update({
    "delivery.recorded": _("%(supplier)s delivered %(note_number)s on work order %(po)s: inspect the pieces"),
    "delivery.inspected.accepted": _("%(buyer)s accepted %(accepted)s pieces of %(part)s (delivery %(note_number)s)"),
    "delivery.inspected.rejected": _("%(buyer)s rejected %(rejected)s pieces of %(part)s (delivery "
                                     "%(note_number)s): make them again"),
    "delivery.inspected.rework": _("%(buyer)s sent %(rejected)s pieces of %(part)s back for rework (delivery "
                                   "%(note_number)s)"),
    "work_order.completed": _("Work order %(po)s is completed: every line was accepted"),
    "work_order.rated": _("%(buyer)s rated work order %(po)s: %(score)s of 5"),
})


def _delivery_notifications(event: OutboxEvent) -> list:
    """The buyer hears of a delivery; the supplier of each inspection (by e-mail too when pieces are refused,
    with the reason), of its work order's completion and of its rating."""
    work_order = (WorkOrder.objects.in_brain(event.brain_id)
                  .select_related("purchase_order", "buyer", "supplier", "brain").get(pk=event.payload["work_order"]))
    link = f"/b/{work_order.brain.slug}/capacity/work-orders/{work_order.pk}/deliveries/"
    params = {"po": work_order.purchase_order.number, "buyer": str(work_order.buyer),
              "supplier": str(work_order.supplier)}
    buyers, suppliers = _users_of([work_order.buyer_id]), _users_of([work_order.supplier_id])
    if event.name == "delivery.recorded":
        delivery = Delivery.objects.in_brain(event.brain_id).get(pk=event.payload["delivery"])
        return _tell(event, buyers, {**params, "note_number": delivery.note_number}, link)
    if event.name == "delivery.inspected":
        row = (DeliveryLine.objects.in_brain(event.brain_id).select_related("delivery", "line__part")
               .get(pk=event.payload["delivery_line"]))
        told = {**params, "note_number": row.delivery.note_number, "part": row.line.part.part_no,
                "accepted": row.accepted_quantity, "rejected": row.rejected_quantity, "note": row.reason}
        refused = row.outcome != DeliveryLine.Outcome.ACCEPTED
        return _tell(event, suppliers, told, link, kind=f"delivery.inspected.{row.outcome}", email=refused)
    if event.name == "work_order.completed":
        return _tell(event, suppliers, params, link)
    rating = SupplierRating.objects.in_brain(event.brain_id).get(pk=event.payload["rating"])
    return _tell(event, suppliers, {**params, "score": f"{rating.score:.2f}", "note": rating.comment}, link)
