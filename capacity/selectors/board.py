"""The buyer's project board: where every part of a project is, what is late, blocked or at risk.

A read (the selector `project_board`) shared by the web page, the API and the daily digest. It reads the
state the services keep on each work-order line (progress_*, accepted quantity), so it takes the same few
queries whatever the size of the project.

Rows: one per leaf part of the project, and one per assembly that has a work-order line of its own.
Assemblies without lines are containers, not work: their children are the rows.

A part with several live lines (e.g. CNC awarded to one shop and heat treatment to another) is one row:
- its progress percent is the lines' percents weighted by the operations each line covers (a whole-part
  line covers the part's routing), an accepted line counting 100 %;
- its risk is the worst of its unfinished lines' (late, then blocked, then at risk), done once every line
  is complete (every piece accepted);
- its due date is the earliest due date of its unfinished lines, its planned completion the latest.
Operations that no line covers (done in-house by the buyer) do not count either way, except those a mould
trial added after the part was awarded: they are new work, shown as not awarded until a line covers them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capacity.models import (
    BoardSettings, Operation, Part, ProgressReport, Project, TrialModification, WorkOrder, WorkOrderLine,
)
from tenants.access import BrainAccess
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed

DEFAULT_STALE_AFTER_DAYS = 3


class Risk(models.TextChoices):
    LATE = "late", pgettext_lazy("board risk", "late")
    BLOCKED = "blocked", pgettext_lazy("board risk", "blocked")
    AT_RISK = "at_risk", pgettext_lazy("board risk", "at risk")
    NOT_AWARDED = "not_awarded", pgettext_lazy("board risk", "not awarded yet")
    ON_TRACK = "on_track", pgettext_lazy("board risk", "on track")
    DONE = "done", pgettext_lazy("board risk", "done")


# The board's order: what needs the buyer first.
RISK_ORDER = {risk: index for index, risk in enumerate(Risk.values)}


# Why a row has its risk class (stable codes for the API; words for the page).
REASONS = {
    "due_passed": _("due date passed"),
    "blocked": pgettext_lazy("board reason", "blocked"),
    "planned_after_due": _("planned completion after the due date"),
    "stale": _("no progress report for too long"),
    "not_awarded": _("no work order yet"),
}


# Lines of a work order declined by its supplier are void; issued ones wait for the supplier to accept.
LIVE_WORK_ORDER = (WorkOrder.Status.ISSUED, WorkOrder.Status.ACCEPTED, WorkOrder.Status.COMPLETED)


@dataclass
class Bar:
    """A row's place on the timeline, in percent of its width."""

    left: str
    width: str
    due_at: str | None


@dataclass
class BoardLine:
    line: WorkOrderLine
    due_date: date | None
    complete: bool
    percent: int
    risk: str
    reasons: list[str]
    current_operation: Operation | None
    started_on: date  # accepted by the supplier, else awarded
    weight: int
    covered: frozenset = frozenset()  # ids of the operations the line covers


@dataclass
class BoardRow:
    part: Part
    routing: list[Operation]
    lines: list[BoardLine]
    risk: str
    reasons: list[str]
    percent: int
    progress_status: str
    current_operation: Operation | None
    suppliers: list[tuple[int, str]]
    due_date: date | None
    planned_completion: date | None
    last_reported_at: datetime | None
    started_on: date | None
    quantity: int
    accepted_quantity: int
    complete: bool
    blocked_reason: str = ""
    bar: Bar | None = None

    @property
    def weight(self) -> int:
        """Its share of the project's overall percent: pieces × operations."""
        return self.part.quantity * max(len(self.routing), 1)

    @property
    def risk_label(self) -> str:
        return Risk(self.risk).label

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reasons]

    @property
    def progress_label(self) -> str:
        return ProgressReport.Status(self.progress_status).label


@dataclass
class Board:
    project: Project
    today: date
    stale_after_days: int
    rows: list[BoardRow]  # filtered, in board order
    total: int  # rows before filtering
    counts: dict[str, int]  # risk -> rows, before filtering
    overall_percent: Decimal
    suppliers: list[tuple[int, str]]  # of the project's live lines, for the filter
    processes: list  # of the project's routings, for the filter
    filters: dict = field(default_factory=dict)
    window: tuple[date, date] | None = None  # the timeline's first and last day
    today_at: str | None = None


