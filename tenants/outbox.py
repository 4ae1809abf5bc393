"""Transactional outbox: record domain events with the change, hand them to Celery after commit.

Recording writes a row in the caller's transaction. After commit the dispatcher publishes one Celery
task per subscribed handler and marks the event dispatched. If the broker is down, the event stays
pending and `drain_outbox` (Celery beat, every 10 s) publishes it once the broker is back. Delivery is
at least once; every handler is idempotent.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from tenants.context import brain_context, cross_brain
from tenants.models import OutboxEvent

logger = logging.getLogger("industry_brain.outbox")

# event name -> [(Celery task name, queue)]; "*" receives every event. A task takes (brain_id, event_id).
# Apps subscribe in AppConfig.ready.
SUBSCRIBERS: dict[str, list[tuple[str, str]]] = {}


def subscribe(event_name: str, task_name: str, *, queue: str = "default") -> None:
    handlers = SUBSCRIBERS.setdefault(event_name, [])
    if (task_name, queue) not in handlers:
        handlers.append((task_name, queue))


def event_record(*, brain_id: int, name: str, payload: dict) -> OutboxEvent:
    """Record `name` in the current transaction; it is dispatched only if that transaction commits."""
    event = OutboxEvent.objects.create(brain_id=brain_id, name=name, payload=payload)
    # robust: the change is committed already; a failure here must not fail the request (beat retries)
    transaction.on_commit(lambda: outbox_dispatch(event_ids=[event.pk]), robust=True)
    return event


def event_payload(*, brain_id: int, event_id: int) -> dict:
    """What a handler task reads first: its event's payload, in the event's brain."""
    with brain_context(brain_id):
        return OutboxEvent.objects.in_brain(brain_id).values_list("payload", flat=True).get(pk=event_id)


def _publish(event: OutboxEvent) -> None:
    for task_name, queue in SUBSCRIBERS.get(event.name, []) + SUBSCRIBERS.get("*", []):
        # The project's Celery app (config.celery), found without importing the wiring layer above tenants.
        current_app.send_task(task_name, args=[event.brain_id, event.pk], queue=queue, retry=False)


def outbox_dispatch(*, event_ids: list[int] | None = None, limit: int = 500) -> int:
    """Publish pending events (oldest first); return how many were dispatched.

    SKIP LOCKED lets the after-commit call and beat's drain run at once without publishing twice.
    Stops at the first broker failure: the rest would fail the same way.
    """
    dispatched = 0
    with cross_brain(reason="outbox dispatch"):
        pending = OutboxEvent.objects.select_for_update(skip_locked=True).filter(dispatched_at__isnull=True)
        if event_ids is not None:
            pending = pending.filter(pk__in=event_ids)
        for event in pending.order_by("id")[:limit]:
            try:
                _publish(event)
            except Exception as exc:  # broker down or unreachable: keep the event for the next drain
                event.attempts += 1
                event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                event.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: could not publish %s: %s", event, exc)
                break
            event.attempts += 1
            event.dispatched_at = timezone.now()
            event.save(update_fields=["attempts", "dispatched_at"])
            dispatched += 1
    return dispatched
