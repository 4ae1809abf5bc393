"""Celery tasks of the supply chain: thin, take ids, call services (which enter the brain)."""

from datetime import date

from celery import shared_task

from supplychain.live import push_group_buy_update
from supplychain.notifications import notifications_from_event
from supplychain.services import group_buys
from tenants.context import brain_context
from tenants.live import push_notifications
from tenants.models import OutboxEvent
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


# finance's events on a payable that was discharged, and what the campaign's books call it
DISCHARGED = {"payable.paid": "paid", "payable.netted": "netted"}
TRADER_SOURCE = "group_buy"  # finance's payable source for a group purchase's settlement (a payload value)


@shared_task(acks_late=True)
def record_trader_payment(brain_id: int, event_id: int) -> bool:
    """A payable discharged in finance (payable.paid, payable.netted): if it is a member's payable to the brain's
    trader for a settlement's goods, the campaign's books record the member's payment of it, once. The payload
    alone says so (source, source_id, amount, on): supplychain reads nothing of finance."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).values("name", "payload").get(pk=event_id)
    payload = event["payload"]
    if payload.get("source") != TRADER_SOURCE or event["name"] not in DISCHARGED:
        return False
    made = group_buys.trader_payment_record(
        brain_id=brain_id, payable_id=payload["payable"], kind=DISCHARGED[event["name"]],
        settlement_id=payload["source_id"], member_id=payload["debtor"], amount=payload["amount"],
        paid_on=date.fromisoformat(payload["on"]),
        number=payload.get("number", ""))
    return made is not None
