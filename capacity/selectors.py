"""Reads shared by capacity's views, API and tasks. They run in the caller's brain context (a request or
a task has entered it) and take the brain or a brain-owned object explicitly."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber

from capacity.models import (
    Attachment, Award, ChangeRequest, Delivery, DeliveryLine, Drawing, Invitation, Machine, Operation, Part,
    ProgressReport, Project, PurchaseOrder, Question, Quote, QuoteLine, Recommendation, Rfq, RfqLine,
    SupplierCapacity, SupplierProfile, SupplierRating, TrialModification, WorkOrder, WorkOrderLine,
)
from tenants.context import brain_context
from tenants.models import Enterprise, Membership, Process

PART_FIELDS = ["name", "quantity", "material", "length_mm", "width_mm", "height_mm", "weight_kg", "hardness",
               "tolerance_mm", "surface_ra", "standard_part", "due_date", "remarks"]


def bom_rows(*, project: Project) -> list[dict]:
    """The project's parts as BOM rows (canonical keys), for the XLSX export."""
    codes = dict(Process.objects.in_brain(project.brain_id).values_list("pk", "code"))
    routing = {}
    for part_id, process_id in (Operation.objects.in_brain(project.brain_id).filter(part__project=project)
                                .order_by("part_id", "sequence").values_list("part_id", "process_id")):
        routing.setdefault(part_id, []).append(codes[process_id])
    rows = []
    for part in Part.objects.in_brain(project.brain_id).filter(project=project).select_related("parent"):
        row = {name: getattr(part, name) for name in PART_FIELDS}
        row.update(part_no=part.part_no, parent_no=part.parent.part_no if part.parent else "",
                   processes=";".join(routing.get(part.pk, [])),
                   standard_part="是" if part.standard_part else "否",
                   due_date=part.due_date.isoformat() if part.due_date else "")
        rows.append(row)
    return rows


@dataclass
class Comparison:
    """Lines × suppliers. Sealed (no prices, only a count) until quoting has ended."""

    rfq: Rfq
    sealed: bool
    quote_count: int
    lines: list[RfqLine] = field(default_factory=list)
    suppliers: list[Enterprise] = field(default_factory=list)
    cells: dict[tuple[int, int], QuoteLine] = field(default_factory=dict)
    lowest: dict[int, int] = field(default_factory=dict)  # line -> supplier with the lowest unit price
    fastest: dict[int, int] = field(default_factory=dict)  # line -> supplier with the shortest lead time
    totals: dict[int, Decimal] = field(default_factory=dict)  # supplier -> total of its quoted lines
    profiles: dict[int, SupplierProfile] = field(default_factory=dict)
    quotes: dict[int, Quote] = field(default_factory=dict)  # supplier -> its quote (remarks, revision)
    awarded: dict[int, int] = field(default_factory=dict)  # line -> awarded quote line

    def rows(self):
        """For templates: each line with its cells in supplier order."""
        for line in self.lines:
            yield line, [(s, self.cells.get((line.pk, s.pk))) for s in self.suppliers]


def comparison(*, rfq: Rfq) -> Comparison:
    quotes = Quote.objects.in_brain(rfq.brain_id).filter(rfq=rfq)
    if not rfq.prices_visible_to_buyer:
        return Comparison(rfq=rfq, sealed=True, quote_count=quotes.count())
    lines = list(RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq).select_related("part", "operation__process"))
    quote_lines = list(QuoteLine.objects.in_brain(rfq.brain_id).filter(quote__rfq=rfq).select_related("quote"))
    supplier_ids = sorted({ql.quote.supplier_id for ql in quote_lines})
    result = Comparison(
        rfq=rfq, sealed=False, quote_count=quotes.count(), lines=lines,
        suppliers=list(Enterprise.objects.filter(pk__in=supplier_ids).order_by("pk")),
        profiles={p.enterprise_id: p for p in SupplierProfile.objects.in_brain(rfq.brain_id)
                  .filter(enterprise_id__in=supplier_ids)},
        awarded=dict(Award.objects.in_brain(rfq.brain_id).filter(rfq_line__rfq=rfq, voided_at__isnull=True)
                     .values_list("rfq_line_id", "quote_line_id")),
    )
    quantity = {line.pk: line.quantity for line in lines}
    offers: dict[int, list[tuple[int, QuoteLine]]] = {}
    for ql in quote_lines:
        supplier = ql.quote.supplier_id
        result.cells[(ql.rfq_line_id, supplier)] = ql
        result.quotes[supplier] = ql.quote
        result.totals[supplier] = result.totals.get(supplier, Decimal(0)) + ql.unit_price * quantity[ql.rfq_line_id]
        offers.setdefault(ql.rfq_line_id, []).append((supplier, ql))
    for line_id, line_offers in offers.items():
        result.lowest[line_id] = min(line_offers, key=lambda o: (o[1].unit_price, o[0]))[0]
        result.fastest[line_id] = min(line_offers, key=lambda o: (o[1].lead_time_days, o[0]))[0]
    return result


