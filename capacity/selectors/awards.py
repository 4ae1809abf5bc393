"""Reads of awards: purchase orders and the optimiser's recommendations."""

from decimal import Decimal

from django.db.models import Prefetch, Q

from capacity.models import Award, PurchaseOrder, QuoteLine, Recommendation, Rfq
from ledger.money import vat_inside


def purchase_order_sheet(*, order: PurchaseOrder) -> dict:
    """A purchase order with its lines, amounts and tax (prices include VAT), for printing."""
    awards = list(Award.objects.in_brain(order.brain_id).filter(purchase_order=order)
                  .select_related("rfq_line__part", "rfq_line__operation__process").order_by("rfq_line__line_no"))
    lines, total, tax = [], Decimal("0"), Decimal("0")
    for award in awards:
        amount = award.amount
        line_tax = vat_inside(amount, award.vat_rate)
        lines.append({"award": award, "amount": amount, "tax": line_tax})
        total += amount
        tax += line_tax
    return {"order": order, "lines": lines, "total": total, "tax": tax, "net": total - tax}


def purchase_order_list(*, brain, viewer):
    """POs of the buyer's RFQs and the supplier's own POs, each with its award lines."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return PurchaseOrder.objects.none()
    awards = Award.objects.select_related("rfq_line__part", "rfq_line__operation__process").order_by(
        "rfq_line__line_no")
    return (PurchaseOrder.objects.in_brain(brain)
            .filter(Q(rfq__buyer_id=enterprise_id) | Q(supplier_id=enterprise_id))
            .select_related("rfq__buyer", "supplier")
            .prefetch_related(Prefetch("awards", queryset=awards))
            .order_by("-issued_at", "-pk"))


def latest_recommendation(*, rfq: Rfq) -> Recommendation | None:
    return Recommendation.objects.in_brain(rfq.brain_id).filter(rfq=rfq).order_by("-created_at", "-pk").first()


def recommendation_lines(*, recommendation: Recommendation) -> list[dict]:
    """The recommended choice as award decisions [{rfq_line, quote_line, supplier}], in line order."""
    choice = {int(line): quote_line for line, quote_line in recommendation.choice.items()}
    rows = (QuoteLine.objects.in_brain(recommendation.brain_id).filter(pk__in=choice.values(), rfq_line_id__in=choice)
            .order_by("rfq_line__line_no").values_list("rfq_line_id", "pk", "quote__supplier_id"))
    return [{"rfq_line": line, "quote_line": quote_line, "supplier": supplier}
            for line, quote_line, supplier in rows if choice.get(line) == quote_line]
