"""Settling at maturity what was paid early or passed on: a payable is paid once no live part of it is left, and a
claim a bank financed is paid to the bank, which settles the bank's early payment (and frees its credit line).

Called by the payment and redemption services within their locks: the payable, then certificates by id, then the
credit line."""

from datetime import date

from django.db.models import F

from finance.models import Certificate, CreditLine, EarlyPayment, Payable
from tenants.models import User
from tenants.outbox import event_record


def payable_paid_if_done(*, payable: Payable, paid_on: date, by: User | None) -> bool:
    """The locked payable of certificates is paid when none of its parts is live (not split, not redeemed)."""
    unpaid = Certificate.objects.in_brain(payable.brain_id).filter(payable_id=payable.pk).exclude(
        status__in=[Certificate.Status.SPLIT, Certificate.Status.REDEEMED])
    if unpaid.exists():
        return False
    payable.status, payable.paid_on, payable.paid_by = Payable.Status.PAID, paid_on, by if by and by.pk else None
    payable.save(update_fields=["status", "paid_on", "paid_by"])
    event_record(brain_id=payable.brain_id, name="payable.paid", payload=paid_payload(payable))
    return True


def paid_payload(payable: Payable, **more) -> dict:
    """The `payable.paid` event of a payable just paid in full: who, its evidence (source and source id, as recorded)
    and what was discharged (its amount, the date), so an app whose books follow the evidence (supplychain, for a
    group purchase's settlement) books the payment once without reading finance."""
    return {"payable": payable.pk, "debtor": payable.debtor_id, "creditor": payable.creditor_id,
            "number": payable.number, "source": payable.source, "source_id": payable.source_id,
            "amount": f"{payable.amount:.2f}", "on": payable.paid_on.isoformat(), **more}


def bank_payment_of(*, brain_id: int, payable: Payable | None = None,
                    certificate: Certificate | None = None) -> EarlyPayment | None:
    """The bank's early payment of a claim, if a bank financed it."""
    lookup = {"certificate": certificate} if certificate is not None else {"payable": payable, "certificate": None}
    return EarlyPayment.objects.in_brain(brain_id).filter(kind=EarlyPayment.Kind.BANK, **lookup).first()


def bank_settle(*, payment: EarlyPayment, paid_on: date) -> EarlyPayment:
    """The debtor paid the bank the face at maturity: the early payment is settled and the bank's line on the
    debtor has that much room again."""
    payment.settled_on = paid_on
    payment.save(update_fields=["settled_on"])
    CreditLine.objects.in_brain(payment.brain_id).filter(bank_id=payment.payer_id, buyer_id=payment.debtor_id).update(
        used=F("used") - payment.face)
    return payment