def stale_after_days(brain_id: int) -> int:
    """The brain's N: a line in production without a report for N days is at risk."""
    days = BoardSettings.objects.in_brain(brain_id).values_list("stale_after_days", flat=True).first()
    return days or DEFAULT_STALE_AFTER_DAYS


def stale_before(today: date, days: int) -> datetime:
    """A report (or acceptance) before this moment is `days` or more calendar days old on `today`."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))


def _reference(line: WorkOrderLine) -> datetime | None:
    """When the supplier last spoke about the line: its last report, else accepting the work order."""
    return line.last_reported_at or line.work_order.decided_at


def covered_operations(line: WorkOrderLine, routing: list[Operation], added_by_trials: dict) -> list[Operation]:
    """What a line covers: its operation; or the part's routing as it was awarded, without the operations a
    mould trial added later (`added_by_trials`: operation id -> when), which are new work."""
    if line.operation_id:
        return [op for op in routing if op.pk == line.operation_id]
    return [op for op in routing if not (op.pk in added_by_trials and added_by_trials[op.pk] > line.award.awarded_at)]


def _line_state(line: WorkOrderLine, covered: list[Operation], project: Project, today: date,
                stale_days: int) -> BoardLine:
    due = line.due_date or line.part.due_date or project.due_date
    complete = line.accepted_quantity >= line.quantity
    current = line.current_operation
    if current is None and line.progress_status != ProgressReport.Status.DONE and not complete:
        current = covered[0] if covered else None  # not reported yet: it starts with the first
    work_order = line.work_order
    started = work_order.decided_at if work_order.status != WorkOrder.Status.ISSUED and work_order.decided_at \
        else work_order.created_at
    reasons: list[str] = []
    if complete:
        risk = Risk.DONE
    elif due is not None and due < today:
        risk, reasons = Risk.LATE, ["due_passed"]
    elif line.progress_status == ProgressReport.Status.BLOCKED:
        risk, reasons = Risk.BLOCKED, ["blocked"]
    else:
        if line.planned_completion and due is not None and line.planned_completion > due:
            reasons.append("planned_after_due")
        reference = _reference(line)
        if (work_order.status == WorkOrder.Status.ACCEPTED and line.progress_status != ProgressReport.Status.DONE
                and reference is not None and reference < stale_before(today, stale_days)):
            reasons.append("stale")
        risk = Risk.AT_RISK if reasons else Risk.ON_TRACK
    return BoardLine(line=line, due_date=due, complete=complete, percent=100 if complete else line.progress_percent,
                     risk=risk, reasons=reasons, current_operation=current,
                     started_on=timezone.localdate(started), weight=max(len(covered), 1),
                     covered=frozenset(op.pk for op in covered))


def _row(part: Part, routing: list[Operation], lines: list[BoardLine], project: Project, today: date,
         added_by_trials: dict) -> BoardRow:
    covered = set().union(*(bl.covered for bl in lines)) if lines else set()
    new_work = [op for op in routing if op.pk in added_by_trials and op.pk not in covered]
    if lines and new_work and all(bl.complete for bl in lines):  # made; then a trial asked for more
        row = _row(part, routing, [], project, today, added_by_trials)
        row.lines, row.current_operation = lines, new_work[0]
        row.suppliers = list(dict.fromkeys((bl.line.work_order.supplier_id, str(bl.line.work_order.supplier))
                                           for bl in lines))
        row.progress_status = ProgressReport.Status.IN_PROGRESS
        done = sum(bl.weight for bl in lines)
        row.percent = round(100 * done / (done + len(new_work)))
        row.started_on = min(bl.started_on for bl in lines)
        return row
    if not lines:
        due = part.due_date or project.due_date
        late = due is not None and due < today
        return BoardRow(
            part=part, routing=routing, lines=[], risk=Risk.LATE if late else Risk.NOT_AWARDED,
            reasons=["due_passed", "not_awarded"] if late else ["not_awarded"], percent=0,
            progress_status=ProgressReport.Status.NOT_STARTED, current_operation=routing[0] if routing else None,
            suppliers=[], due_date=due, planned_completion=None, last_reported_at=None, started_on=None,
            quantity=part.quantity, accepted_quantity=0, complete=False)
    open_lines = [bl for bl in lines if not bl.complete]
    complete = not open_lines
    if complete:
        risk, reasons = Risk.DONE, []
    else:
        worst = min(open_lines, key=lambda bl: RISK_ORDER[bl.risk])
        risk = worst.risk
        reasons = list(dict.fromkeys(code for bl in open_lines if bl.risk == risk for code in bl.reasons))
    statuses = {bl.line.progress_status for bl in open_lines}
    S = ProgressReport.Status
    if complete or statuses == {S.DONE}:
        progress = S.DONE
    elif S.BLOCKED in statuses:
        progress = S.BLOCKED
    elif statuses & {S.IN_PROGRESS, S.DONE} or len(open_lines) < len(lines):
        progress = S.IN_PROGRESS
    else:
        progress = S.NOT_STARTED
    currents = [bl.current_operation for bl in open_lines if bl.current_operation is not None]
    dues = [bl.due_date for bl in (open_lines or lines) if bl.due_date]
    planned = [bl.line.planned_completion for bl in (open_lines or lines) if bl.line.planned_completion]
    reported = [bl.line.last_reported_at for bl in lines if bl.line.last_reported_at]
    suppliers = list(dict.fromkeys((bl.line.work_order.supplier_id, str(bl.line.work_order.supplier)) for bl in lines))
    total_weight = sum(bl.weight for bl in lines) + len(new_work)  # new work, not awarded yet, at 0 %
    return BoardRow(
        part=part, routing=routing, lines=lines, risk=risk, reasons=reasons,
        percent=round(sum(bl.percent * bl.weight for bl in lines) / total_weight),
        progress_status=progress, current_operation=min(currents, key=lambda op: op.sequence) if currents else None,
        suppliers=suppliers, due_date=(min(dues) if open_lines else max(dues)) if dues else None,
        planned_completion=max(planned) if planned else None, last_reported_at=max(reported) if reported else None,
        started_on=min(bl.started_on for bl in lines), quantity=part.quantity,
        accepted_quantity=min(bl.line.accepted_quantity for bl in lines), complete=complete)


def project_board(project: Project, *, viewer: BrainAccess | None = None, supplier: int | None = None,
                  status: str | None = None, process: int | None = None, today: date | None = None) -> Board:
    """The board of `project`, filtered by supplier (enterprise id), status (a risk class) and process (id of a
    process in the part's routing). `viewer` is who asks: only users of the project's buyer enterprise, as
    buyer members of the brain, may read it; None is the platform itself (the digest)."""
    if status not in (None, "") and status not in Risk.values:
        raise DomainError(_("Unknown status."), field="status")
    with brain_context(project.brain_id):
        if viewer is not None:
            require_board_reader(project, viewer)
        today = today or timezone.localdate()
        stale_days = stale_after_days(project.brain_id)
        brain_id = project.brain_id
        parts = list(Part.objects.in_brain(brain_id).filter(project=project).order_by("part_no"))
        routing: dict[int, list[Operation]] = {}
        for operation in (Operation.objects.in_brain(brain_id).filter(part__project=project)
                          .select_related("process").order_by("part_id", "sequence")):
            routing.setdefault(operation.part_id, []).append(operation)
        added_by_trials = dict(TrialModification.objects.in_brain(brain_id).filter(
            trial__project=project, operation__isnull=False).values_list("operation_id", "created_at"))
        lines: dict[int, list[WorkOrderLine]] = {}
        for line in (WorkOrderLine.objects.in_brain(brain_id)
                     .filter(part__project=project, work_order__status__in=LIVE_WORK_ORDER)
                     .select_related("work_order__supplier", "current_operation__process", "award")
                     .order_by("part_id", "id")):
            lines.setdefault(line.part_id, []).append(line)
        by_pk = {part.pk: part for part in parts}
        assemblies = {part.parent_id for part in parts if part.parent_id}
        rows = []
        for part in parts:
            if part.pk in assemblies and part.pk not in lines:
                continue
            part_routing = routing.get(part.pk, [])
            states = []
            for line in lines.get(part.pk, []):
                line.part = by_pk[part.pk]
                if line.current_operation_id:  # the routing's own object, with its process
                    line.current_operation = next((op for op in part_routing if op.pk == line.current_operation_id),
                                                  line.current_operation)
                states.append(_line_state(line, covered_operations(line, part_routing, added_by_trials), project,
                                          today, stale_days))
            rows.append(_row(part, part_routing, states, project, today, added_by_trials))
        _blocked_reasons(brain_id, rows)
        counts = {risk: 0 for risk in Risk.values}
        for row in rows:
            counts[row.risk] += 1
        weight = sum(row.weight for row in rows)
        overall = Decimal(sum(row.percent * row.weight for row in rows)) / weight if weight else Decimal(0)
        suppliers = sorted({s for row in rows for s in row.suppliers}, key=lambda s: s[1])
        processes = sorted({op.process for ops in routing.values() for op in ops},
                           key=lambda p: (p.sort_order, p.code))
        shown = [row for row in rows if _matches(row, supplier, status, process)]
        shown.sort(key=lambda row: (RISK_ORDER[row.risk], row.due_date or date.max, row.part.part_no))
        board = Board(project=project, today=today, stale_after_days=stale_days, rows=shown, total=len(rows),
                      counts=counts, overall_percent=overall.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                      suppliers=suppliers, processes=processes,
                      filters={"supplier": supplier, "status": status or None, "process": process})
        _timeline(board)
        return board


def require_board_reader(project: Project, viewer: BrainAccess) -> None:
    if not viewer.has_role("buyer") or viewer.enterprise_id != project.buyer_id:
        raise NotAllowed(_("Only the buyer of this project may see its board."))


def _matches(row: BoardRow, supplier, status, process) -> bool:
    if supplier and not any(s[0] == supplier for s in row.suppliers):
        return False
    if status and row.risk != status:
        return False
    if process and not any(op.process_id == process for op in row.routing):
        return False
    return True


def _blocked_reasons(brain_id: int, rows: list[BoardRow]) -> None:
    """Why a blocked line is blocked: its newest blocked report's reason (one query for the whole board)."""
    blocked = {bl.line.pk: row for row in rows for bl in row.lines
               if bl.line.progress_status == ProgressReport.Status.BLOCKED and not bl.complete}
    if not blocked:
        return
    for line_id, reason in (ProgressReport.objects.in_brain(brain_id)
                            .filter(line_id__in=list(blocked), status=ProgressReport.Status.BLOCKED)
                            .order_by("line_id", "-reported_at", "-id").distinct("line_id")
                            .values_list("line_id", "reason")):
        row = blocked[line_id]
        row.blocked_reason = "; ".join(filter(None, [row.blocked_reason, reason]))


def _percent(days: int, span: int) -> str:
    return f"{100 * days / span:.2f}"


def _timeline(board: Board) -> None:
    """Place each row on a timeline of the whole mould: a bar from its award (or acceptance) to its planned
    completion (else its due date), its due date marked, and today."""
    days = [board.today]
    for row in board.rows:
        days += [d for d in (row.started_on, row.planned_completion, row.due_date) if d]
    first, last = min(days), max(days) + timedelta(days=1)
    span = (last - first).days
    board.window, board.today_at = (first, last), _percent((board.today - first).days, span)
    for row in board.rows:
        due_at = _percent((row.due_date - first).days, span) if row.due_date else None
        if row.started_on is None:
            row.bar = Bar(left="0", width="0", due_at=due_at)
            continue
        end = row.planned_completion or row.due_date or board.today
        length = max((end - row.started_on).days, 0) + 1
        row.bar = Bar(left=_percent((row.started_on - first).days, span), width=_percent(length, span), due_at=due_at)


def board_parts_touched(brain_id: int, payload: dict) -> list[int]:
    """The parts whose board rows an event changed, from its payload: its line's part, or the parts of its work
    order, or its part. Empty when it does not name one (the board then re-fetches every row)."""
    with brain_context(brain_id):
        if isinstance(payload.get("line"), int):
            return list(WorkOrderLine.objects.in_brain(brain_id).filter(pk=payload["line"])
                        .values_list("part_id", flat=True))
        if isinstance(payload.get("work_order"), int):
            return sorted(set(WorkOrderLine.objects.in_brain(brain_id).filter(work_order_id=payload["work_order"])
                              .values_list("part_id", flat=True)))
        if isinstance(payload.get("part"), int):
            return [payload["part"]]
    return []
