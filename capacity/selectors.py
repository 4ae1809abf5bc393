"""Reads shared by capacity's views, API and tasks. They run in the caller's brain context (a request or
a task has entered it) and take the brain or a brain-owned object explicitly."""

from dataclasses import dataclass, field
from decimal import Decimal

from capacity.models import (
    Award, Operation, Part, Project, Question, Quote, QuoteLine, Rfq, RfqLine, SupplierProfile,
)
from capacity.services.projects import PART_FIELDS
from tenants.models import Enterprise, Process


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
        awarded=dict(Award.objects.in_brain(rfq.brain_id).filter(rfq_line__rfq=rfq)
                     .values_list("rfq_line_id", "quote_line_id")),
    )
    quantity = {line.pk: line.quantity for line in lines}
    for ql in quote_lines:
        supplier = ql.quote.supplier_id
        result.cells[(ql.rfq_line_id, supplier)] = ql
        result.totals[supplier] = result.totals.get(supplier, Decimal(0)) + ql.unit_price * quantity[ql.rfq_line_id]
    for line in lines:
        offers = [(s, ql) for (l, s), ql in result.cells.items() if l == line.pk]
        if offers:
            result.lowest[line.pk] = min(offers, key=lambda o: (o[1].unit_price, o[0]))[0]
            result.fastest[line.pk] = min(offers, key=lambda o: (o[1].lead_time_days, o[0]))[0]
    return result


def own_quote(*, rfq: Rfq, supplier_id: int) -> Quote | None:
    return (Quote.objects.in_brain(rfq.brain_id).filter(rfq=rfq, supplier_id=supplier_id)
            .prefetch_related("lines__rfq_line").first())


def answered_questions(*, rfq: Rfq):
    return Question.objects.in_brain(rfq.brain_id).filter(rfq=rfq).exclude(answer="")
