"""Celery tasks of the tenants app: thin, take ids, call services."""

from celery import shared_task

from tenants import outbox
from tenants.api.idempotency import idempotency_records_purge
from tenants.live import push_notifications
from tenants.services.notifications import notifications_from_event
from tenants.webhooks import webhook_attempt, webhooks_due, webhooks_fan_out


@shared_task(acks_late=True)
def drain_outbox() -> int:
    """Beat: publish events left pending (the broker was down at commit time)."""
    return outbox.outbox_dispatch()


@shared_task(acks_late=True)
def notify_event(brain_id: int, event_id: int) -> int:
    """Event handler: in-app notifications for the people an event concerns, pushed live."""
    notifications = notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(notifications)
    return len(notifications)


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Hourly: Idempotency-Keys are kept 48 hours (24 promised), then forgotten."""
    return idempotency_records_purge()


@shared_task(acks_late=True)
def fan_out_webhooks(brain_id: int, event_id: int) -> int:
    """Every outbox event ("*"): the deliveries it calls for, sent at once."""
    return webhooks_fan_out(brain_id=brain_id, event_id=event_id)


@shared_task(acks_late=True)
def deliver_webhook(brain_id: int, delivery_id: int) -> int | None:
    """One attempt of one delivery (queue `webhooks`); a delivery not due or in flight is left alone."""
    attempt = webhook_attempt(brain_id=brain_id, delivery_id=delivery_id)
    return attempt.status_code if attempt else None


@shared_task(acks_late=True)
def send_due_webhooks() -> int:
    """Beat, every 15 s: retries that are due, and first tries whose task was lost."""
    return webhooks_due()
