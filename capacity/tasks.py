"""Celery tasks of capacity sharing: thin, take ids, enter the brain, call services."""

from celery import shared_task

from capacity.live import push_rfq_update
from capacity.services import awards, matching, notifications
from tenants.context import brain_context
from tenants.live import push_notifications
from tenants.models import OutboxEvent


@shared_task(acks_late=True)
def run_matching(brain_id: int, event_id: int) -> int:
    with brain_context(brain_id):
        rfq_id = OutboxEvent.objects.get(pk=event_id).payload["rfq"]
        matched = matching.matching_run(rfq_id=rfq_id)
    push_rfq_update(brain_id, rfq_id, "matched")
    return matched


@shared_task(acks_late=True)
def compute_recommendation(brain_id: int, event_id: int) -> str:
    with brain_context(brain_id):
        payload = OutboxEvent.objects.get(pk=event_id).payload
        recommendation = awards.recommendation_compute(recommendation_id=payload["recommendation"])
    push_rfq_update(brain_id, payload["rfq"], "recommendation")
    return recommendation.status


@shared_task(acks_late=True)
def run_bom_import(brain_id: int, event_id: int) -> str:
    """Import an uploaded BOM; progress goes to the cache, where the import page reads it."""
    from django.core.cache import cache

    from capacity.services.projects import bom_import_run

    with brain_context(brain_id):
        import_id = OutboxEvent.objects.get(pk=event_id).payload["import"]

    def progress(done, total):
        cache.set(f"bom-import-{import_id}", {"done": done, "total": total}, timeout=3600)

    with brain_context(brain_id):
        return bom_import_run(import_id=import_id, progress=progress).status


@shared_task(acks_late=True)
def notify_capacity_event(brain_id: int, event_id: int) -> int:
    with brain_context(brain_id):
        made = notifications.notifications_from_event(event_id=event_id)
        payload = OutboxEvent.objects.get(pk=event_id).payload
    push_notifications(made)
    if "rfq" in payload:
        push_rfq_update(brain_id, payload["rfq"], "changed")
    return len(made)
