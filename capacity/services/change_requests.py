"""Change requests: after award, one side asks to change a line's due date or quantity, the other decides.

Either the buyer or the supplier of a work order in production may ask; the side is taken from who asks.
At most one request per line waits at a time (the database holds it too). Only the other side accepts or
rejects; only the asking side withdraws. Accepting applies the change to the work-order line; the
request rows, with the old and the new values, are the line's history of changes.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import ChangeRequest, WorkOrder, WorkOrderLine
from capacity.services.ratings import supplier_record_refresh
from capacity.services.work_orders import (
    line_completion_refresh, lock_work_order, work_order_completion_check,
)
from tenants.access import require_member_role
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import User
from tenants.outbox import event_record

MAX_TEXT = 500
MAX_QUANTITY = 10_000_000


def side_of(work_order: WorkOrder, by: User) -> str:
    """The side `by` acts for on this work order (buyer or supplier), with that role in the brain; else
    NotAllowed."""
    if by.enterprise_id and by.enterprise_id == work_order.buyer_id:
        require_member_role(brain=work_order.brain, user=by, role="buyer")
        return ChangeRequest.Side.BUYER
    if by.enterprise_id and by.enterprise_id == work_order.supplier_id:
        require_member_role(brain=work_order.brain, user=by, role="supplier")
        return ChangeRequest.Side.SUPPLIER
    raise NotAllowed(_("Only the buyer or the supplier of this work order may do this."))


def _lock_line(line: WorkOrderLine) -> WorkOrderLine:
    return WorkOrderLine.objects.in_brain(line.brain_id).select_for_update().get(pk=line.pk)


def _lock_request(change: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.in_brain(change.brain_id).select_for_update().get(pk=change.pk)


def _event(change: ChangeRequest, line: WorkOrderLine, work_order: WorkOrder, name: str) -> None:
    event_record(brain_id=change.brain_id, name=name, payload={
        "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": line.part.project_id, "line": line.pk,
        "change_request": change.pk, "side": change.side})


def _check_quantity(quantity: int, line: WorkOrderLine) -> None:
    if quantity < 1 or quantity > MAX_QUANTITY:
        raise DomainError(_("The quantity must be at least 1."), field="new_quantity")
    if quantity < line.accepted_quantity:
        raise DomainError(_("%(n)s pieces were accepted already: the quantity cannot be less.") % {
            "n": line.accepted_quantity}, field="new_quantity")


def _check_open(line: WorkOrderLine) -> None:
    """A complete line's facts are final (its on-time record, its accepted value): more pieces are a new order."""
    if line.is_complete:
        raise DomainError(_("This line is complete: its due date and quantity can no longer change."),
                          code="line_complete", field="line")


def _check_due_date(due_date) -> None:
    if due_date < timezone.localdate():
        raise DomainError(_("The new due date is in the past."), field="new_due_date")


@transaction.atomic
def change_request_ask(*, line: WorkOrderLine, by: User, reason: str, new_due_date=None,
                       new_quantity: int | None = None) -> ChangeRequest:
    """Ask the other side to change the line's due date, its quantity, or both."""
    with brain_context(line.brain_id):
        work_order = WorkOrder.objects.in_brain(line.brain_id).get(pk=line.work_order_id)
        side = side_of(work_order, by)
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Say why the change is needed."), code="required", field="reason")
        if len(reason) > MAX_TEXT:
            raise DomainError(_("Keep it under 500 characters."), field="reason")
        if new_due_date is not None:
            _check_due_date(new_due_date)
        if new_quantity is not None:
            _check_quantity(new_quantity, line)
        work_order = lock_work_order(work_order)  # lock order: work order, then line
        if work_order.status != WorkOrder.Status.ACCEPTED:
            raise DomainError(_("Changes can be asked only while the work order is in production."),
                              code="invalid_state")
        line = _lock_line(line)
        _check_open(line)
        if new_quantity is not None:
            _check_quantity(new_quantity, line)  # inspections may have accepted more since it was read
        if new_due_date == line.due_date:
            new_due_date = None
        if new_quantity == line.quantity:
            new_quantity = None
        if new_due_date is None and new_quantity is None:
            raise DomainError(_("Give a new due date or a new quantity different from the current ones."),
                              code="nothing_to_change", field="new_due_date")
        if ChangeRequest.objects.in_brain(line.brain_id).filter(line=line, status=ChangeRequest.Status.PENDING).exists():
            raise _already_pending()
        try:
            with transaction.atomic():  # a savepoint: the constraint is the last word if the lock were bypassed
                change = ChangeRequest.objects.create(
                    brain_id=line.brain_id, line=line, side=side, old_due_date=line.due_date,
                    new_due_date=new_due_date, old_quantity=line.quantity, new_quantity=new_quantity,
                    reason=reason, requested_by=by)
        except IntegrityError as error:
            if "one_pending_change_per_line" in str(error):
                raise _already_pending() from error
            raise
        _event(change, line, work_order, "change_request.requested")
        return change


