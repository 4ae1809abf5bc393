"""Celery tasks of supply-chain finance: thin, take ids, call services."""

from celery import shared_task

from finance.services import certificates, payables
from tenants.outbox import event_payload


@shared_task(acks_late=True)
def record_payable(brain_id: int, event_id: int) -> int | None:
    """delivery.inspected: once every line of the delivery is inspected, its payable (once, however often run)."""
    delivery_id = event_payload(brain_id=brain_id, event_id=event_id)["delivery"]
    payable = payables.payable_record_from_delivery(brain_id=brain_id, delivery_id=delivery_id)
    return payable.pk if payable else None


@shared_task(acks_late=True)
def expire_certificate_transfers() -> int:
    """Beat, every minute: offers past their expiry return to their senders."""
    return certificates.certificate_transfers_expire()
