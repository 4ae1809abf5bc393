"""Reads of deliveries and inspection, and the accepted value finance reads."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Prefetch, Sum

from capacity.models import Delivery, DeliveryLine, SupplierRating
from capacity.selectors.work_orders import buyer_or_supplier


def delivery_list(*, brain, viewer):
    """Deliveries of work orders the enterprise buys or supplies, each with its lines."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Delivery.objects.none()
    return (Delivery.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id, "work_order__"))
            .select_related("work_order__purchase_order", "recorded_by")
            .prefetch_related(Prefetch("lines", queryset=DeliveryLine.objects.select_related(
                "line__part", "line__operation__process", "inspected_by").order_by("pk")))
            .order_by("-delivered_on", "-pk"))


def delivery_line_list(*, brain, viewer):
    """Delivered lines (with their inspection) of work orders the enterprise buys or supplies."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return DeliveryLine.objects.none()
    return (DeliveryLine.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id, "delivery__work_order__"))
            .select_related("delivery__work_order", "line__part", "line__operation__process", "inspected_by")
            .order_by("-delivery__delivered_on", "-pk"))


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


@dataclass(frozen=True)
class AcceptedDelivery:
    """A delivery note whose every line is inspected: the value the buyer accepted, the evidence of a payable."""

    delivery_id: int
    note_number: str
    work_order_id: int
    rfq_number: str
    buyer_id: int
    supplier_id: int
    currency: str
    amount: Decimal  # VAT included
    tax: Decimal
    accepted_on: date  # the last inspection of its lines
    payment_days: int  # the RFQ's payment terms


def accepted_delivery(*, brain_id: int, delivery_id: int) -> AcceptedDelivery | None:
    """The accepted value of a delivery once all its lines are inspected; None while one waits, or if nothing was
    accepted (every piece refused)."""
    delivery = (Delivery.objects.in_brain(brain_id).select_related("work_order__rfq")
                .filter(pk=delivery_id).first())
    if delivery is None:
        return None
    lines = DeliveryLine.objects.in_brain(brain_id).filter(delivery_id=delivery_id)
    if lines.filter(outcome=DeliveryLine.Outcome.PENDING).exists():
        return None
    totals = lines.aggregate(amount=Sum("amount"), tax=Sum("tax"), accepted_on=Max("accepted_on"))
    if not totals["amount"]:
        return None
    work_order = delivery.work_order
    return AcceptedDelivery(
        delivery_id=delivery.pk, note_number=delivery.note_number, work_order_id=work_order.pk,
        rfq_number=work_order.rfq.number, buyer_id=work_order.buyer_id, supplier_id=work_order.supplier_id,
        currency=work_order.currency, amount=totals["amount"], tax=totals["tax"], accepted_on=totals["accepted_on"],
        payment_days=work_order.rfq.payment_days)


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
