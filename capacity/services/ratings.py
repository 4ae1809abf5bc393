"""Ratings and the supplier's record: what the buyer says of a completed work order, and what the facts say.

The record on the supplier's profile (rating, on-time rate, first-pass yield, counts) is always recomputed
from the facts of the brain — the ratings, the completed work-order lines, the inspected delivery lines —
never adjusted step by step, so running it again changes nothing. Matching ranks suppliers by it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from capacity.models import DeliveryLine, SupplierProfile, SupplierRating, WorkOrder, WorkOrderLine
from capacity.services.work_orders import lock_work_order, require_buyer_of
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import User
from tenants.outbox import event_record

SCORES = range(1, 6)
MAX_COMMENT = 500


@transaction.atomic
def work_order_rate(*, work_order: WorkOrder, by: User, quality: int, on_time: int, communication: int,
                    comment: str = "") -> SupplierRating:
    """The buyer rates a completed work order once: quality, on-time delivery and communication, 1 to 5."""
    with brain_context(work_order.brain_id):
        require_buyer_of(work_order, by)
        for field, value in (("quality", quality), ("on_time", on_time), ("communication", communication)):
            if isinstance(value, bool) or value not in SCORES:
                raise DomainError(_("Give 1 to 5 stars."), field=field)
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError(_("Keep the comment under 500 characters."), field="comment")
        work_order = lock_work_order(work_order)
        if work_order.status != WorkOrder.Status.COMPLETED:
            raise DomainError(_("A work order can be rated once it is completed."), code="invalid_state")
        if SupplierRating.objects.in_brain(work_order.brain_id).filter(work_order=work_order).exists():
            raise DomainError(_("This work order is already rated."), code="already_rated")
        rating = SupplierRating.objects.create(
            brain_id=work_order.brain_id, work_order=work_order, supplier_id=work_order.supplier_id, quality=quality,
            on_time=on_time, communication=communication, comment=comment, rated_by=by)
        supplier_record_refresh(brain_id=work_order.brain_id, supplier_id=work_order.supplier_id)
        event_record(brain_id=work_order.brain_id, name="work_order.rated", payload={
            "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": work_order.rfq.project_id,
            "rating": rating.pk})
        return rating


def _ratio(part, whole, places: str) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@transaction.atomic
def supplier_record_refresh(*, brain_id: int, supplier_id: int) -> SupplierProfile:
    """Recompute the supplier's record in this brain from the facts (in the caller's transaction):
    - rating: the mean of its ratings' scores (each the mean of quality, on time, communication), of 5;
    - on_time_rate: completed lines delivered by their due date / completed lines;
    - first_pass_yield: pieces accepted at inspection / pieces inspected, over every inspection of its
      deliveries in this brain (re-delivered pieces are inspected, and counted, again).
    The profile is made if the supplier has none yet, so its record is kept.
    """
    with brain_context(brain_id):
        profile, _created = SupplierProfile.objects.select_for_update().get_or_create(
            brain_id=brain_id, enterprise_id=supplier_id)
        ratings = SupplierRating.objects.in_brain(brain_id).filter(supplier_id=supplier_id).aggregate(
            n=Count("pk"), points=Sum("quality") + Sum("on_time") + Sum("communication"))
        lines = WorkOrderLine.objects.in_brain(brain_id).filter(
            work_order__supplier_id=supplier_id, completed_on__isnull=False).aggregate(
            n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        pieces = DeliveryLine.objects.in_brain(brain_id).filter(
            delivery__work_order__supplier_id=supplier_id).exclude(outcome=DeliveryLine.Outcome.PENDING).aggregate(
            inspected=Sum("quantity"), accepted=Sum("accepted_quantity"))
        profile.ratings_count = ratings["n"]
        profile.rating = _ratio(ratings["points"] or 0, 3 * ratings["n"], "0.01")
        profile.completed_lines = lines["n"]
        profile.on_time_rate = _ratio(lines["on_time"], lines["n"], "0.001")
        profile.first_pass_yield = _ratio(pieces["accepted"] or 0, pieces["inspected"] or 0, "0.001")
        profile.save(update_fields=["ratings_count", "rating", "completed_lines", "on_time_rate",
                                    "first_pass_yield", "updated_at"])
        return profile
