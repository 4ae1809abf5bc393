"""Celery tasks of capacity sharing: thin, take ids, call services (which enter the brain)."""

from celery import shared_task
from django.core.cache import cache

from brain.services.enterprise_files import enterprise_file_changed
from capacity.live import push_board_update, push_rfq_update
from capacity.models import WorkOrder
from capacity.selectors.board import board_parts_touched
from capacity.services import awards, board, matching, notifications, projects, rfqs
from tenants.context import brain_context
from tenants.live import push_notifications
from tenants.models import OutboxEvent
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


# --- The project board: live pushes, reminders, digests -------------------------------------------------


@shared_task(acks_late=True)
def push_project_board(brain_id: int, event_id: int) -> bool:
    """Every outbox event ("*"): one that names a project makes that project's open boards re-fetch."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).values("name", "payload").get(pk=event_id)
    project_id = event["payload"].get("project") if isinstance(event["payload"], dict) else None
    if not isinstance(project_id, int):
        return False
    push_board_update(brain_id, project_id, event["name"], board_parts_touched(brain_id, event["payload"]))
    return True


@shared_task(acks_late=True)
def send_progress_reminders() -> int:
    """Beat: suppliers whose work orders have gone without a report for the brain's N days are reminded."""
    sent = board.progress_reminders_send()
    push_notifications(sent.notifications)
    return sent.count


@shared_task(acks_late=True)
def send_board_digests() -> int:
    """Beat, daily: each buyer gets a digest of its projects' late, blocked and at-risk parts."""
    sent = board.board_digests_send()
    push_notifications(sent.notifications)
    return sent.count


@shared_task(acks_late=True)
def recompute_supplier_tags(brain_id: int, event_id: int) -> list[str]:
    """`work_order.completed` / `work_order.rated` move the supplier's on-time rate and rating, inputs of its
    enterprise tags (brain.tagging) and policy eligibility (brain.eligibility): recompute them. Idempotent."""
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    with brain_context(brain_id):
        supplier_id = WorkOrder.objects.in_brain(brain_id).filter(pk=payload.get("work_order")).values_list(
            "supplier_id", flat=True).first()
    return enterprise_file_changed(brain=brain_id, enterprise_id=supplier_id) if supplier_id else []
