"""Celery tasks of the supply chain: thin, take ids, call services (which enter the brain)."""

from celery import shared_task

from supplychain.services import group_buys


@shared_task(acks_late=True)
def decide_due_group_buys() -> int:
    """Beat, every minute: campaigns whose deadline passed lock, extend or cancel, exactly once."""
    return group_buys.group_buys_decide_due()
