"""Access requests (docs/dataproducts.md, "Access requests and subscriptions"): a member asks for a product on
request or a paid one, with its purpose and for how many days; an operator approves (which grants the subscription,
at the product's prices that day) or declines with a reason; the requester may withdraw while it waits. Open
products need no request. Every step is an AccessEvent; one pending request per enterprise and product (a
constraint).

Two operators approving one request at once grant one subscription: the request is locked first and the second
finds it decided (and a subscription names its request once, a one-to-one key).

Lock order: the request, then the enterprise's subscriptions of the product (dataproducts.services.subscriptions)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from dataproducts.services.subscriptions import access_event, check_days, check_reason, grant
from tenants.access import require_operator
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, Brain, BrainStaff, Notification, OutboxEvent, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.notifications import notify, tell

MAX_PURPOSE = 500

# The events the requester's users (and, for a new request, the operators) are told of in the app.
NOTIFIED = ("access_request.made", "access_request.approved", "access_request.declined", "subscription.revoked",
            "subscription.expired")
NOTIFICATION_TITLES.update({
    "access_request.made": gettext_lazy("%(enterprise)s asks for access to %(product)s for %(days)s days: "
                                        "%(note)s"),
    "access_request.approved": gettext_lazy("Your access to %(product)s is approved, until %(ends)s"),
    "access_request.declined": gettext_lazy("Your request for %(product)s was declined: %(note)s"),
})


def _payload(request: AccessRequest, **extra) -> dict:
    """What an event says: ids only; who may hear it is the webhook audience's business."""
    return {"access_request": request.pk, "product": request.product_id, **extra}


def lock_request(request: AccessRequest) -> AccessRequest:
    return (AccessRequest.objects.in_brain(request.brain_id).select_for_update(of=("self",))
            .select_related("product").get(pk=request.pk))


def _event(request: AccessRequest, action: str, by: User | None, note: str = "",
           subscription: Subscription | None = None) -> AccessEvent:
    return access_event(brain_id=request.brain_id, product_id=request.product_id, enterprise_id=request.enterprise_id,
                        action=action, by=by, note=note, request=request, subscription=subscription)


@transaction.atomic
def access_request_make(*, product: DataProduct, by: User, purpose: str, days: int) -> AccessRequest:
    """A member asks for access to a product on request or a paid one, saying what for and for how many days. A
    member with a subscription in force may ask again: approved, it renews from the end of the current one."""
    with brain_context(product.brain_id):
        if not (by.enterprise_id and active_members(brain=product.brain_id).filter(
                enterprise_id=by.enterprise_id).exists()):
            raise NotAllowed(_("Only an active member of this brain may ask for access."))
        if product.status != DataProduct.Status.LISTED:
            raise DomainError(_("This product is not in the catalogue."), code="not_listed", field="product")
        if product.access == DataProduct.Access.OPEN:
            raise DomainError(_("This product is open to every member: read it without asking."), code="open",
                              field="product")
        purpose = (purpose or "").strip()
        if not purpose:
            raise DomainError(_("Say what you will use the data for: the operator decides on it."),
                              code="required", field="purpose")
        if len(purpose) > MAX_PURPOSE:
            raise DomainError(_("Keep the purpose under 500 characters."), field="purpose")
        check_days(days)
        try:
            with transaction.atomic():
                request = AccessRequest.objects.create(brain_id=product.brain_id, product=product,
                                                       enterprise_id=by.enterprise_id, requested_by=by,
                                                       purpose=purpose, days=days)
        except IntegrityError as error:  # one_pending_access_request
            raise DomainError(_("Your enterprise already has a request for this product waiting for review."),
                              code="pending", field="product") from error
        _event(request, AccessEvent.Action.REQUESTED, by, purpose)
        event_record(brain_id=product.brain_id, name="access_request.made", payload=_payload(request))
        return request


def _require_pending(request: AccessRequest) -> None:
    if request.status != AccessRequest.Status.PENDING:
        raise DomainError(_("This request is %(status)s: it takes no more decisions.") % {
            "status": request.get_status_display()}, code="invalid_state")


