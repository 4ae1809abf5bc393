"""Work orders: the supplier accepts or declines what it won, then reports progress per operation."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_fsm import can_proceed

from capacity.models import (
    Award, DeliveryLine, Operation, ProgressReport, PurchaseOrder, Rfq, TrialModification, WorkOrder,
    WorkOrderLine,
)
from capacity.selectors.work_orders import work_order_line_list, work_order_list
from capacity.services.attachments import Upload, attachments_check, attachments_store
from capacity.services.rfqs import lock_rfq
from tenants.access import enterprise_access, require_member_role
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, User
from tenants.outbox import event_record


def work_order_issue(*, order: PurchaseOrder, awards: list[Award]) -> WorkOrder:
    """Called by award_lines, in its transaction: the purchase order's work order gets the new lines."""
    work_order, _created = WorkOrder.objects.get_or_create(
        brain_id=order.brain_id, purchase_order=order,
        defaults={"rfq_id": order.rfq_id, "buyer_id": order.rfq.buyer_id, "supplier_id": order.supplier_id},
    )
    WorkOrderLine.objects.bulk_create(
        WorkOrderLine(brain_id=order.brain_id, work_order=work_order, award=award, part_id=award.rfq_line.part_id,
                      operation_id=award.rfq_line.operation_id, quantity=award.quantity,
                      unit_price=award.unit_price, vat_rate=award.vat_rate, due_date=award.rfq_line.due_date)
        for award in awards
    )
    return work_order


