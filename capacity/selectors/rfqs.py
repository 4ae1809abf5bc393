"""Reads of RFQs: the buyer's own, those a supplier may quote on, invitations, questions and answers; quotes: a
supplier's own, and the buyer's comparison, sealed until quoting has ended."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery

from capacity.models import Award, Invitation, Question, Quote, QuoteLine, Rfq, RfqLine, SupplierProfile
from tenants.models import Enterprise


def answered_questions(*, rfq: Rfq):
    return Question.objects.in_brain(rfq.brain_id).filter(rfq=rfq).exclude(answer="")


def rfqs_to_quote(*, brain, viewer):
    """The supplier's RFQs page: rfqs_open_to_supplier with its own revision and match score, newest first."""
    supplier_id = viewer.enterprise_id or 0
    own_quotes = Quote.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=supplier_id)
    invitation = Invitation.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=supplier_id)
    return (rfqs_open_to_supplier(brain=brain, viewer=viewer).select_related("buyer", "project")
            .annotate(my_revision=Subquery(own_quotes.values("revision")[:1]),
                      match_score=Subquery(invitation.values("score")[:1]))
            .order_by("-published_at"))


# A supplier sees an RFQ once it is published, and keeps seeing it after quoting ends; never a draft.
RFQ_STATUSES_FOR_SUPPLIERS = (Rfq.Status.PUBLISHED, Rfq.Status.CLOSED, Rfq.Status.AWARDED)


def rfqs_open_to_supplier(*, brain, viewer):
    """RFQs the enterprise may see as a supplier: published or later, and it is invited, or the RFQ is open
    to all and the enterprise is an active supplier of the brain (capacity.services.rfqs.may_quote)."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Rfq.objects.none()
    invited = Exists(Invitation.objects.in_brain(brain).filter(rfq=OuterRef("pk"), supplier_id=enterprise_id))
    reachable = Q(invited) | Q(open_to_all=True) if viewer.has_role("supplier") else Q(invited)
    return Rfq.objects.in_brain(brain).filter(
        Q(status__in=RFQ_STATUSES_FOR_SUPPLIERS) & ~Q(buyer_id=enterprise_id) & reachable)


def rfq_list(*, brain, viewer):
    """The buyer's own RFQs in every status, and the RFQs the enterprise may quote on."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Rfq.objects.none()
    quotable = rfqs_open_to_supplier(brain=brain, viewer=viewer).values("pk")
    return (Rfq.objects.in_brain(brain).filter(Q(buyer_id=enterprise_id) | Q(pk__in=quotable))
            .select_related("buyer")
            .prefetch_related(Prefetch("lines", queryset=RfqLine.objects.select_related("part", "operation__process")
                                       .order_by("line_no")))
            .order_by("-created_at", "-pk"))


def own_rfq_list(*, brain, viewer):
    """The RFQs the viewer's enterprise put out as a buyer, in every status (its buyer-only pages and parts)."""
    return rfq_list(brain=brain, viewer=viewer).filter(buyer_id=viewer.enterprise_id or 0)


def invitation_list(*, rfq: Rfq):
    return (Invitation.objects.in_brain(rfq.brain_id).filter(rfq=rfq).select_related("supplier")
            .order_by("-score", "supplier__legal_name", "pk"))


def question_list(*, brain, viewer, rfq: Rfq | None = None):
    """The buyer sees every question on its RFQs; a supplier its own questions and every answered one on
    RFQs it may quote on."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Question.objects.none()
    quotable = rfqs_open_to_supplier(brain=brain, viewer=viewer).values("pk")
    questions = Question.objects.in_brain(brain).filter(
        Q(rfq__buyer_id=enterprise_id)
        | Q(rfq_id__in=quotable) & (Q(asked_by_id=enterprise_id) | ~Q(answer=""))
    )
    if rfq is not None:
        questions = questions.filter(rfq=rfq)
    return questions.select_related("rfq", "asked_by").order_by("asked_at", "pk")



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


def quote_list(*, brain, viewer):
    """The enterprise's own quotes, as a supplier. Never another supplier's, never seen by the buyer here."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Quote.objects.none()
    return (Quote.objects.in_brain(brain).filter(supplier_id=enterprise_id).select_related("rfq")
            .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.select_related("rfq_line")
                                       .order_by("rfq_line__line_no")))
            .order_by("-submitted_at", "-pk"))
