"""Awards: per line, exactly once, with a purchase order per winning supplier; and the optimiser's advice."""

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity import optimiser
from capacity.models import (
    Award, Operation, PurchaseOrder, QuoteLine, Recommendation, Rfq, RfqLine, SupplierCapacity, WorkOrder,
)
from capacity.services.projects import require_project_buyer
from capacity.services.rfqs import close_at_deadline, lock_rfq
from capacity.services.work_orders import work_order_issue
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import User
from tenants.outbox import event_record
from tenants.services.brains import next_number


def _ensure_quoting_ended(rfq: Rfq) -> Rfq:
    """Awarding needs the bids open: after the deadline an RFQ still marked published (beat has not got to
    it yet) is closed here."""
    close_at_deadline(rfq)
    if rfq.status not in (Rfq.Status.CLOSED, Rfq.Status.AWARDED):
        raise DomainError(_("Quotes can be awarded only after the deadline or once the RFQ is closed."),
                          code="invalid_state")
    return rfq


@transaction.atomic
def award_lines(*, rfq: Rfq, decisions: dict[int, int], by: User) -> list[PurchaseOrder]:
    """Award each RFQ line to one quote line. Lines may go to different suppliers (split award).

    Under the RFQ's lock, and the database allows one award per line, so two buyers clicking at once
    award a line once: the second gets `already_awarded` and nothing of theirs is written.
    """
    with brain_context(rfq.brain_id):
        require_project_buyer(rfq.project, by)
        rfq = _ensure_quoting_ended(lock_rfq(rfq))
        if not decisions:
            raise DomainError(_("Choose a quote for at least one line."), field="decisions")
        lines = RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq).in_bulk()
        quote_lines = QuoteLine.objects.in_brain(rfq.brain_id).filter(quote__rfq=rfq).select_related(
            "quote").in_bulk(list(decisions.values()))
        awarded = set(Award.objects.in_brain(rfq.brain_id).filter(rfq_line__rfq=rfq, voided_at__isnull=True)
                      .values_list("rfq_line_id", flat=True))
        for line_id, quote_line_id in decisions.items():
            if line_id not in lines:
                raise DomainError(_("Line %(id)s is not a line of this RFQ.") % {"id": line_id}, field="decisions")
            if line_id in awarded:
                raise DomainError(_("Line %(n)s has already been awarded.") % {"n": lines[line_id].line_no},
                                  code="already_awarded", field="decisions")
            quote_line = quote_lines.get(quote_line_id)
            if quote_line is None or quote_line.rfq_line_id != line_id:
                raise DomainError(_("Line %(n)s: that quote is not for this line.") % {"n": lines[line_id].line_no},
                                  field="decisions")
            if quote_line.valid_until and quote_line.valid_until < timezone.localdate():
                raise DomainError(_("Line %(n)s: that quote expired on %(date)s.")
                                  % {"n": lines[line_id].line_no, "date": quote_line.valid_until},
                                  code="quote_expired", field="decisions")
        by_supplier = defaultdict(list)
        for line_id, quote_line_id in decisions.items():
            by_supplier[quote_lines[quote_line_id].quote.supplier_id].append((lines[line_id], quote_lines[quote_line_id]))
        orders = []
        for supplier_id, pairs in sorted(by_supplier.items()):
            order = PurchaseOrder.objects.in_brain(rfq.brain_id).filter(
                rfq=rfq, supplier_id=supplier_id, cancelled_at__isnull=True).first()
            if order is not None:  # lock order: RFQ, then work order (as declining takes them)
                issued = WorkOrder.objects.in_brain(rfq.brain_id).select_for_update().filter(purchase_order=order).first()
                if issued is not None and issued.status != WorkOrder.Status.ISSUED:
                    raise DomainError(
                        _("%(supplier)s has already accepted its work order of this RFQ: lines cannot be added to "
                          "it. Award these lines to it in a new RFQ.") % {"supplier": issued.supplier},
                        code="work_order_accepted", field="decisions")
            if order is None:
                order = PurchaseOrder.objects.create(brain_id=rfq.brain_id, rfq=rfq, supplier_id=supplier_id,
                                                     number=next_number(brain_id=rfq.brain_id, prefix="PO"),
                                                     issued_by=by)
            try:
                with transaction.atomic():
                    made = Award.objects.bulk_create(
                        Award(brain_id=rfq.brain_id, rfq_line=line, quote_line=quote_line, purchase_order=order,
                              unit_price=quote_line.unit_price, vat_rate=quote_line.vat_rate,
                              quantity=line.quantity, awarded_by=by)
                        for line, quote_line in pairs
                    )
            except IntegrityError as error:  # only if someone bypassed the lock; the database still holds
                raise DomainError(_("Some lines have already been awarded."), code="already_awarded") from error
            work_order_issue(order=order, awards=made)
            orders.append(order)
        if len(awarded) + len(decisions) == len(lines):
            rfq.mark_awarded()
            rfq.save(update_fields=["status"])
        event_record(brain_id=rfq.brain_id, name="rfq.awarded", payload={
            "rfq": rfq.pk, "lines": sorted(decisions), "purchase_orders": [o.pk for o in orders],
            "winners": sorted(by_supplier), "complete": rfq.status == Rfq.Status.AWARDED,
        })
        return orders