def own_quote(*, rfq: Rfq, supplier_id: int) -> Quote | None:
    return (Quote.objects.in_brain(rfq.brain_id).filter(rfq=rfq, supplier_id=supplier_id)
            .prefetch_related("lines__rfq_line").first())


def answered_questions(*, rfq: Rfq):
    return Question.objects.in_brain(rfq.brain_id).filter(rfq=rfq).exclude(answer="")


# --- Web pages -----------------------------------------------------------------------------------


@dataclass
class TreeRow:
    part: Part
    depth: int
    routing: list[Operation]
    drawing: "Drawing | None" = None  # the latest version


def part_tree(*, project: Project) -> list[TreeRow]:
    """The project's parts in tree order (assemblies before their children), with routing and latest drawing;
    three queries whatever the size."""
    parts = list(Part.objects.in_brain(project.brain_id).filter(project=project).order_by("part_no"))
    routing: dict[int, list[Operation]] = {}
    for operation in (Operation.objects.in_brain(project.brain_id).filter(part__project=project)
                      .select_related("process").order_by("part_id", "sequence")):
        routing.setdefault(operation.part_id, []).append(operation)
    drawings = latest_drawings(brain=project.brain_id, part_ids=[p.pk for p in parts])
    children: dict[int | None, list[Part]] = {}
    for part in parts:
        children.setdefault(part.parent_id, []).append(part)
    rows, stack = [], [(part, 0) for part in reversed(children.get(None, []))]
    while stack:
        part, depth = stack.pop()
        rows.append(TreeRow(part, depth, routing.get(part.pk, []), drawings.get(part.pk)))
        stack.extend((child, depth + 1) for child in reversed(children.get(part.pk, [])))
    return rows


def latest_drawings(*, brain, part_ids) -> dict[int, "Drawing"]:
    """part id -> its latest drawing version."""
    return {d.part_id: d for d in Drawing.objects.in_brain(brain).filter(part_id__in=list(part_ids))
            .order_by("part_id", "-version").distinct("part_id")}


def rfqs_to_quote(*, brain, supplier_id: int):
    """The supplier's RFQs page: rfqs_open_to_supplier with its own revision and match score, newest first."""
    own_quotes = Quote.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=supplier_id)
    invitation = Invitation.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=supplier_id)
    return (rfqs_open_to_supplier(brain=brain, enterprise_id=supplier_id).select_related("buyer", "project")
            .annotate(my_revision=Subquery(own_quotes.values("revision")[:1]),
                      match_score=Subquery(invitation.values("score")[:1]))
            .order_by("-published_at"))


def purchase_order_sheet(*, order: PurchaseOrder) -> dict:
    """A purchase order with its lines, amounts and tax (prices include VAT), for printing."""
    awards = list(Award.objects.in_brain(order.brain_id).filter(purchase_order=order)
                  .select_related("rfq_line__part", "rfq_line__operation__process").order_by("rfq_line__line_no"))
    lines, total, tax = [], Decimal("0"), Decimal("0")
    for award in awards:
        amount = award.amount
        line_tax = tax_included(amount, award.vat_rate)
        lines.append({"award": award, "amount": amount, "tax": line_tax})
        total += amount
        tax += line_tax
    return {"order": order, "lines": lines, "total": total, "tax": tax, "net": total - tax}


# --- Reads of the REST API: who sees what ----------------------------------------------------------
# Each takes the brain explicitly and the caller's enterprise; "not yours" and "does not exist" are the
# same empty result, so the API answers 404 for both.




