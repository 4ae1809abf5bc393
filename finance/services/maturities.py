"""Maturity reminders: 7, 3 and 1 days before a claim is due, and on the day, its debtor and its payee (the
creditor, the holder of a certificate, or the bank that financed it) hear `payment.due`, once per claim and day."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import Certificate, EarlyPayment, MaturityReminder, Payable
from tenants.context import brain_context, cross_brain
from tenants.outbox import event_record

REMINDER_DAYS = (7, 3, 1, 0)


def _due(today: date) -> tuple[list, list]:
    """(brain, payable) and (brain, certificate) ids of the live claims due on a reminder day, all brains."""
    days = [today + timedelta(days=n) for n in REMINDER_DAYS]
    with transaction.atomic(), cross_brain(reason="maturity reminders"):
        payables = list(Payable.objects.filter(
            status__in=[Payable.Status.CONFIRMED, Payable.Status.FINANCED], due_on__in=days).values_list(
            "brain_id", "pk"))
        certificates = list(Certificate.objects.filter(
            status__in=[Certificate.Status.HELD, Certificate.Status.OFFERED], matures_on__in=days).values_list(
            "brain_id", "pk"))
    return payables, certificates


def _remind(*, brain_id: int, claim, kind: str, due_on: date, debtor_id: int, payee_id: int, today: date) -> bool:
    days_before = (due_on - today).days
    try:
        with transaction.atomic():
            MaturityReminder.objects.create(brain_id=brain_id, days_before=days_before, due_on=due_on,
                                            **{kind: claim})
    except IntegrityError:  # reminded already on this day before its due date
        return False
    event_record(brain_id=brain_id, name="payment.due", payload={
        kind: claim.pk, "number": claim.number, "debtor": debtor_id, "payee": payee_id, "amount": str(claim.amount),
        "due_on": due_on.isoformat(), "days_before": days_before})
    return True


def maturity_reminders_send(*, today: date | None = None) -> int:
    """Beat, daily: remind every live claim due in 7, 3, 1 or 0 days that was not reminded for that day yet; each
    claim in its own transaction. Return how many reminders were sent."""
    today = today or timezone.localdate()
    payables, certificates = _due(today)
    sent = 0
    for brain_id, pk in payables:
        with transaction.atomic(), brain_context(brain_id):
            payable = Payable.objects.in_brain(brain_id).get(pk=pk)
            bank = EarlyPayment.objects.in_brain(brain_id).filter(payable=payable, kind="bank").values_list(
                "payer_id", flat=True).first()
            sent += _remind(brain_id=brain_id, claim=payable, kind="payable", due_on=payable.due_on,
                            debtor_id=payable.debtor_id, payee_id=bank or payable.creditor_id, today=today)
    for brain_id, pk in certificates:
        with transaction.atomic(), brain_context(brain_id):
            certificate = Certificate.objects.in_brain(brain_id).get(pk=pk)
            sent += _remind(brain_id=brain_id, claim=certificate, kind="certificate", due_on=certificate.matures_on,
                            debtor_id=certificate.issuer_id, payee_id=certificate.holder_id, today=today)
    return sent