@transaction.atomic
def recommendation_request(*, rfq: Rfq, by: User, max_suppliers: int | None = None) -> Recommendation:
    """Ask for the optimiser's award (computed by Celery on the matching queue)."""
    with brain_context(rfq.brain_id):
        require_project_buyer(rfq.project, by)
        rfq = _ensure_quoting_ended(lock_rfq(rfq))
        if max_suppliers is not None and max_suppliers < 1:
            raise DomainError(_("At least one supplier."), field="max_suppliers")
        recommendation = Recommendation.objects.create(brain_id=rfq.brain_id, rfq=rfq, max_suppliers=max_suppliers,
                                                       requested_by=by)
        event_record(brain_id=rfq.brain_id, name="rfq.recommendation_requested",
                     payload={"rfq": rfq.pk, "recommendation": recommendation.pk})
        return recommendation


def award_options(rfq: Rfq) -> tuple[list[optimiser.Option], dict[tuple[int, int], float]]:
    """Every quote line as an optimiser option, and each quoting supplier's free hours until the due dates."""
    today = timezone.localdate()
    lines = list(RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq))
    hours_per_piece = defaultdict(dict)  # line id -> {process: hours for the line's quantity}
    operations = Operation.objects.in_brain(rfq.brain_id).filter(part_id__in=[l.part_id for l in lines])
    by_part = defaultdict(list)
    for operation in operations:
        by_part[operation.part_id].append(operation)
    for line in lines:
        for operation in by_part[line.part_id]:
            if (line.operation_id in (None, operation.pk)) and operation.estimated_hours:
                # a routing may use a process twice (rough and finish milling): the hours add up
                needed = hours_per_piece[line.pk]
                needed[operation.process_id] = (needed.get(operation.process_id, 0.0)
                                                + float(operation.estimated_hours) * line.quantity)
    options = [
        optimiser.Option(
            line=ql.rfq_line_id, quote_line=ql.pk, supplier=ql.quote.supplier_id,
            cost=ql.unit_price * ql.rfq_line.quantity,
            meets_due_date=ql.rfq_line.due_date is None or ql.lead_time_days <= (ql.rfq_line.due_date - today).days,
            hours=hours_per_piece.get(ql.rfq_line_id, {}),
        )
        for ql in QuoteLine.objects.in_brain(rfq.brain_id).filter(quote__rfq=rfq).select_related("quote", "rfq_line")
        if not (ql.valid_until and ql.valid_until < today)  # an expired quote is no offer
    ]
    due = [l.due_date for l in lines if l.due_date]
    weeks = max(1.0, ((max(due) - today).days / 7.0) if due else 4.0)
    suppliers = {o.supplier for o in options}
    capacity = {
        (c.profile.enterprise_id, c.process_id): float(c.weekly_free_hours) * weeks
        for c in SupplierCapacity.objects.in_brain(rfq.brain_id).filter(profile__enterprise_id__in=suppliers)
        .select_related("profile")
    }
    return options, capacity


def recommendation_compute(*, brain_id: int, recommendation_id: int) -> Recommendation:
    """Solve and store. Idempotent: a finished recommendation, or one another worker is solving, is left."""
    with brain_context(brain_id), transaction.atomic():
        recommendation = (Recommendation.objects.in_brain(brain_id).select_for_update(skip_locked=True, of=("self",))
                          .select_related("rfq").filter(pk=recommendation_id).first())
        if recommendation is None or recommendation.status != Recommendation.Status.PENDING:
            return recommendation or Recommendation.objects.in_brain(brain_id).get(pk=recommendation_id)
        return _solve(recommendation)


def _solve(recommendation: Recommendation) -> Recommendation:
    options, capacity = award_options(recommendation.rfq)
    best = optimiser.optimise(options, capacity=capacity, max_suppliers=recommendation.max_suppliers)
    # Compare like with like: the naive choice over the lines the recommendation could award.
    cheapest = optimiser.naive([o for o in options if o.line not in set(best.unquoted)])
    check = optimiser.optimise(
        [o for o in options if cheapest.choice.get(o.line) == o.quote_line], capacity=capacity,
        max_suppliers=recommendation.max_suppliers,
    )
    recommendation.status = Recommendation.Status.READY if best.feasible else Recommendation.Status.INFEASIBLE
    recommendation.choice = {str(k): v for k, v in best.choice.items()}
    recommendation.total = best.total
    recommendation.optimal = best.optimal if best.feasible else None
    recommendation.gap = Decimal(str(round(best.gap, 5))) if best.gap is not None else None
    recommendation.naive_choice = {str(k): v for k, v in cheapest.choice.items()}
    recommendation.naive_total = cheapest.total
    recommendation.naive_feasible = check.feasible and not check.unquoted
    recommendation.unquoted_lines = best.unquoted
    recommendation.computed_at = timezone.now()
    recommendation.save()
    event_record(brain_id=recommendation.brain_id, name="rfq.recommendation_ready",
                 payload={"rfq": recommendation.rfq_id, "recommendation": recommendation.pk})
    return recommendation


def extra_cost(recommendation: Recommendation) -> Decimal | None:
    """What the constraints cost: recommended total − cheapest-per-line total (over the same lines)."""
    if recommendation.total is None or recommendation.naive_total is None:
        return None
    return recommendation.total - recommendation.naive_total
