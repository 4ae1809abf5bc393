"""Celery tasks of the supply chain: thin, take ids, call services (which enter the brain)."""

from celery import shared_task

from supplychain.live import push_group_buy_update
from supplychain.notifications import notifications_from_event
from supplychain.services import group_buys
from tenants.live import push_notifications
from tenants.outbox import event_payload


@shared_task(acks_late=True)
def decide_due_group_buys() -> int:
    """Beat, every minute: campaigns whose deadline passed lock, extend or cancel, exactly once."""
    return group_buys.group_buys_decide_due()


@shared_task(acks_late=True)
def push_group_buy(brain_id: int, event_id: int) -> bool:
    """Every campaign event: its open pages re-fetch the total and tier."""
    push_group_buy_update(brain_id, event_payload(brain_id=brain_id, event_id=event_id)["group_buy"], "changed")
    return True


@shared_task(acks_late=True)
def notify_group_buy_event(brain_id: int, event_id: int) -> int:
    made = notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)
