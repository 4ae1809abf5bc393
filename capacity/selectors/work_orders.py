"""Reads of work orders, their lines and progress reports: for the work order's buyer and supplier only."""

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Min, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from capacity.models import (
    Attachment, ChangeRequest, Operation, ProgressReport, TrialModification, WorkOrder, WorkOrderLine,
)
from tenants.errors import DomainError


def buyer_or_supplier(enterprise_id: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}buyer_id": enterprise_id}) | Q(**{f"{prefix}supplier_id": enterprise_id})


def _work_order_lines():
    """Lines with their part, tendered operation, current operation and the part's routing (each operation with
    when a mould trial added it, if one did)."""
    added_by_trial = TrialModification.objects.filter(brain_id=OuterRef("brain_id"), operation_id=OuterRef("pk"))
    routing = (Operation.objects.select_related("process").order_by("sequence")
               .annotate(added_by_trial_at=Subquery(added_by_trial.values("created_at")[:1])))
    return (WorkOrderLine.objects.select_related("part", "award", "operation__process", "current_operation__process")
            .prefetch_related(Prefetch("part__operations", queryset=routing))
            .order_by("pk"))


def work_order_list(*, brain, viewer):
    """Work orders the enterprise buys (as the RFQ's buyer) or makes (as the supplier), with their lines."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return WorkOrder.objects.none()
    return (WorkOrder.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id))
            .select_related("purchase_order", "rfq__project", "buyer", "supplier")
            .prefetch_related(Prefetch("lines", queryset=_work_order_lines()))
            .order_by("-created_at", "-pk"))


def work_order_named(*, brain, viewer, pk) -> WorkOrder:
    """A work order the request names in its body, which the viewer buys or makes; else an error on the field
    `work_order` (code not_found), the same for one that does not exist and one that is not the viewer's."""
    work_order = work_order_list(brain=brain, viewer=viewer).filter(pk=pk).prefetch_related(None).first()
    if work_order is None:
        raise DomainError(_("No such work order of yours."), code="not_found", field="work_order")
    return work_order


def work_order_overview(*, brain, viewer):
    """The work orders page: each of the enterprise's work orders with its line count, mean progress and the
    earliest due date of its lines not yet complete; one query."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return WorkOrder.objects.none()
    open_lines = Q(lines__accepted_quantity__lt=F("lines__quantity"))
    return (WorkOrder.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id))
            .select_related("purchase_order", "rfq", "buyer", "supplier")
            .annotate(line_count=Count("lines"), progress=Avg("lines__progress_percent"),
                      next_due=Min("lines__due_date", filter=open_lines))
            .order_by("-created_at", "-pk"))


def work_order_line_list(*, brain, viewer):
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return WorkOrderLine.objects.none()
    return (WorkOrderLine.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id, "work_order__"))
            .select_related("work_order", "part", "operation"))


def line_operations(line: WorkOrderLine) -> list[Operation]:
    """What the line covers: its one tendered operation, or the part's routing as awarded (prefetched above),
    without operations a mould trial added later (new work; see services.work_orders._operations_of)."""
    if line.operation_id:
        return [line.operation]
    return [op for op in line.part.operations.all()
            if op.added_by_trial_at is None or op.added_by_trial_at <= line.award.awarded_at]


def progress_report_list(*, brain, viewer):
    """Reports on lines of work orders the enterprise buys or makes, newest first, with their files."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return ProgressReport.objects.none()
    return (ProgressReport.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id, "line__work_order__"))
            .select_related("line__part", "operation__process", "reported_by")
            .prefetch_related(Prefetch("files", queryset=Attachment.objects.order_by("pk")))
            .order_by("-reported_at", "-pk"))


@dataclass
class WorkOrderRow:
    """One line of the work order page: each operation with its newest report, the last reports with their
    files, and the line's change requests (newest first; a pending one apart)."""

    line: WorkOrderLine
    operations: list[tuple[Operation, "ProgressReport | None"]]
    reports: list[ProgressReport]
    changes: list[ChangeRequest]

    @property
    def pending(self) -> "ChangeRequest | None":
        return next((c for c in self.changes if c.status == ChangeRequest.Status.PENDING), None)


def work_order_sheet(*, work_order: WorkOrder, reports_per_line: int = 3) -> list[WorkOrderRow]:
    """The work order page's lines; a fixed number of queries whatever the number of lines."""
    brain = work_order.brain_id
    lines = list(_work_order_lines().in_brain(brain).filter(work_order=work_order))
    newest = {(r.line_id, r.operation_id): r for r in ProgressReport.objects.in_brain(brain)
              .filter(line__work_order=work_order).order_by("line_id", "operation_id", "-reported_at", "-id")
              .distinct("line_id", "operation_id")}
    recent: dict[int, list[ProgressReport]] = {}
    for report in (ProgressReport.objects.in_brain(brain).filter(line__work_order=work_order)
                   .annotate(rank=Window(RowNumber(), partition_by=[F("line_id")],
                                         order_by=[F("reported_at").desc(), F("id").desc()]))
                   .filter(rank__lte=reports_per_line)
                   .select_related("operation__process", "reported_by")
                   .prefetch_related(Prefetch("files", queryset=Attachment.objects.order_by("pk")))
                   .order_by("line_id", "-reported_at", "-id")):
        recent.setdefault(report.line_id, []).append(report)
    changes: dict[int, list[ChangeRequest]] = {}
    for change in (ChangeRequest.objects.in_brain(brain).filter(line__work_order=work_order)
                   .select_related("requested_by", "decided_by").order_by("-requested_at", "-id")):
        changes.setdefault(change.line_id, []).append(change)
    return [WorkOrderRow(line=line, operations=[(op, newest.get((line.pk, op.pk))) for op in line_operations(line)],
                         reports=recent.get(line.pk, []), changes=changes.get(line.pk, []))
            for line in lines]


def line_of(work_order: WorkOrder, line_id) -> WorkOrderLine:
    """A line of the work order named in a request's body, else an error on the field `line`."""
    line = (WorkOrderLine.objects.in_brain(work_order.brain_id).filter(work_order=work_order, pk=line_id)
            .select_related("work_order", "part", "operation").first())
    if line is None:
        raise DomainError(_("That line is not part of this work order."), field="line")
    return line


def operation_of(*, brain, pk) -> Operation:
    """An operation named in a progress report, else an error on the field `operation` (whether it belongs to
    the line is the service's rule)."""
    operation = Operation.objects.in_brain(brain).filter(pk=pk).first()
    if operation is None:
        raise DomainError(_("That operation is not part of this line."), field="operation")
    return operation
