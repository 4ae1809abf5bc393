"""Reads shared by views, API and tasks. Tenant-owned reads take `brain=` explicitly."""

from django.db.models import Count, Prefetch, Q

from tenants.models import (
    ApiCall, ApiKey, Brain, BrainStaff, Membership, Notification, Process, RateLimitChange, User, WebhookAttempt,
    WebhookDelivery, WebhookEndpoint,
)


def brains_for_user(*, user: User):
    """Brains the user can enter: as an active member's user, as staff, or all for platform admins.

    Runs outside any brain: memberships and staff rows are visible here through their RLS clauses for
    the user's own enterprise and user.
    """
    if user.is_platform_admin:
        return Brain.objects.all()
    member_of = Membership.objects.filter(enterprise_id=user.enterprise_id, status=Membership.Status.ACTIVE)
    staff_of = BrainStaff.objects.filter(user=user)
    return Brain.objects.filter(
        Q(pk__in=member_of.values("brain_id")) | Q(pk__in=staff_of.values("brain_id"))
    ).distinct()


def memberships_of_enterprise(*, enterprise_id: int | None):
    """Every membership of an enterprise, in any status (its own view, across brains)."""
    if enterprise_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(enterprise_id=enterprise_id).select_related("brain")


def active_members(*, brain, role: str | None = None):
    """The brain's active memberships, of members holding `role` if given: the one definition of "an active
    supplier (or buyer) member of this brain"."""
    members = Membership.objects.in_brain(brain).filter(status=Membership.Status.ACTIVE)
    return members.filter(roles__contains=[role]) if role else members


def membership_list(*, brain: Brain, viewer, status: str | None = None):
    """Operators see every application; anyone else the active members and its own enterprise's membership."""
    queryset = Membership.objects.in_brain(brain).select_related("enterprise", "decided_by")
    if not viewer.is_operator:
        queryset = queryset.filter(Q(status=Membership.Status.ACTIVE) | Q(enterprise_id=viewer.enterprise_id or 0))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def process_list(*, brain: Brain, viewer):
    """The brain's process catalogue: everyone who may enter the brain reads it."""
    return Process.objects.in_brain(brain)


def notification_list(*, brain: Brain, viewer):
    """The viewer's own notifications in this brain, newest first; nobody reads another person's."""
    return Notification.objects.in_brain(brain).filter(user_id=viewer.user_id or 0)


def brain_summary(*, brain: Brain) -> dict:
    counts = Membership.objects.in_brain(brain).aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        applied=Count("pk", filter=Q(status=Membership.Status.APPLIED)),
        buyers=Count("pk", filter=Q(status=Membership.Status.ACTIVE, roles__contains=["buyer"])),
        suppliers=Count("pk", filter=Q(status=Membership.Status.ACTIVE, roles__contains=["supplier"])),
    )
    return counts


def unread_notification_count(*, brain: Brain, user: User) -> int:
    return Notification.objects.in_brain(brain).filter(user=user, read_at__isnull=True).count()


def api_calls(*, api_key=None, enterprise_id: int | None = None):
    """The audit of API-key writes, newest first: of one key, or of all an enterprise's keys."""
    calls = ApiCall.objects.select_related("api_key").order_by("-at", "-id")
    if api_key is not None:
        return calls.filter(api_key=api_key)
    return calls.filter(api_key__enterprise_id=enterprise_id or 0)


def webhook_endpoint_list(*, brain, viewer):
    """The viewer's enterprise's own webhook endpoints in this brain; nobody else's exist for it."""
    return (WebhookEndpoint.objects.in_brain(brain).filter(enterprise_id=viewer.enterprise_id or 0)
            .annotate(pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
                      failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)))
            .order_by("-created_at", "-id"))


def webhook_delivery_list(*, brain, viewer):
    """Deliveries to the viewer's enterprise's endpoints, newest first, each with its attempts (the delivery log)."""
    return (WebhookDelivery.objects.in_brain(brain).filter(endpoint__enterprise_id=viewer.enterprise_id or 0)
            .select_related("endpoint")
            .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-number")))
            .order_by("-created_at", "-id"))


def api_keys_for_user(*, user: User):
    """The keys a person manages: their enterprise's; every enterprise's for a platform administrator."""
    if user.is_platform_admin:
        return ApiKey.objects.all()
    return ApiKey.objects.filter(enterprise_id=user.enterprise_id or 0)


def active_api_keys():
    """Every enterprise's unrevoked keys, for the platform console: by enterprise, newest first."""
    return (ApiKey.objects.filter(revoked_at__isnull=True).select_related("enterprise")
            .order_by("enterprise__legal_name", "-created_at"))


def rate_limit_changes():
    """The audit of rate limits, newest first."""
    return RateLimitChange.objects.select_related("api_key__enterprise", "changed_by")
