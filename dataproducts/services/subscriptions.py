"""Subscriptions (docs/dataproducts.md, "Access requests and subscriptions"): granted by an operator, in practice by
approving an access request; revoked by an operator with a reason; expired by the clock. Each step is an
AccessEvent. Access itself stops at `ends_at` or `revoked_at` whatever the beat does (every read asks
dataproducts.selectors.subscriptions.can_read); `subscriptions_expire` only writes the audit and tells the subscriber.

A grant snapshots the product's prices and VAT rate: a later price change does not touch a subscription in force. A
renewal (a grant while one is in force) starts where the current one ends, so two never run at once.

Lock order: the access request, then the enterprise's subscriptions of the product (see access_requests)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from tenants.access import require_operator
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError
from tenants.models import NOTIFICATION_TITLES, Brain, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members

MAX_DAYS = 366
MAX_REASON = 500

NOTIFICATION_TITLES.update({
    "subscription.revoked": gettext_lazy("Your subscription to %(product)s was revoked: %(note)s"),
    "subscription.expired": gettext_lazy("Your subscription to %(product)s ended on %(ends)s"),
})


def check_days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(_("Ask for 1 to %(max)d days.") % {"max": MAX_DAYS}, field="days")
    return days


def check_reason(reason, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_("Give a reason: the member reads it."), code="required", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Keep the reason under 500 characters."), field="reason")
    return reason


def access_event(*, product_id: int, enterprise_id: int, action: str, by: User | None, note: str = "",
                 request: AccessRequest | None = None, subscription: Subscription | None = None,
                 brain_id: int) -> AccessEvent:
    return AccessEvent.objects.create(brain_id=brain_id, product_id=product_id, enterprise_id=enterprise_id,
                                      request=request, subscription=subscription, action=action, by=by,
                                      note=(note or "")[:MAX_REASON])


def _payload(subscription: Subscription, **extra) -> dict:
    """What an event says: ids only; who may hear it is the webhook audience's business."""
    return {"subscription": subscription.pk, "product": subscription.product_id, **extra}


def grant(*, product: DataProduct, enterprise_id: int, days: int, by: User | None,
          request: AccessRequest | None = None, note: str = "") -> Subscription:
    """Inside a transaction in the product's brain: the grant itself, for approvals and direct grants alike."""
    if not active_members(brain=product.brain_id).filter(enterprise_id=enterprise_id).exists():
        raise DomainError(_("Only an active member of this brain may subscribe."), code="not_a_member")
    # The enterprise's subscriptions of this product, locked: two grants at once would both start "now".
    current = list(Subscription.objects.in_brain(product.brain_id).select_for_update().filter(
        product_id=product.pk, enterprise_id=enterprise_id, revoked_at__isnull=True,
        ends_at__gt=timezone.now()).order_by("-ends_at"))
    now = timezone.now()
    starts = max([now, *(s.ends_at for s in current)])
    subscription = Subscription.objects.create(
        brain_id=product.brain_id, product=product, enterprise_id=enterprise_id, request=request,
        starts_at=starts, ends_at=starts + timedelta(days=days),
        subscription_price=product.subscription_price, price_per_call=product.price_per_call,
        price_per_row=product.price_per_row, vat_rate=product.vat_rate)
    access_event(brain_id=product.brain_id, product_id=product.pk, enterprise_id=enterprise_id,
                 action=AccessEvent.Action.RENEWED if current else AccessEvent.Action.GRANTED, by=by, note=note,
                 request=request, subscription=subscription)
    return subscription


@transaction.atomic
def subscription_grant(*, product: DataProduct, enterprise_id: int, days: int, by: User,
                       note: str = "") -> Subscription:
    """An operator grants a member a subscription without a request (a contract agreed elsewhere): from now, or
    from the end of the one in force, for `days`, at the product's prices today."""
    with brain_context(product.brain_id):
        require_operator(brain=Brain.objects.get(pk=product.brain_id), user=by)
        check_days(days)
        if product.access == DataProduct.Access.OPEN:
            raise DomainError(_("This product is open to every member: there is nothing to grant."), code="open")
        if product.status != DataProduct.Status.LISTED:
            raise DomainError(_("Only a listed product can be subscribed to."), code="not_listed")
        return grant(product=product, enterprise_id=enterprise_id, days=days, by=by,
                     note=check_reason(note, required=False))


def lock_subscription(subscription: Subscription) -> Subscription:
    return Subscription.objects.in_brain(subscription.brain_id).select_for_update().get(pk=subscription.pk)


@transaction.atomic
def subscription_revoke(*, subscription: Subscription, by: User, reason: str) -> Subscription:
    """An operator ends a subscription now, saying why (the member reads it). Reads stop at once; what was read
    before stays counted."""
    with brain_context(subscription.brain_id):
        require_operator(brain=Brain.objects.get(pk=subscription.brain_id), user=by)
        reason = check_reason(reason, required=True)
        subscription = lock_subscription(subscription)
        if subscription.revoked_at is not None:
            raise DomainError(_("This subscription was revoked already."), code="invalid_state")
        now = timezone.now()
        if subscription.ends_at <= now:
            raise DomainError(_("This subscription has ended already."), code="invalid_state")
        subscription.revoked_at, subscription.revoked_by, subscription.revoke_reason = now, by, reason
        subscription.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        access_event(brain_id=subscription.brain_id, product_id=subscription.product_id,
                     enterprise_id=subscription.enterprise_id, action=AccessEvent.Action.REVOKED, by=by, note=reason,
                     request=subscription.request, subscription=subscription)
        event_record(brain_id=subscription.brain_id, name="subscription.revoked", payload=_payload(subscription))
        return subscription


def subscriptions_expire() -> int:
    """Beat: subscriptions that ran out get their `expired` audit step and event, once each (a second run finds
    them done), each in its own transaction; returns how many. Access stopped at `ends_at` already."""
    with transaction.atomic(), cross_brain(reason="expire data-product subscriptions"):
        due = list(Subscription.objects.filter(revoked_at__isnull=True, ends_at__lte=timezone.now())
                   .exclude(events__action=AccessEvent.Action.EXPIRED).values_list("brain_id", "pk"))
    expired = 0
    for brain_id, pk in due:
        with transaction.atomic(), brain_context(brain_id):
            subscription = Subscription.objects.in_brain(brain_id).select_for_update().get(pk=pk)
            done = AccessEvent.objects.in_brain(brain_id).filter(subscription=subscription,
                                                                 action=AccessEvent.Action.EXPIRED).exists()
            if done or subscription.revoked_at is not None:  # another run, or a revocation, came first
                continue
            access_event(brain_id=brain_id, product_id=subscription.product_id,
                         enterprise_id=subscription.enterprise_id, action=AccessEvent.Action.EXPIRED, by=None,
                         request=subscription.request, subscription=subscription)
            event_record(brain_id=brain_id, name="subscription.expired", payload=_payload(subscription))
            expired += 1
    return expired
