"""Celery tasks of government-data sync: thin, take ids, idempotent (queue `sync`, acks_late).

A run asked twice runs once (it is one queued row); a task redelivered after a worker was killed finds the
killed run abandoned and starts again from the durable watermark.
"""

from celery import shared_task

from brain.services.enterprise_files import enterprise_file_changed, enterprise_tags_recompute_after_sync
from brain.services.policies import notifications_from_event, policy_match
from brain.services.sync import sync_runs_queue_due
from brain.sync.engine import sync_run_execute
from tenants.outbox import event_payload


@shared_task(acks_late=True)
def queue_due_syncs() -> int:
    """Beat, every minute: queue a run of each source whose interval is up."""
    return sync_runs_queue_due()


@shared_task(acks_late=True)
def run_requested_sync(brain_id: int, event_id: int) -> int | None:
    """`sync.run_requested`: run the source now (nothing if another worker holds it, or the run is done)."""
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    run = sync_run_execute(brain_id=brain_id, source_id=payload["source"], run_id=payload["run"])
    return run.pk if run else None


@shared_task(acks_late=True)
def recompute_enterprise_tags(brain_id: int, event_id: int) -> list[str]:
    """An event naming an `enterprise` whose file changed (`supplier_profile.saved`, `membership.admitted` …):
    recompute its tags and its eligibility for open policies. Idempotent."""
    enterprise_id = event_payload(brain_id=brain_id, event_id=event_id).get("enterprise")
    return enterprise_file_changed(brain=brain_id, enterprise_id=enterprise_id) if enterprise_id else []


@shared_task(acks_late=True)
def recompute_tags_after_sync(brain_id: int, event_id: int) -> int:
    """`sync.run_finished`: recompute the tags of enterprises whose public records the run changed."""
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    return enterprise_tags_recompute_after_sync(brain_id=brain_id, run_id=payload["run"])


@shared_task(acks_late=True)
def match_policy(brain_id: int, event_id: int) -> dict:
    """`policy.published`, `policy.changed`: match the policy against every active member. Idempotent."""
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    if payload.get("rematch") is False:
        return {}
    return policy_match(brain_id=brain_id, policy_id=payload["policy"])


@shared_task(acks_late=True)
def policy_notifications(brain_id: int, event_id: int) -> int:
    """`policy.eligible`, `policy.withdrawn`: tell the enterprises concerned (once per event and user)."""
    return len(notifications_from_event(brain_id=brain_id, event_id=event_id))
