"""The capacity-sharing events an enterprise may subscribe webhooks to, and who hears of each.

Each audience answers with the reads the API uses (capacity.selectors), so a webhook tells an enterprise only
of objects it could fetch with its key, and only their ids: the receiver reads the details through the API.
A sealed RFQ's buyer hears that a quote came, never from whom.
"""

from django.utils.translation import gettext_lazy as _

from capacity.selectors.rfqs import rfq_list
from capacity.models import MouldTrial, Project, PurchaseOrder, WorkOrder
from tenants.access import enterprise_access
from tenants.models import Brain
from tenants.webhooks import webhook_event_type, without


def _rfq_readers(event, candidates: set[int]) -> dict[int, dict]:
    """Everyone of the candidates who may read the RFQ: its buyer and the suppliers who may quote on it."""
    rfq_id, brain = event.payload["rfq"], Brain.objects.get(pk=event.brain_id)

    def reads(enterprise_id: int) -> bool:
        viewer = enterprise_access(brain=brain, enterprise_id=enterprise_id)
        return rfq_list(brain=brain, viewer=viewer).filter(pk=rfq_id).exists()

    return {enterprise_id: without(event.payload) for enterprise_id in candidates if reads(enterprise_id)}


def _newly_invited(event, candidates: set[int]) -> dict[int, dict]:
    return {enterprise_id: {"rfq": event.payload["rfq"]}
            for enterprise_id in candidates & set(event.payload["invited"])}


def _quote_parties(event, candidates: set[int]) -> dict[int, dict]:
    """The supplier reads its own quote; the buyer learns only that one came (quotes are sealed)."""
    supplier = enterprise_access(brain=event.brain_id, enterprise_id=event.payload["supplier"])
    rfq = rfq_list(brain=event.brain_id, viewer=supplier).filter(
        pk=event.payload["rfq"]).values("buyer_id").first()
    seen = {}
    if event.payload["supplier"] in candidates:
        seen[event.payload["supplier"]] = without(event.payload)
    if rfq and rfq["buyer_id"] in candidates:
        seen[rfq["buyer_id"]] = {"rfq": event.payload["rfq"]}
    return seen


def _award_parties(event, candidates: set[int]) -> dict[int, dict]:
    """The buyer reads the whole award; each winner its own purchase order and lines."""
    orders = list(PurchaseOrder.objects.in_brain(event.brain_id).filter(pk__in=event.payload["purchase_orders"])
                  .select_related("rfq"))
    seen = {}
    buyer_id = orders[0].rfq.buyer_id if orders else None
    if buyer_id in candidates:
        seen[buyer_id] = without(event.payload, "winners")
    lines = set(event.payload["lines"])
    for order in orders:
        if order.supplier_id in candidates:
            own_lines = sorted(set(order.awards.values_list("rfq_line_id", flat=True)) & lines)
            seen[order.supplier_id] = {"rfq": order.rfq_id, "purchase_orders": [order.pk], "lines": own_lines,
                                       "complete": event.payload["complete"]}
    return seen


def _work_order_parties(event, candidates: set[int]) -> dict[int, dict]:
    """The work order's buyer and supplier; the supplier does not read the buyer's project."""
    order = (WorkOrder.objects.in_brain(event.brain_id).filter(pk=event.payload["work_order"])
             .values("buyer_id", "supplier_id").first())
    if order is None:
        return {}
    seen = {}
    if order["buyer_id"] in candidates:
        seen[order["buyer_id"]] = without(event.payload)
    if order["supplier_id"] in candidates:
        seen[order["supplier_id"]] = without(event.payload, "project")
    return seen


def _project_buyer(event, candidates: set[int]) -> dict[int, dict]:
    project_id = event.payload.get("project")
    if project_id is None and "trial" in event.payload:
        project_id = MouldTrial.objects.in_brain(event.brain_id).values_list("project_id", flat=True).get(
            pk=event.payload["trial"])
    buyer_id = Project.objects.in_brain(event.brain_id).values_list("buyer_id", flat=True).filter(pk=project_id).first()
    return {buyer_id: without(event.payload)} if buyer_id in candidates else {}


RFQ_EVENTS = {
    "rfq.published": _("An RFQ you buy or may quote on was published."),
    "rfq.closed": _("Quoting on an RFQ ended (at its deadline or by the buyer)."),
    "rfq.cancelled": _("The buyer cancelled an RFQ."),
}
WORK_ORDER_EVENTS = {
    "work_order.accepted": _("The supplier accepted a work order."),
    "work_order.declined": _("The supplier declined a work order; its lines are to be awarded again."),
    "work_order.progress": _("The supplier reported progress on an operation of a work-order line."),
    "work_order.completed": _("Every line of a work order was accepted."),
    "work_order.rated": _("The buyer rated a completed work order."),
    "change_request.requested": _("One side asked to change a line's due date or quantity."),
    "change_request.accepted": _("A change of a line was accepted."),
    "change_request.rejected": _("A change of a line was rejected."),
    "change_request.withdrawn": _("A change of a line was withdrawn."),
    "delivery.recorded": _("The supplier recorded a delivery."),
    "delivery.inspected": _("The buyer inspected a delivered line (accepted, rejected or rework)."),
}
PROJECT_EVENTS = {
    "project.bom_imported": _("A BOM was imported into a project."),
    "mould_trial.scheduled": _("A mould trial was scheduled."),
    "mould_trial.recorded": _("A mould trial's result was recorded."),
    "mould_trial.cancelled": _("A mould trial was cancelled."),
}


def register() -> None:
    for name, description in RFQ_EVENTS.items():
        webhook_event_type(name, description=description, audience=_rfq_readers)
    webhook_event_type("rfq.invited", source="rfq.matched", audience=_newly_invited,
                       description=_("Matching invited your enterprise to quote on an RFQ."))
    webhook_event_type("quote.submitted", audience=_quote_parties,
                       description=_("A quote was submitted or revised (the buyer learns only that one came)."))
    webhook_event_type("rfq.awarded", audience=_award_parties,
                       description=_("Lines of an RFQ were awarded (a winner hears of its own lines)."))
    for name, description in WORK_ORDER_EVENTS.items():
        webhook_event_type(name, description=description, audience=_work_order_parties)
    webhook_event_type("delivery.accepted", source="delivery.inspected", audience=_work_order_parties,
                       when=lambda payload: payload.get("outcome") == "accepted",
                       description=_("The buyer accepted delivered pieces of a line."))
    for name, description in PROJECT_EVENTS.items():
        webhook_event_type(name, description=description, audience=_project_buyer)