# A supplier sees an RFQ once it is published, and keeps seeing it after quoting ends; never a draft.
RFQ_STATUSES_FOR_SUPPLIERS = (Rfq.Status.PUBLISHED, Rfq.Status.CLOSED, Rfq.Status.AWARDED)


def _with_capability(profiles):
    return profiles.select_related("enterprise").prefetch_related(
        Prefetch("capacities", queryset=SupplierCapacity.objects.select_related("process")
                 .order_by("process__sort_order", "process__code")),
        Prefetch("machines", queryset=Machine.objects.select_related("process")),
    )


def supplier_profile_list(*, brain):
    """Profiles of the brain's active suppliers, with their capacities and machines."""
    active = Membership.objects.in_brain(brain).filter(status=Membership.Status.ACTIVE, roles__contains=["supplier"])
    return _with_capability(SupplierProfile.objects.in_brain(brain)
                            .filter(enterprise_id__in=active.values("enterprise_id"))
                            .order_by("enterprise__legal_name", "pk"))


def own_supplier_profile(*, brain, enterprise_id: int | None) -> SupplierProfile | None:
    if enterprise_id is None:
        return None
    return _with_capability(SupplierProfile.objects.in_brain(brain).filter(enterprise_id=enterprise_id)).first()


def project_list(*, brain, enterprise_id: int | None):
    """A buyer's own projects: nobody else in the brain sees them."""
    if enterprise_id is None:
        return Project.objects.none()
    return (Project.objects.in_brain(brain).filter(buyer_id=enterprise_id).annotate(part_count=Count("parts"))
            .order_by("-created_at", "-pk"))


def part_list(*, brain, enterprise_id: int | None):
    """Parts of the buyer's own projects, each with its routing (operations in sequence)."""
    if enterprise_id is None:
        return Part.objects.none()
    return (Part.objects.in_brain(brain).filter(project__buyer_id=enterprise_id).select_related("parent")
            .prefetch_related(Prefetch("operations", queryset=Operation.objects.select_related("process")
                                       .order_by("sequence")))
            .order_by("project_id", "part_no"))


def rfqs_open_to_supplier(*, brain, enterprise_id: int | None):
    """RFQs the enterprise may see as a supplier: published or later, and it is invited, or the RFQ is open
    to all and the enterprise is an active supplier of the brain (capacity.services.rfqs.may_quote)."""
    if enterprise_id is None:
        return Rfq.objects.none()
    invited = Exists(Invitation.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=enterprise_id))
    active_supplier = Exists(Membership.objects.in_brain(brain).filter(
        enterprise_id=enterprise_id, status=Membership.Status.ACTIVE, roles__contains=["supplier"]))
    return Rfq.objects.in_brain(brain).filter(
        Q(status__in=RFQ_STATUSES_FOR_SUPPLIERS) & ~Q(buyer_id=enterprise_id)
        & (Q(invited) | Q(open_to_all=True) & Q(active_supplier))
    )


def rfq_list(*, brain, enterprise_id: int | None):
    """The buyer's own RFQs in every status, and the RFQs the enterprise may quote on."""
    if enterprise_id is None:
        return Rfq.objects.none()
    quotable = rfqs_open_to_supplier(brain=brain, enterprise_id=enterprise_id).values("pk")
    return (Rfq.objects.in_brain(brain).filter(Q(buyer_id=enterprise_id) | Q(pk__in=quotable))
            .select_related("buyer")
            .prefetch_related(Prefetch("lines", queryset=RfqLine.objects.select_related("part", "operation__process")
                                       .order_by("line_no")))
            .order_by("-created_at", "-pk"))


def drawing_list(*, brain, enterprise_id: int | None):
    """Drawings of the buyer's own parts, and of parts in RFQs the enterprise may quote on."""
    if enterprise_id is None:
        return Drawing.objects.none()
    quotable = RfqLine.objects.in_brain(brain).filter(
        rfq__in=rfqs_open_to_supplier(brain=brain, enterprise_id=enterprise_id)).values("part_id")
    return (Drawing.objects.in_brain(brain)
            .filter(Q(part__project__buyer_id=enterprise_id) | Q(part_id__in=quotable))
            .select_related("part").order_by("part_id", "-version"))


def invitation_list(*, rfq: Rfq):
    return (Invitation.objects.in_brain(rfq.brain_id).filter(rfq=rfq).select_related("supplier")
            .order_by("-score", "supplier__legal_name", "pk"))


