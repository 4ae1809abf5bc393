"""Reads of bank financing: a bank sees its lines, the requests it was asked to quote, its quotes and its portfolio,
never a supplier's other trade; a supplier its requests and the quotes on them; and each bank's exposure."""

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum

from finance.models import CreditLine, EarlyPayment, FinancingInvitation, FinancingQuote, FinancingRequest
from ledger.money import ZERO


def credit_line_list(*, brain, viewer):
    """Operators see every line; a bank its own."""
    rows = CreditLine.objects.in_brain(brain).select_related("bank", "buyer")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(bank_id=viewer.enterprise_id)
    return rows.none()


def financing_request_list(*, brain, viewer):
    """Operators see every request; a supplier its own; a bank those it was asked to quote."""
    rows = FinancingRequest.objects.in_brain(brain).select_related("supplier", "debtor", "payable", "certificate",
                                                                   "requested_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        asked = FinancingInvitation.objects.filter(request=OuterRef("pk"), bank_id=me)
        return rows.filter(Q(supplier_id=me) | Exists(asked))
    return rows.none()


def financing_quote_list(*, brain, viewer):
    """Operators see every quote; a bank its own; a supplier those on its requests."""
    rows = FinancingQuote.objects.in_brain(brain).select_related("request__supplier", "bank", "quoted_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(bank_id=me) | Q(request__supplier_id=me))
    return rows.none()


def bank_exposure(*, brain, viewer) -> list[dict]:
    """Each bank's exposure per buyer against its line: the limit, what is used, the room, the expiry, and the
    financed claims the buyer has not yet paid (count, face, the next maturity). A bank sees its own, operators
    every bank's, government viewers the brain's total only (bank and buyer None)."""
    lines = CreditLine.objects.in_brain(brain).select_related("bank", "buyer").order_by("bank_id", "buyer_id")
    open_ = EarlyPayment.objects.in_brain(brain).filter(kind=EarlyPayment.Kind.BANK, settled_on__isnull=True)
    if not viewer.is_operator:
        if viewer.is_member:
            lines, open_ = lines.filter(bank_id=viewer.enterprise_id), open_.filter(payer_id=viewer.enterprise_id)
        elif not viewer.staff_role:
            return []
    outstanding = {(row["payer_id"], row["debtor_id"]): row for row in open_.order_by().values(
        "payer_id", "debtor_id").annotate(count=Count("pk"), face=Sum("face"), next=Min("matures_on"))}
    rows = []
    for line in lines:
        due = outstanding.get((line.bank_id, line.buyer_id), {})
        rows.append({"bank": line.bank, "buyer": line.buyer, "limit": line.limit, "used": line.used,
                     "room": line.room, "expires_on": line.expires_on, "claims": due.get("count", 0),
                     "outstanding": due.get("face") or ZERO, "next_maturity": due.get("next")})
    if viewer.staff_role and not viewer.is_operator and not viewer.is_member:
        return [{"bank": None, "buyer": None, "limit": sum((r["limit"] for r in rows), ZERO),
                 "used": sum((r["used"] for r in rows), ZERO), "room": sum((r["room"] for r in rows), ZERO),
                 "expires_on": None, "claims": sum(r["claims"] for r in rows),
                 "outstanding": sum((r["outstanding"] for r in rows), ZERO), "next_maturity": None}]
    return rows
