"""Reads of dynamic discounting: who sees which programme, offer and clearing run, and a buyer's rollforward."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, Sum

from finance.models import Certificate, ClearingRun, DiscountOffer, DiscountProgramme, EarlyPayment, Payable
from finance.services.books import BOOK, PAYABLE
from ledger.models import Line
from ledger.money import ZERO


def _owing_me(brain, me):
    """The enterprises that owe `me` a live claim: a confirmed payable, or a certificate it holds."""
    return Payable.objects.in_brain(brain).filter(creditor_id=me, status=Payable.Status.CONFIRMED).values(
        "debtor_id").union(Certificate.objects.in_brain(brain).filter(
            holder_id=me, status=Certificate.Status.HELD).values("issuer_id"))


def discount_programme_list(*, brain, viewer):
    """Operators see every programme; a buyer its own; a supplier the open programmes of buyers that owe it, and
    those it made offers to. The cash figures are the buyer's (the serializer shows them to it and operators)."""
    rows = DiscountProgramme.objects.in_brain(brain).select_related("buyer")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        offered = DiscountOffer.objects.filter(programme=OuterRef("pk"), supplier_id=me)
        owing = Q(status=DiscountProgramme.Status.OPEN, buyer_id__in=_owing_me(brain, me))
        return rows.filter(Q(buyer_id=me) | owing | Exists(offered))
    return rows.none()


def programme_cash_visible(*, programme, viewer) -> bool:
    """A programme's cash (available and used) is its buyer's and the operators' to see; suppliers offering on it
    are not told how much the buyer has put up."""
    return bool(viewer and (viewer.is_operator or viewer.enterprise_id == programme.buyer_id))


def discount_offer_list(*, brain, viewer):
    """Operators see every offer; a supplier its own; a buyer the offers on its programmes."""
    rows = DiscountOffer.objects.in_brain(brain).select_related(
        "programme__buyer", "supplier", "payable", "certificate", "early_payment", "offered_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(supplier_id=me) | Q(programme__buyer_id=me))
    return rows.none()


def clearing_run_list(*, brain, viewer):
    """Operators see every clearing run; a buyer those of its programmes."""
    rows = ClearingRun.objects.in_brain(brain).select_related("programme__buyer", "started_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(programme__buyer_id=viewer.enterprise_id)
    return rows.none()


def _owed(lines) -> object:
    totals = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["credit"] or ZERO) - (totals["debit"] or ZERO)


def programme_rollforward(*, brain, viewer, start: date, end: date) -> list[dict]:
    """Per buyer, from the journal (so it ties to the books): what it owed at the start (confirmed, unpaid), what
    it confirmed in the period, what it paid at maturity, what it paid early at a discount (at face), what it owed
    at the end; and of what it owes, the face banks financed in the period. A buyer sees its own row, operators
    every buyer's, government viewers only the brain's total (buyer None)."""
    if not (viewer.is_operator or viewer.staff_role or viewer.is_member):
        return []
    lines = Line.objects.in_brain(brain).filter(account__book=BOOK, account__kind=PAYABLE)
    if viewer.is_member and not viewer.is_operator:
        lines = lines.filter(account__enterprise_id=viewer.enterprise_id)
    by_buyer = not (viewer.staff_role and not viewer.is_operator)
    keys = sorted(set(lines.values_list("account__enterprise_id", flat=True))) if by_buyer else [None]
    financed = EarlyPayment.objects.in_brain(brain).filter(kind=EarlyPayment.Kind.BANK, paid_on__range=(start, end))
    rows = []
    for buyer_id in keys:
        mine = lines.filter(account__enterprise_id=buyer_id) if buyer_id else lines
        period = mine.filter(entry__booked_on__range=(start, end))
        opening = _owed(mine.filter(entry__booked_on__lt=start))
        confirmed = period.filter(credit__gt=0).aggregate(total=Sum("credit"))["total"] or ZERO
        discounted = period.filter(entry__kind="early_payment_discount").aggregate(total=Sum("debit"))["total"] \
            or ZERO
        paid = (period.aggregate(total=Sum("debit"))["total"] or ZERO) - discounted
        banks = (financed.filter(debtor_id=buyer_id) if buyer_id else financed).aggregate(total=Sum("face"))
        rows.append({"buyer": buyer_id, "opening": opening, "confirmed": confirmed, "paid": paid,
                     "discounted": discounted, "closing": opening + confirmed - paid - discounted,
                     "financed": banks["total"] or ZERO})
    return rows