def question_list(*, brain, enterprise_id: int | None, rfq: Rfq | None = None):
    """The buyer sees every question on its RFQs; a supplier its own questions and every answered one on
    RFQs it may quote on."""
    if enterprise_id is None:
        return Question.objects.none()
    quotable = rfqs_open_to_supplier(brain=brain, enterprise_id=enterprise_id).values("pk")
    questions = Question.objects.in_brain(brain).filter(
        Q(rfq__buyer_id=enterprise_id)
        | Q(rfq_id__in=quotable) & (Q(asked_by_id=enterprise_id) | ~Q(answer=""))
    )
    if rfq is not None:
        questions = questions.filter(rfq=rfq)
    return questions.select_related("rfq", "asked_by").order_by("asked_at", "pk")


def quote_list(*, brain, enterprise_id: int | None):
    """The enterprise's own quotes, as a supplier. Never another supplier's, never seen by the buyer here."""
    if enterprise_id is None:
        return Quote.objects.none()
    return (Quote.objects.in_brain(brain).filter(supplier_id=enterprise_id).select_related("rfq")
            .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.select_related("rfq_line")
                                       .order_by("rfq_line__line_no")))
            .order_by("-submitted_at", "-pk"))


def purchase_order_list(*, brain, enterprise_id: int | None):
    """POs of the buyer's RFQs and the supplier's own POs, each with its award lines."""
    if enterprise_id is None:
        return PurchaseOrder.objects.none()
    awards = Award.objects.select_related("rfq_line__part", "rfq_line__operation__process").order_by(
        "rfq_line__line_no")
    return (PurchaseOrder.objects.in_brain(brain)
            .filter(Q(rfq__buyer_id=enterprise_id) | Q(supplier_id=enterprise_id))
            .select_related("rfq__buyer", "supplier")
            .prefetch_related(Prefetch("awards", queryset=awards))
            .order_by("-issued_at", "-pk"))


