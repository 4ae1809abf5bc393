"""Celery tasks of data products: thin, take ids, idempotent; they call services. One block per concept."""

from celery import shared_task

from dataproducts.services import access_requests, components, consents, revisions, subscriptions, usage
from tenants.live import push_notifications

# --- revisions: scheduled builds ------------------------------------------------------------------------

@shared_task(acks_late=True)
def refresh_data_products() -> int:
    """Beat, daily at 03:30: every listed product's last complete month or week built and published, unless the
    latest revision of that period would say the same (then nothing): safe to run any number of times."""
    return revisions.revisions_refresh_due()

@shared_task(acks_late=True)
def notify_contributors(brain_id: int, event_id: int) -> int:
    """revision.published: each contributing enterprise told what the revision took from its data, once per user."""
    made = consents.contribution_notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)

# --- subscriptions: expiry ------------------------------------------------------------------------------

@shared_task(acks_late=True)
def expire_subscriptions() -> int:
    """Beat, every minute: subscriptions that ran out get their audit step and event, once each."""
    return subscriptions.subscriptions_expire()

@shared_task(acks_late=True)
def notify_access_event(brain_id: int, event_id: int) -> int:
    """access_request.*, subscription.revoked|expired: the requester's (or operators') in-app notifications, once
    per event and user."""
    made = access_requests.access_notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)

# --- usage: monthly statements --------------------------------------------------------------------------

@shared_task(acks_late=True)
def charge_subscription_periods() -> int:
    """Beat, hourly: every priced subscription's periods that started are charged, once each (period keys)."""
    return usage.subscription_periods_charge_due()

@shared_task(acks_late=True)
def issue_usage_statements() -> int:
    """Beat, on the 1st of each month: last month's statement of every subscriber with priced usage, once each
    (the unique brain, subscriber and month)."""
    return usage.usage_statements_issue_due()

# --- capability centre ----------------------------------------------------------------------------------

@shared_task(acks_late=True)
def notify_component_event(brain_id: int, event_id: int) -> int:
    """component.*: the vendor's (or, for a submission, the operators') in-app notifications, once per event and
    user."""
    made = components.component_notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)