def lock_work_order(work_order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.in_brain(work_order.brain_id).select_for_update().get(pk=work_order.pk)


def require_buyer_of(work_order: WorkOrder, by: User) -> None:
    require_member_role(brain=work_order.brain, user=by, role="buyer")
    if by.enterprise_id != work_order.buyer_id:
        raise NotAllowed(_("Only the buyer of this work order may do this."))


def require_supplier_of(work_order: WorkOrder, by: User) -> None:
    require_member_role(brain=work_order.brain, user=by, role="supplier")
    if by.enterprise_id != work_order.supplier_id:
        raise NotAllowed(_("Only the supplier of this work order may do this."))


@transaction.atomic
def work_order_accept(*, work_order: WorkOrder, by: User) -> WorkOrder:
    with brain_context(work_order.brain_id):
        require_supplier_of(work_order, by)
        work_order = lock_work_order(work_order)
        if not can_proceed(work_order.accept):
            raise DomainError(_("This work order was already %(status)s.") % {
                "status": work_order.get_status_display()}, code="invalid_state")
        work_order.accept()
        work_order.decided_at, work_order.decided_by = timezone.now(), by
        work_order.save()
        event_record(brain_id=work_order.brain_id, name="work_order.accepted",
                     payload={"work_order": work_order.pk, "rfq": work_order.rfq_id,
                                                            "project": work_order.rfq.project_id})
        return work_order


@transaction.atomic
def work_order_decline(*, work_order: WorkOrder, by: User, reason: str) -> WorkOrder:
    """Decline with a reason: the awards are voided, the purchase order cancelled, and the lines go back
    to the buyer to award again (the RFQ is closed-not-awarded once more)."""
    with brain_context(work_order.brain_id):
        require_supplier_of(work_order, by)
        if not reason.strip():
            raise DomainError(_("Say why you decline."), code="required", field="reason")
        rfq = lock_rfq(work_order.rfq)  # lock order: RFQ, then work order, as award_lines takes them
        work_order = lock_work_order(work_order)
        if not can_proceed(work_order.decline):
            raise DomainError(_("This work order was already %(status)s.") % {
                "status": work_order.get_status_display()}, code="invalid_state")
        now = timezone.now()
        work_order.decline(reason=reason.strip()[:500])
        work_order.decided_at, work_order.decided_by = now, by
        work_order.save()
        lines = list(Award.objects.in_brain(rfq.brain_id).filter(work_order_line__work_order=work_order)
                     .values_list("rfq_line_id", flat=True))
        Award.objects.in_brain(rfq.brain_id).filter(work_order_line__work_order=work_order).update(voided_at=now)
        PurchaseOrder.objects.in_brain(rfq.brain_id).filter(pk=work_order.purchase_order_id).update(cancelled_at=now)
        if rfq.status == Rfq.Status.AWARDED:
            rfq.reopen_for_award()
            rfq.save(update_fields=["status"])
        event_record(brain_id=rfq.brain_id, name="work_order.declined",
                     payload={"work_order": work_order.pk, "rfq": rfq.pk, "project": rfq.project_id,
                              "lines": sorted(lines)})
        return work_order


def line_completion_refresh(line: WorkOrderLine) -> None:
    """A line is complete when its accepted pieces reach its quantity. It was completed on the latest delivery
    date among its accepted pieces, whatever order the deliveries were inspected in, and on time if that is
    by its due date. The caller holds the line's lock and saves it."""
    if not line.is_complete:
        line.completed_on, line.on_time = None, None
        return
    line.completed_on = DeliveryLine.objects.in_brain(line.brain_id).filter(
        line=line, accepted_quantity__gt=0).aggregate(last=Max("delivery__delivered_on"))["last"]
    line.on_time = line.due_date is None or line.completed_on is None or line.completed_on <= line.due_date


def work_order_completion_check(work_order: WorkOrder) -> bool:
    """Complete a work order in production when no line is open any more; the caller holds its lock."""
    if work_order.status != WorkOrder.Status.ACCEPTED or WorkOrderLine.objects.in_brain(work_order.brain_id).filter(
            work_order=work_order, accepted_quantity__lt=F("quantity")).exists():
        return False
    work_order.complete()
    work_order.save()
    event_record(brain_id=work_order.brain_id, name="work_order.completed", payload={
        "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": work_order.rfq.project_id})
    return True


MAX_PERCENT = 100


@transaction.atomic
def progress_report(*, line: WorkOrderLine, operation: Operation, by: User, status: str, percent: int | None = None,
                    quantity_done: int | None = None, reason: str = "", note: str = "", planned_completion=None,
                    files: list[Upload] = ()) -> ProgressReport:
    """The supplier reports one operation of an accepted work order's line, with photos or inspection files
    if it has them; the line's current state follows from the newest report of each operation."""
    with brain_context(line.brain_id):
        work_order = line.work_order
        require_supplier_of(work_order, by)
        if work_order.status != WorkOrder.Status.ACCEPTED:
            raise DomainError(_("Progress can be reported only on a work order in production."), code="invalid_state")
        operations = _operations_of(line)
        if operation.pk not in {op.pk for op in operations}:
            raise DomainError(_("That operation is not part of this line."), field="operation")
        if status not in ProgressReport.Status.values:
            raise DomainError(_("Unknown status."), field="status")
        if status == ProgressReport.Status.BLOCKED and not reason.strip():
            raise DomainError(_("Say what blocks it."), code="required", field="reason")
        if percent is not None and not 0 <= percent <= MAX_PERCENT:
            raise DomainError(_("The percentage must be from 0 to 100."), field="percent")
        if quantity_done is not None and not 0 <= quantity_done <= line.quantity:
            raise DomainError(_("At most %(n)s pieces can be done.") % {"n": line.quantity}, field="quantity_done")
        if len(note) > 500 or len(reason) > 500:
            raise DomainError(_("Keep it under 500 characters."), field="note" if len(note) > 500 else "reason")
        attachments_check(list(files))
        if status == ProgressReport.Status.DONE:
            percent, quantity_done = MAX_PERCENT, line.quantity if quantity_done is None else quantity_done
        line = WorkOrderLine.objects.in_brain(line.brain_id).select_for_update().get(pk=line.pk)  # one at a time
        report = ProgressReport.objects.create(
            brain_id=line.brain_id, line=line, operation=operation, status=status, percent=percent,
            quantity_done=quantity_done, reason=reason.strip(), note=note.strip(),
            planned_completion=planned_completion, reported_by=by,
        )
        attachments_store(uploads=list(files), by=by, report=report)
        _line_state_refresh(line, operations, reported_at=report.reported_at, planned_completion=planned_completion)
        event_record(brain_id=line.brain_id, name="work_order.progress", payload={
            "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": line.part.project_id,
            "line": line.pk, "operation": operation.pk, "status": status, "report": report.pk})
        return report


# A shift's reports of an MES in one call. Each item costs what a single report does (about 15 queries): 200 hold
# their lines' locks for 2.5-3 s on a small, busy server (500 took 6-8 s), so a bigger backlog goes in several calls.
MAX_BULK_REPORTS = 200


@dataclass(frozen=True)
class ProgressItem:
    """One report of a bulk call, by ids as the caller sent them; `index` is its place in the call (from 0)."""

    index: int
    work_order: int
    line: int
    operation: int
    status: str
    percent: int | None = None
    quantity_done: int | None = None
    reason: str = ""
    note: str = ""
    planned_completion: date | None = None


@dataclass(frozen=True)
class ItemError:
    """Why one item of a bulk call was refused: `field` is the item's input at fault (None: the item as a whole)."""

    index: int
    field: str | None
    code: str
    detail: str


class ProgressReportsRefused(DomainError):
    """Items of a bulk call were refused, so none was recorded; `errors` names every bad item, by index."""

    def __init__(self, errors: Sequence[ItemError]):
        self.errors = sorted(errors, key=lambda error: error.index)  # stable: an item's own errors keep their order
        count = len({error.index for error in self.errors})
        super().__init__(ngettext("Nothing was recorded: %(n)s report was refused.",
                                  "Nothing was recorded: %(n)s reports were refused.", count) % {"n": count},
                         code="invalid_reports", field="reports")


def lock_lines(*, brain: Brain, ids) -> None:
    """Lock work-order lines in id order. A call that reports on several lines takes them all at once, before it
    writes, and always in the same order, so two bulk calls sharing lines wait for each other instead of
    deadlocking (each holding a line the other wants). PostgreSQL locks the rows as the sort returns them."""
    list(WorkOrderLine.objects.in_brain(brain).select_for_update().filter(pk__in=sorted(ids)).order_by("pk")
         .values_list("pk", flat=True))


@transaction.atomic
def progress_report_bulk(*, brain: Brain, by: User, reports: Sequence[ProgressItem],
                         refused: Sequence[ItemError] = ()) -> list[ProgressReport]:
    """Many progress reports in one call, all or none (an MES posting its backlog): each item goes through
    progress_report, in the order given, so every rule of a single report holds for it, and a later report on
    the same operation is the newer one. If any item is refused (here, or before by the caller's input check,
    `refused`), nothing is recorded and ProgressReportsRefused names every bad item with its reason."""
    if len(reports) > MAX_BULK_REPORTS:
        raise DomainError(_("At most %(n)s reports in one call.") % {"n": MAX_BULK_REPORTS}, code="max_length",
                          field="reports")
    with brain_context(brain.pk):
        require_member_role(brain=brain, user=by, role="supplier")  # the call as a whole, as a single report
        errors = list(refused)
        targets = _bulk_targets(brain=brain, by=by, reports=reports, errors=errors)
        lock_lines(brain=brain, ids={line.pk for line, _operation in targets.values()})
        created = []
        for item in reports:
            if item.index not in targets:
                continue
            line, operation = targets[item.index]
            try:  # progress_report is atomic: a refused item's savepoint is rolled back, the others go on
                created.append(progress_report(
                    line=line, operation=operation, by=by, status=item.status, percent=item.percent,
                    quantity_done=item.quantity_done, reason=item.reason, note=item.note,
                    planned_completion=item.planned_completion))
            except DomainError as error:
                errors.append(ItemError(item.index, error.field, error.code, error.detail))
        if errors:
            raise ProgressReportsRefused(errors)  # leaves the atomic block: every item written above is undone
        return created


def _bulk_targets(*, brain: Brain, by: User, reports: Sequence[ProgressItem],
                  errors: list[ItemError]) -> dict[int, tuple[WorkOrderLine, Operation]]:
    """Each item's line and operation, in three queries; an item whose work order the caller does not buy or
    make (another enterprise's, another brain's, none), whose line is not on it, or whose operation does not
    exist gets its error instead. The same answer for "does not exist" and "not yours"."""
    viewer = enterprise_access(brain=brain, enterprise_id=by.enterprise_id)
    lines = {line.pk: line for line in work_order_line_list(brain=brain, viewer=viewer)
             .filter(pk__in={item.line for item in reports}).select_related("work_order__brain", "award")}
    visible = set(work_order_list(brain=brain, viewer=viewer).prefetch_related(None)
                  .filter(pk__in={item.work_order for item in reports}).values_list("pk", flat=True))
    operations = Operation.objects.in_brain(brain).in_bulk({item.operation for item in reports})
    targets = {}
    for item in reports:
        line = lines.get(item.line)
        if item.work_order not in visible:
            errors.append(ItemError(item.index, "work_order", "not_found", _("No such work order of yours.")))
        elif line is None or line.work_order_id != item.work_order:
            errors.append(ItemError(item.index, "line", "invalid", _("That line is not part of this work order.")))
        elif item.operation not in operations:
            errors.append(ItemError(item.index, "operation", "invalid",
                                    _("That operation is not part of this line.")))
        else:
            targets[item.index] = (line, operations[item.operation])
    return targets


def _operations_of(line: WorkOrderLine) -> list[Operation]:
    """The line's operation, or the part's routing as awarded: an operation a mould trial added later is new
    work for a new award, not the existing supplier's."""
    if line.operation_id:
        return [line.operation]
    added_later = TrialModification.objects.in_brain(line.brain_id).filter(
        part_id=line.part_id, operation__isnull=False, created_at__gt=line.award.awarded_at).values("operation_id")
    return list(Operation.objects.in_brain(line.brain_id).filter(part_id=line.part_id).exclude(pk__in=added_later)
                .order_by("sequence"))


def _operation_percent(report: ProgressReport | None, quantity: int) -> float:
    if report is None:
        return 0.0
    if report.status == ProgressReport.Status.DONE:
        return 100.0
    if report.percent is not None:
        return float(report.percent)
    if report.quantity_done is not None and quantity:
        return 100.0 * report.quantity_done / quantity
    return 0.0


def _line_state_refresh(line: WorkOrderLine, operations: list[Operation], *, reported_at, planned_completion) -> None:
    """Make the line's current state from the newest report of each of its operations. The line's percentage
    weighs operations by their estimated hours when every one has them, equally otherwise."""
    latest = {report.operation_id: report for report in
              ProgressReport.objects.in_brain(line.brain_id).filter(line=line)
              .order_by("operation_id", "-reported_at", "-id").distinct("operation_id")}
    statuses = [latest[op.pk].status if op.pk in latest else ProgressReport.Status.NOT_STARTED for op in operations]
    weights = [float(op.estimated_hours or 0) for op in operations]
    if not all(weights):
        weights = [1.0] * len(operations)
    done = sum(w * _operation_percent(latest.get(op.pk), line.quantity) for op, w in zip(operations, weights))
    S = ProgressReport.Status
    if statuses and all(s == S.DONE for s in statuses):
        line.progress_status = S.DONE
    elif S.BLOCKED in statuses:
        line.progress_status = S.BLOCKED
    elif any(s in (S.IN_PROGRESS, S.DONE) for s in statuses):
        line.progress_status = S.IN_PROGRESS
    else:
        line.progress_status = S.NOT_STARTED
    line.progress_percent = round(done / sum(weights)) if weights else 0
    line.current_operation = next((op for op, s in zip(operations, statuses) if s != S.DONE), None)
    line.last_reported_at = reported_at
    if planned_completion is not None:
        line.planned_completion = planned_completion
    line.save(update_fields=["progress_status", "progress_percent", "current_operation", "last_reported_at",
                             "planned_completion"])