def tax_included(amount: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT inside a tax-included amount: amount − amount / (1 + rate/100), to the fen."""
    return (amount - amount / (1 + vat_rate / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def latest_recommendation(*, rfq: Rfq) -> Recommendation | None:
    return Recommendation.objects.in_brain(rfq.brain_id).filter(rfq=rfq).order_by("-created_at", "-pk").first()


def recommendation_lines(*, recommendation: Recommendation) -> list[dict]:
    """The recommended choice as award decisions [{rfq_line, quote_line, supplier}], in line order."""
    choice = {int(line): quote_line for line, quote_line in recommendation.choice.items()}
    rows = (QuoteLine.objects.in_brain(recommendation.brain_id).filter(pk__in=choice.values(), rfq_line_id__in=choice)
            .order_by("rfq_line__line_no").values_list("rfq_line_id", "pk", "quote__supplier_id"))
    return [{"rfq_line": line, "quote_line": quote_line, "supplier": supplier}
            for line, quote_line, supplier in rows if choice.get(line) == quote_line]


# --- Delivery, acceptance, ratings (Capacity sharing II) -------------------------------------------



def delivery_list(*, brain, enterprise_id: int | None):
    """Deliveries of work orders the enterprise buys or supplies, each with its lines."""
    if enterprise_id is None:
        return Delivery.objects.none()
    return (Delivery.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id, "work_order__"))
            .select_related("work_order__purchase_order", "recorded_by")
            .prefetch_related(Prefetch("lines", queryset=DeliveryLine.objects.select_related(
                "line__part", "line__operation__process", "inspected_by").order_by("pk")))
            .order_by("-delivered_on", "-pk"))


def delivery_line_list(*, brain, enterprise_id: int | None):
    """Delivered lines (with their inspection) of work orders the enterprise buys or supplies."""
    if enterprise_id is None:
        return DeliveryLine.objects.none()
    return (DeliveryLine.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id, "delivery__work_order__"))
            .select_related("delivery__work_order", "line__part", "line__operation__process", "inspected_by")
            .order_by("-delivery__delivered_on", "-pk"))


def rating_list(*, brain, enterprise_id: int | None):
    """Ratings the enterprise gave as a buyer and received as a supplier."""
    if enterprise_id is None:
        return SupplierRating.objects.none()
    return (SupplierRating.objects.in_brain(brain)
            .filter(Q(work_order__buyer_id=enterprise_id) | Q(supplier_id=enterprise_id))
            .select_related("work_order__purchase_order", "supplier").order_by("-rated_at", "-pk"))


def accepted_value(work_order) -> dict:
    """What finance reads of a work order: the accepted value so far, tax included, its VAT and the net, in the
    work order's currency, with the dates — and the inspected delivery lines it is the sum of (the dated facts:
    each fixes its accepted pieces × the line's VAT-included unit price, and that amount's VAT, to the fen)."""
    rows = (DeliveryLine.objects.in_brain(work_order.brain_id).filter(delivery__work_order_id=work_order.pk)
            .exclude(outcome=DeliveryLine.Outcome.PENDING)
            .select_related("delivery", "line__part", "line__operation__process")
            .order_by("accepted_on", "delivery__delivered_on", "pk"))
    lines = [{
        "delivery_line": row.pk, "delivery": row.delivery_id, "note_number": row.delivery.note_number,
        "line": row.line_id, "part_no": row.line.part.part_no, "name": row.line.part.name,
        "process": row.line.operation.process.code if row.line.operation_id else None,
        "delivered_on": row.delivery.delivered_on, "accepted_on": row.accepted_on, "outcome": row.outcome,
        "quantity": row.quantity, "accepted_quantity": row.accepted_quantity,
        "rejected_quantity": row.rejected_quantity, "unit_price": row.line.unit_price, "vat_rate": row.line.vat_rate,
        "amount": row.amount, "tax": row.tax, "net": row.amount - row.tax,
    } for row in rows]
    accepted_on = [line["accepted_on"] for line in lines if line["accepted_quantity"]]
    return {
        "work_order": work_order.pk, "currency": work_order.currency, "status": work_order.status,
        "amount": work_order.accepted_amount, "tax": work_order.accepted_tax, "net": work_order.accepted_net,
        "first_accepted_on": min(accepted_on, default=None), "last_accepted_on": work_order.last_accepted_on,
        "completed_at": work_order.completed_at, "lines": lines,
    }


def delivery_sheet(work_order) -> dict:
    """The deliveries page of a work order: each line's delivered / accepted / rejected / outstanding pieces, the
    deliveries with their lines (pending ones to inspect), the accepted value and the rating if any."""
    lines = list(work_order.lines.select_related("part", "operation__process").order_by("pk"))
    deliveries = list(Delivery.objects.in_brain(work_order.brain_id).filter(work_order_id=work_order.pk)
                      .prefetch_related(Prefetch("lines", queryset=DeliveryLine.objects.select_related(
                          "line__part", "line__operation__process").order_by("pk")))
                      .order_by("-delivered_on", "-pk"))
    return {
        "lines": lines, "deliveries": deliveries,
        "pending": [row for delivery in deliveries for row in delivery.lines.all()
                    if row.outcome == DeliveryLine.Outcome.PENDING],
        "value": accepted_value(work_order),
        "rating": SupplierRating.objects.in_brain(work_order.brain_id).filter(work_order_id=work_order.pk).first(),
    }


# --- Remote mould trials -------------------------------------------------------------------------------


def mould_trial_list(*, brain, enterprise_id: int | None):
    """Trials of the enterprise's own projects (the buyer's only), with their files and modifications."""
    from capacity.models import Attachment, MouldTrial, TrialModification

    if enterprise_id is None:
        return MouldTrial.objects.none()
    return (MouldTrial.objects.in_brain(brain).filter(project__buyer_id=enterprise_id)
            .select_related("project", "scheduled_by", "recorded_by")
            .prefetch_related(
                Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
                Prefetch("modifications", queryset=TrialModification.objects.select_related(
                    "part", "operation__process").order_by("pk")))
            .order_by("project_id", "-number"))


# --- Work orders, progress reports, their files, change requests (Capacity sharing II) -------------------




def _buyer_or_supplier(enterprise_id: int, prefix: str = "") -> Q:
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


def work_order_list(*, brain, enterprise_id: int | None):
    """Work orders the enterprise buys (as the RFQ's buyer) or makes (as the supplier), with their lines."""
    if enterprise_id is None:
        return WorkOrder.objects.none()
    return (WorkOrder.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id))
            .select_related("purchase_order", "rfq__project", "buyer", "supplier")
            .prefetch_related(Prefetch("lines", queryset=_work_order_lines()))
            .order_by("-created_at", "-pk"))


