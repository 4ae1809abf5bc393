"""Celery tasks of capacity sharing: thin, take ids, call services (which enter the brain)."""

from celery import shared_task
from django.core.cache import cache

from capacity.live import push_rfq_update
from capacity.services import awards, matching, notifications, projects, rfqs
from tenants.live import push_notifications
from tenants.outbox import event_payload


@shared_task(acks_late=True)
def close_due_rfqs() -> int:
    """Beat, every minute: quoting ends at the deadline even if nobody is looking."""
    return rfqs.rfqs_close_due()


@shared_task(acks_late=True)
def run_matching(brain_id: int, event_id: int) -> int:
    rfq_id = event_payload(brain_id=brain_id, event_id=event_id)["rfq"]
    matched = matching.matching_run(brain_id=brain_id, rfq_id=rfq_id)
    push_rfq_update(brain_id, rfq_id, "matched")
    return matched


@shared_task(acks_late=True)
def compute_recommendation(brain_id: int, event_id: int) -> str:
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    recommendation = awards.recommendation_compute(brain_id=brain_id, recommendation_id=payload["recommendation"])
    push_rfq_update(brain_id, payload["rfq"], "recommendation")
    return recommendation.status


@shared_task(acks_late=True)
def run_bom_import(brain_id: int, event_id: int) -> str:
    """Import an uploaded BOM; progress goes to the cache, where the import page reads it."""
    import_id = event_payload(brain_id=brain_id, event_id=event_id)["import"]

    def progress(done, total):
        cache.set(f"bom-import-{import_id}", {"done": done, "total": total}, timeout=3600)

    return projects.bom_import_run(brain_id=brain_id, import_id=import_id, progress=progress).status


@shared_task(acks_late=True)
def notify_capacity_event(brain_id: int, event_id: int) -> int:
    made = notifications.notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    if "rfq" in payload:
        push_rfq_update(brain_id, payload["rfq"], "changed")
    return len(made)