@transaction.atomic
def access_request_approve(*, request: AccessRequest, by: User, note: str = "") -> AccessRequest:
    """An operator approves: the request's subscription is granted at once (from now, or from the end of the one
    in force), for the days asked, at the product's prices today."""
    with brain_context(request.brain_id):
        require_operator(brain=Brain.objects.get(pk=request.brain_id), user=by)
        note = check_reason(note, required=False)
        request = lock_request(request)
        _require_pending(request)
        product = request.product
        if product.status != DataProduct.Status.LISTED:
            raise DomainError(_("This product is no longer listed: decline the request instead."),
                              code="not_listed")
        request.status, request.decided_by, request.decided_at, request.reason = (
            AccessRequest.Status.APPROVED, by, timezone.now(), note)
        request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _event(request, AccessEvent.Action.APPROVED, by, note)
        subscription = grant(product=product, enterprise_id=request.enterprise_id, days=request.days, by=by,
                             request=request)
        event_record(brain_id=request.brain_id, name="access_request.approved",
                     payload=_payload(request, subscription=subscription.pk))
        return request


@transaction.atomic
def access_request_decline(*, request: AccessRequest, by: User, reason: str) -> AccessRequest:
    """An operator declines, saying why (the member reads it)."""
    with brain_context(request.brain_id):
        require_operator(brain=Brain.objects.get(pk=request.brain_id), user=by)
        reason = check_reason(reason, required=True)
        request = lock_request(request)
        _require_pending(request)
        request.status, request.decided_by, request.decided_at, request.reason = (
            AccessRequest.Status.DECLINED, by, timezone.now(), reason)
        request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _event(request, AccessEvent.Action.DECLINED, by, reason)
        event_record(brain_id=request.brain_id, name="access_request.declined", payload=_payload(request))
        return request


@transaction.atomic
def access_request_withdraw(*, request: AccessRequest, by: User) -> AccessRequest:
    """The requesting enterprise withdraws its request while it waits."""
    with brain_context(request.brain_id):
        if not by.enterprise_id or by.enterprise_id != request.enterprise_id:
            raise NotAllowed(_("Only the enterprise that asked may withdraw its request."))
        request = lock_request(request)
        _require_pending(request)
        request.status, request.decided_at = AccessRequest.Status.WITHDRAWN, timezone.now()
        request.save(update_fields=["status", "decided_at"])
        _event(request, AccessEvent.Action.WITHDRAWN, by)
        return request


def access_notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """The in-app notifications an access event calls for: operators hear of a new request (by e-mail too: a
    decision is awaited); the requesting enterprise's users of the decision, and of a revocation or expiry of its
    subscription. Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        slug = event.brain.slug
        if event.name.startswith("access_request."):
            request = AccessRequest.objects.in_brain(brain_id).select_related("product", "enterprise").get(
                pk=event.payload["access_request"])
            subscription = Subscription.objects.in_brain(brain_id).filter(request=request).first()
            product, enterprise_id = request.product, request.enterprise_id
            link = f"/b/{slug}/data/access/requests/{request.pk}/"
            params = {"product": product.name_zh, "enterprise": str(request.enterprise), "days": request.days,
                      "note": request.purpose if event.name == "access_request.made" else request.reason}
        else:
            subscription = Subscription.objects.in_brain(brain_id).select_related("product").get(
                pk=event.payload["subscription"])
            product, enterprise_id = subscription.product, subscription.enterprise_id
            link = f"/b/{slug}/data/access/subscriptions/{subscription.pk}/"
            params = {"product": product.name_zh, "note": subscription.revoke_reason}
        if subscription is not None:
            params["ends"] = timezone.localtime(subscription.ends_at).strftime("%Y-%m-%d %H:%M")
        if event.name == "access_request.made":
            operators = User.objects.filter(brain_staff__brain_id=brain_id, brain_staff__role=BrainStaff.Role.OPERATOR,
                                            is_active=True)
            return tell(event, operators, params, link, email=True)
        users = User.objects.filter(enterprise_id=enterprise_id, is_active=True)
        return notify(event=event, users=users, params=params, link=link)
