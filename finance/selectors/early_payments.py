"""Reads of early payments: who sees which, a buyer's maturity calendar, and the totals of what was paid early."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from finance.models import (
    Certificate, DiscountOffer, DiscountProgramme, EarlyPayment, FinancingInvitation, FinancingRequest, Payable,
)
from ledger.money import ZERO


def early_payment_list(*, brain, viewer):
    """Operators see every early payment; a member those it paid (a buyer's discounts, a bank's portfolio), was
    paid (a supplier), or whose claim it owes (a buyer: to whom it now pays); nobody else any."""
    rows = EarlyPayment.objects.in_brain(brain).select_related("payable", "certificate", "debtor", "supplier",
                                                                "payer")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(payer_id=me) | Q(supplier_id=me) | Q(debtor_id=me))
    return rows.none()


def sees_the_price(payment: EarlyPayment, *, enterprise_id: int | None, operator: bool = False) -> bool:
    """A bank's price (discount, fee, rate) is the bank's and its supplier's: the buyer who owes the claim sees
    to whom it now pays, not what the supplier paid for its money."""
    return operator or enterprise_id in (payment.payer_id, payment.supplier_id)


def maturity_calendar(*, brain, viewer, start: date, end: date) -> list[dict]:
    """What the viewer's enterprise owes between `start` and `end`, day by day, and to whom it pays at maturity:
    the creditor of a payable (or the bank that financed it) and the holder of a certificate (a bank, if one
    financed it)."""
    if not viewer.is_member:
        return []
    me = viewer.enterprise_id
    payables = list(Payable.objects.in_brain(brain).filter(
        debtor_id=me, status__in=[Payable.Status.CONFIRMED, Payable.Status.FINANCED], due_on__range=(start, end))
        .select_related("creditor"))
    banks = {p.payable_id: p.payer for p in EarlyPayment.objects.in_brain(brain).filter(
        kind=EarlyPayment.Kind.BANK, payable_id__in=[p.pk for p in payables]).select_related("payer")}
    certificates = Certificate.objects.in_brain(brain).filter(
        issuer_id=me, status__in=[Certificate.Status.HELD, Certificate.Status.OFFERED],
        matures_on__range=(start, end)).select_related("holder")
    rows = [{"due_on": p.due_on, "kind": "payable", "id": p.pk, "number": p.number, "amount": p.amount,
             "payee": banks.get(p.pk, p.creditor), "financed": p.pk in banks} for p in payables]
    financed = set(EarlyPayment.objects.in_brain(brain).filter(
        kind=EarlyPayment.Kind.BANK, certificate__in=certificates).values_list("certificate_id", flat=True))
    rows += [{"due_on": c.matures_on, "kind": "certificate", "id": c.pk, "number": c.number, "amount": c.amount,
              "payee": c.holder, "financed": c.pk in financed} for c in certificates]
    return sorted(rows, key=lambda row: (row["due_on"], row["number"]))


def early_payment_totals(*, brain) -> dict:
    """The brain's early payments by kind (count, face, paid, discounts and fees) and the face banks still wait
    for: totals only, for every viewer who may see the brain's figures."""
    keys = ("face", "amount", "discount", "fee")
    rows = EarlyPayment.objects.in_brain(brain).order_by().values("kind").annotate(
        count=Count("pk"), **{f"{key}_total": Sum(key) for key in keys},
        outstanding_total=Sum("face", filter=Q(kind=EarlyPayment.Kind.BANK, settled_on__isnull=True)))
    by_kind = {row["kind"]: row for row in rows}
    return {"by_kind": [{"kind": kind, "label": label, "count": by_kind.get(kind, {}).get("count", 0),
                         **{key: by_kind.get(kind, {}).get(f"{key}_total") or ZERO
                            for key in (*keys, "outstanding")}}
                        for kind, label in EarlyPayment.Kind.choices]}


def claims_to_pay_early(*, brain, viewer, debtor_id: int | None = None) -> list:
    """The claims the viewer's enterprise may have paid early (by `debtor_id` only, if given): its confirmed
    payables never issued as certificates and the live certificates it holds, not paid early, not yet due."""
    if not viewer.is_member:
        return []
    me, today = viewer.enterprise_id, timezone.localdate()
    payables = Payable.objects.in_brain(brain).filter(creditor_id=me, status=Payable.Status.CONFIRMED,
                                                      due_on__gt=today).select_related("debtor")
    certificates = Certificate.objects.in_brain(brain).filter(
        holder_id=me, status=Certificate.Status.HELD, matures_on__gt=today).exclude(
        early_payments__isnull=False).select_related("issuer")
    if debtor_id is not None:
        payables, certificates = payables.filter(debtor_id=debtor_id), certificates.filter(issuer_id=debtor_id)
    return [*payables.order_by("due_on", "pk"), *certificates.order_by("matures_on", "pk")]


def early_payment_overview(*, brain, viewer) -> dict:
    """The finance home's early-payment section for a member: its open programme (a buyer) and the offers waiting
    on it, its open offers and requests (a supplier), the requests it was asked to quote (a bank), and what it
    pays in the next 30 days."""
    if not viewer.is_member:
        return {}
    me, today = viewer.enterprise_id, timezone.localdate()
    programme = DiscountProgramme.objects.in_brain(brain).filter(buyer_id=me,
                                                                status=DiscountProgramme.Status.OPEN).first()
    offers = DiscountOffer.objects.in_brain(brain).filter(status=DiscountOffer.Status.OPEN, recurring=False)
    return {
        "programme": programme,
        "offers_waiting": offers.filter(programme=programme).count() if programme else 0,
        "my_offers": offers.filter(supplier_id=me).count(),
        "my_requests": FinancingRequest.objects.in_brain(brain).filter(
            supplier_id=me, status=FinancingRequest.Status.OPEN).count(),
        "to_quote": FinancingInvitation.objects.in_brain(brain).filter(
            bank_id=me, request__status=FinancingRequest.Status.OPEN).count() if viewer.has_role("financier") else 0,
        "due_soon": sum(row["amount"] for row in maturity_calendar(brain=brain, viewer=viewer, start=today,
                                                                   end=today + timedelta(days=30))),
    }