def _already_pending() -> DomainError:
    return DomainError(_("A change of this line is already waiting for an answer: wait for it, or withdraw it."),
                       code="change_pending", field="line")


def _decide(change: ChangeRequest, by: User, *, asking_side: bool) -> tuple[ChangeRequest, WorkOrderLine, WorkOrder]:
    """Check who decides, then lock work order → line → request (the order every writer of a line takes)."""
    line = WorkOrderLine.objects.in_brain(change.brain_id).get(pk=change.line_id)
    work_order = WorkOrder.objects.in_brain(change.brain_id).get(pk=line.work_order_id)
    side = side_of(work_order, by)
    if asking_side and side != change.side:
        raise NotAllowed(_("Only the side that asked for the change may withdraw it."))
    if not asking_side and side == change.side:
        raise NotAllowed(_("The other side decides on a change you asked for."))
    work_order = lock_work_order(work_order)
    line = _lock_line(line)
    change = _lock_request(change)
    if change.status != ChangeRequest.Status.PENDING:
        raise DomainError(_("This change request was already %(status)s.") % {
            "status": change.get_status_display()}, code="invalid_state")
    return change, line, work_order


def _response(response: str) -> str:
    response = (response or "").strip()
    if len(response) > MAX_TEXT:
        raise DomainError(_("Keep it under 500 characters."), field="response")
    return response


@transaction.atomic
def change_request_accept(*, change: ChangeRequest, by: User, response: str = "") -> ChangeRequest:
    """The other side agrees: the line takes the new due date and/or quantity; the request keeps the old."""
    with brain_context(change.brain_id):
        response = _response(response)
        change, line, work_order = _decide(change, by, asking_side=False)
        if work_order.status != WorkOrder.Status.ACCEPTED:
            raise DomainError(_("Changes can be accepted only while the work order is in production."),
                              code="invalid_state")
        _check_open(line)
        if change.new_due_date is not None:
            _check_due_date(change.new_due_date)
        if change.new_quantity is not None:
            _check_quantity(change.new_quantity, line)
        change.old_due_date, change.old_quantity = line.due_date, line.quantity  # what the change replaced
        if change.new_due_date is not None:
            line.due_date = change.new_due_date
        if change.new_quantity is not None:
            line.quantity = change.new_quantity
        line_completion_refresh(line)  # a quantity lowered to the pieces accepted completes the line
        line.save(update_fields=["due_date", "quantity", "completed_on", "on_time"])
        change.accept()
        change.decided_by, change.decided_at, change.response = by, timezone.now(), response
        change.save()
        _event(change, line, work_order, "change_request.accepted")
        if line.is_complete:
            work_order_completion_check(work_order)
            supplier_record_refresh(brain_id=work_order.brain_id, supplier_id=work_order.supplier_id)
        return change


@transaction.atomic
def change_request_reject(*, change: ChangeRequest, by: User, response: str = "") -> ChangeRequest:
    """The other side refuses, saying why; the line stays as it is."""
    with brain_context(change.brain_id):
        response = _response(response)
        if not response:
            raise DomainError(_("Say why you reject the change."), code="required", field="response")
        change, line, work_order = _decide(change, by, asking_side=False)
        change.reject()
        change.decided_by, change.decided_at, change.response = by, timezone.now(), response
        change.save()
        _event(change, line, work_order, "change_request.rejected")
        return change


@transaction.atomic
def change_request_withdraw(*, change: ChangeRequest, by: User) -> ChangeRequest:
    """The asking side takes its request back before the other side has decided."""
    with brain_context(change.brain_id):
        change, line, work_order = _decide(change, by, asking_side=True)
        change.withdraw()
        change.decided_by, change.decided_at = by, timezone.now()
        change.save()
        _event(change, line, work_order, "change_request.withdrawn")
        return change
