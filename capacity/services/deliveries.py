"""Delivery and acceptance (送货与验收): the supplier records what it delivered, the buyer inspects it.

The inspected delivery lines are the dated facts of the accepted value: each fixes the accepted pieces'
value (tax included, at the line's agreed price) and its VAT. The work order keeps their running totals
under its own lock, and completes when every line has its quantity accepted.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import Delivery, DeliveryLine, WorkOrder, WorkOrderLine
from capacity.services.ratings import supplier_record_refresh
from capacity.services.work_orders import (
    line_completion_refresh, lock_work_order, require_buyer_of, require_supplier_of,
    work_order_completion_check,
)
from ledger.money import vat_of_part
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import User
from tenants.outbox import event_record

MAX_NOTE_NUMBER = 40
MAX_TEXT = 500
INSPECTION_OUTCOMES = (DeliveryLine.Outcome.ACCEPTED, DeliveryLine.Outcome.REJECTED, DeliveryLine.Outcome.REWORK)


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@transaction.atomic
def delivery_record(*, work_order: WorkOrder, by: User, note_number: str, delivered_on: date,
                    lines: dict[int, int], note: str = "") -> Delivery:
    """The supplier records a delivery under its delivery note: pieces per line of this work order, each at most
    what the line still owes (never delivered, or rejected at inspection)."""
    with brain_context(work_order.brain_id):
        require_supplier_of(work_order, by)
        note_number, note = (note_number or "").strip(), (note or "").strip()
        if not note_number:
            raise DomainError(_("Give the delivery note number."), code="required", field="note_number")
        if len(note_number) > MAX_NOTE_NUMBER:
            raise DomainError(_("A delivery note number has at most 40 characters."), field="note_number")
        if len(note) > MAX_TEXT:
            raise DomainError(_("Keep the note under 500 characters."), field="note")
        if not isinstance(delivered_on, date):
            raise DomainError(_("Give the delivery date."), code="required", field="delivered_on")
        if delivered_on > timezone.localdate():
            raise DomainError(_("The delivery date cannot be in the future."), field="delivered_on")
        if not lines:
            raise DomainError(_("Deliver at least one line."), code="required", field="lines")
        if not all(_is_count(q) for q in lines.values()) or any(q < 1 for q in lines.values()):
            raise DomainError(_("Each quantity must be a whole number of at least 1."), field="lines")
        work_order = lock_work_order(work_order)  # lock order: work order, then its lines
        if work_order.status != WorkOrder.Status.ACCEPTED:
            raise DomainError(_("Deliveries can be recorded only on a work order in production."),
                              code="invalid_state")
        if work_order.decided_at and delivered_on < timezone.localdate(work_order.decided_at):
            raise DomainError(_("The delivery date cannot be before the work order was accepted."),
                              field="delivered_on")
        rows = {line.pk: line for line in WorkOrderLine.objects.in_brain(work_order.brain_id).select_for_update()
                .filter(work_order=work_order, pk__in=list(lines)).select_related("part").order_by("pk")}
        if len(rows) != len(lines):
            raise DomainError(_("Only lines of this work order can be delivered."), code="not_found", field="lines")
        for line_id, quantity in lines.items():
            line = rows[line_id]
            if quantity > line.outstanding_quantity:
                raise DomainError(_("%(part)s: at most %(n)s pieces are still owed.") % {
                    "part": line.part.part_no, "n": line.outstanding_quantity}, code="over_delivery", field="lines")
        if Delivery.objects.in_brain(work_order.brain_id).filter(work_order=work_order,
                                                                 note_number=note_number).exists():
            raise DomainError(_("Delivery note %(number)s is already recorded on this work order.") % {
                "number": note_number}, code="duplicate", field="note_number")
        delivery = Delivery.objects.create(brain_id=work_order.brain_id, work_order=work_order,
                                           note_number=note_number, delivered_on=delivered_on, note=note,
                                           recorded_by=by)
        DeliveryLine.objects.bulk_create(
            DeliveryLine(brain_id=work_order.brain_id, delivery=delivery, line=rows[line_id], quantity=quantity)
            for line_id, quantity in sorted(lines.items()))
        for line_id, quantity in lines.items():
            rows[line_id].delivered_quantity += quantity
        WorkOrderLine.objects.bulk_update(rows.values(), ["delivered_quantity"])
        event_record(brain_id=work_order.brain_id, name="delivery.recorded", payload={
            "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": work_order.rfq.project_id,
            "delivery": delivery.pk, "lines": sorted(lines)})
        return delivery


@transaction.atomic
def delivery_inspect(*, delivery_line: DeliveryLine, by: User, outcome: str, rejected_quantity: int = 0,
                     reason: str = "", inspected_on: date | None = None) -> DeliveryLine:
    """The buyer inspects one delivered line, once: all accepted; or some pieces rejected (to be made again) or
    sent back for rework, with a reason, the rest accepted. The accepted pieces' value goes on the row and on
    the work order's running totals; a line whose quantity is all accepted is complete, and so is the work
    order when every line is."""
    with brain_context(delivery_line.brain_id):
        delivery = Delivery.objects.in_brain(delivery_line.brain_id).select_related("work_order").get(
            pk=delivery_line.delivery_id)
        work_order = delivery.work_order
        require_buyer_of(work_order, by)
        reason = (reason or "").strip()
        if outcome not in INSPECTION_OUTCOMES:
            raise DomainError(_("The outcome is accepted, rejected or rework."), field="outcome")
        if not _is_count(rejected_quantity):
            raise DomainError(_("The rejected quantity must be a whole number."), field="rejected_quantity")
        if outcome == DeliveryLine.Outcome.ACCEPTED:
            if rejected_quantity:
                raise DomainError(_("Accepting takes every piece: choose rejected or rework to refuse some."),
                                  field="rejected_quantity")
        else:
            if not 1 <= rejected_quantity <= delivery_line.quantity:
                raise DomainError(_("Between 1 and %(n)s pieces can be refused.") % {"n": delivery_line.quantity},
                                  field="rejected_quantity")
            if not reason:
                raise DomainError(_("Say why the pieces are refused."), code="required", field="reason")
        if len(reason) > MAX_TEXT:
            raise DomainError(_("Keep the reason under 500 characters."), field="reason")
        today = timezone.localdate()
        inspected_on = inspected_on or today
        if not isinstance(inspected_on, date) or inspected_on > today:
            raise DomainError(_("The inspection date cannot be in the future."), field="inspected_on")
        if inspected_on < delivery.delivered_on:
            raise DomainError(_("The inspection date cannot be before the delivery date."), field="inspected_on")
        # lock order: work order, then line, then the delivery line
        work_order = lock_work_order(work_order)
        line = WorkOrderLine.objects.in_brain(work_order.brain_id).select_for_update().get(pk=delivery_line.line_id)
        delivery_line = DeliveryLine.objects.in_brain(work_order.brain_id).select_for_update().get(pk=delivery_line.pk)
        if delivery_line.outcome != DeliveryLine.Outcome.PENDING:
            raise DomainError(_("These pieces were already inspected (%(outcome)s).") % {
                "outcome": delivery_line.get_outcome_display()}, code="already_inspected")
        # A completed work order may still hold pieces delivered beyond a reduced quantity: they can be refused.
        if work_order.status not in (WorkOrder.Status.ACCEPTED, WorkOrder.Status.COMPLETED):
            raise DomainError(_("Deliveries can be inspected only on a work order in production."),
                              code="invalid_state")
        accepted = delivery_line.quantity - rejected_quantity
        if line.accepted_quantity + accepted > line.quantity:  # the line's quantity was reduced after delivery
            raise DomainError(_("Only %(n)s more pieces of this line can be accepted: refuse the rest.") % {
                "n": line.quantity - line.accepted_quantity}, code="over_quantity", field="rejected_quantity")
        # VAT on the line's running total (ledger.money): the inspections' VAT adds up to the VAT of what was
        # accepted, to the fen, whatever the number of inspections
        before = line.accepted_quantity * line.unit_price
        amount = accepted * line.unit_price
        tax = vat_of_part(before=before, part=amount, vat_rate=line.vat_rate)
        delivery_line.outcome, delivery_line.reason = outcome, reason
        delivery_line.accepted_quantity, delivery_line.rejected_quantity = accepted, rejected_quantity
        delivery_line.amount, delivery_line.tax = amount, tax
        delivery_line.accepted_on, delivery_line.inspected_by, delivery_line.inspected_at = inspected_on, by, timezone.now()
        delivery_line.save()

        line.accepted_quantity += accepted
        line.rejected_quantity += rejected_quantity
        line_completion_refresh(line)
        line.save(update_fields=["accepted_quantity", "rejected_quantity", "completed_on", "on_time"])

        work_order.accepted_amount += amount
        work_order.accepted_tax += tax
        if accepted and (work_order.last_accepted_on is None or inspected_on > work_order.last_accepted_on):
            work_order.last_accepted_on = inspected_on
        work_order.save()
        event_record(brain_id=work_order.brain_id, name="delivery.inspected", payload={
            "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": work_order.rfq.project_id,
            "delivery": delivery.pk, "delivery_line": delivery_line.pk, "line": line.pk, "outcome": outcome,
            "accepted": accepted, "rejected": rejected_quantity})
        work_order_completion_check(work_order)

        supplier_record_refresh(brain_id=work_order.brain_id, supplier_id=work_order.supplier_id)
        return delivery_line