def work_order_overview(*, brain, enterprise_id: int | None):
    """The work orders page: each of the enterprise's work orders with its line count, mean progress and the
    earliest due date of its lines not yet complete; one query."""
    if enterprise_id is None:
        return WorkOrder.objects.none()
    open_lines = Q(lines__accepted_quantity__lt=F("lines__quantity"))
    return (WorkOrder.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id))
            .select_related("purchase_order", "rfq", "buyer", "supplier")
            .annotate(line_count=Count("lines"), progress=Avg("lines__progress_percent"),
                      next_due=Min("lines__due_date", filter=open_lines))
            .order_by("-created_at", "-pk"))


def work_order_line_list(*, brain, enterprise_id: int | None):
    if enterprise_id is None:
        return WorkOrderLine.objects.none()
    return (WorkOrderLine.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id, "work_order__"))
            .select_related("work_order", "part", "operation"))


def line_operations(line: WorkOrderLine) -> list[Operation]:
    """What the line covers: its one tendered operation, or the part's routing as awarded (prefetched above),
    without operations a mould trial added later (new work; see services.work_orders._operations_of)."""
    if line.operation_id:
        return [line.operation]
    return [op for op in line.part.operations.all()
            if op.added_by_trial_at is None or op.added_by_trial_at <= line.award.awarded_at]


def progress_report_list(*, brain, enterprise_id: int | None):
    """Reports on lines of work orders the enterprise buys or makes, newest first, with their files."""
    if enterprise_id is None:
        return ProgressReport.objects.none()
    return (ProgressReport.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id, "line__work_order__"))
            .select_related("line__part", "operation__process", "reported_by")
            .prefetch_related(Prefetch("files", queryset=Attachment.objects.order_by("pk")))
            .order_by("-reported_at", "-pk"))


def attachment_list(*, brain, enterprise_id: int | None):
    """Files the enterprise may open: a progress report's to the work order's buyer and supplier, a mould
    trial's to the project's buyer."""
    if enterprise_id is None:
        return Attachment.objects.none()
    return (Attachment.objects.in_brain(brain)
            .filter(_buyer_or_supplier(enterprise_id, "report__line__work_order__")
                    | Q(trial__project__buyer_id=enterprise_id))
            .select_related("report__line").order_by("-uploaded_at", "-pk"))


def change_request_list(*, brain, enterprise_id: int | None):
    """Change requests on lines of work orders the enterprise buys or makes, newest first."""
    if enterprise_id is None:
        return ChangeRequest.objects.none()
    return (ChangeRequest.objects.in_brain(brain).filter(_buyer_or_supplier(enterprise_id, "line__work_order__"))
            .select_related("line__part", "line__work_order", "requested_by", "decided_by")
            .order_by("-requested_at", "-pk"))


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


def board_parts_touched(brain_id: int, payload: dict) -> list[int]:
    """The parts whose board rows an event changed, from its payload: its line's part, or the parts of its work
    order, or its part. Empty when it does not name one (the board then re-fetches every row)."""
    from capacity.models import WorkOrderLine

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


def supplier_file_facts(*, brain, enterprise_id: int, facts) -> None:
    """The enterprise file's platform facts from capacity sharing (a brain.selectors platform-facts provider):
    the capability profile, purchase orders won as supplier (not declined) and the delivery record."""
    profile = own_supplier_profile(brain=brain, enterprise_id=enterprise_id)
    facts.orders_won = PurchaseOrder.objects.in_brain(brain).filter(
        supplier_id=enterprise_id, cancelled_at__isnull=True).count()
    if profile is None:
        return
    from brain.selectors import ProcessCapability

    facts.processes = [ProcessCapability(c.process.code, c.process.name, c.weekly_free_hours)
                       for c in profile.capacities.all()]
    facts.materials, facts.certifications = list(profile.materials), list(profile.certifications)
    facts.completed_lines, facts.ratings_count = profile.completed_lines, profile.ratings_count
    facts.on_time_rate, facts.first_pass_yield, facts.rating = (profile.on_time_rate, profile.first_pass_yield,
                                                                profile.rating)
