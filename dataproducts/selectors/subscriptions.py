"""Reads of access: who may read a product's published rows (every page, download and API read asks `can_read`),
an enterprise's subscription in force, and the one place that decides who sees which access requests,
subscriptions and their audit.

Who sees what: operators every request, subscription and event of their brain; a member its own enterprise's;
government viewers none of them (they read published aggregates without a subscription, like operators); nobody
else anything."""

from django.db.models import Q
from django.utils import timezone

from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from dataproducts.selectors.products import product_list
from tenants.access import BrainAccess
from tenants.models import BrainStaff


def subscription_active(*, product: DataProduct, enterprise_id: int | None, at=None) -> Subscription | None:
    """The enterprise's subscription to the product in force at `at` (now): started, not ended, not revoked. A
    renewal granted ahead starts where the current one ends, so at most one is in force at a time; the latest
    wins if two overlap."""
    if not enterprise_id:
        return None
    at = at or timezone.now()
    return (Subscription.objects.in_brain(product.brain_id)
            .filter(product_id=product.pk, enterprise_id=enterprise_id, revoked_at__isnull=True,
                    starts_at__lte=at, ends_at__gt=at)
            .order_by("-starts_at", "-id").first())


def reads_unmetered(*, viewer: BrainAccess | None) -> bool:
    """Operators and government viewers read published aggregates without a subscription, and nothing is metered
    (they oversee the brain; they do not consume the product)."""
    return bool(viewer and (viewer.is_operator or viewer.staff_role == BrainStaff.Role.GOVERNMENT_VIEWER))


def can_read(*, product: DataProduct, viewer: BrainAccess | None, at=None) -> bool:
    """Whether `viewer` may read the product's published rows now: operators always; government viewers a listed
    product (both unmetered); an active member a listed open product, or a listed or retired one with its
    subscription in force. Checked on every read, so a subscription that ends or is revoked stops access at once."""
    if viewer is None:
        return False
    if viewer.is_operator:
        return True
    if product.status == DataProduct.Status.DRAFT:
        return False
    listed = product.status == DataProduct.Status.LISTED
    if reads_unmetered(viewer=viewer):
        return listed
    if not viewer.is_member:
        return False
    if product.access == DataProduct.Access.OPEN:
        return listed
    return subscription_active(product=product, enterprise_id=viewer.enterprise_id, at=at) is not None


def metered_subscription(*, product: DataProduct, viewer: BrainAccess | None, at=None) -> Subscription | None:
    """The subscription a read is counted against: the member's own in force; none for operators, government
    viewers and members reading an open product."""
    if reads_unmetered(viewer=viewer) or viewer is None or not viewer.is_member:
        return None
    if product.access == DataProduct.Access.OPEN:
        return None
    return subscription_active(product=product, enterprise_id=viewer.enterprise_id, at=at)


def access_request_list(*, brain, viewer: BrainAccess):
    """Operators: every request of the brain (their queue); a member: its own enterprise's; nobody else any."""
    rows = AccessRequest.objects.in_brain(brain).select_related("product", "enterprise", "requested_by",
                                                                 "decided_by", "subscription")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def subscription_list(*, brain, viewer: BrainAccess):
    """Operators: every subscription of the brain; a member: its own enterprise's; nobody else any."""
    rows = Subscription.objects.in_brain(brain).select_related("product", "enterprise", "revoked_by", "request")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def access_event_list(*, brain, viewer: BrainAccess):
    """The audit of access, as its requests and subscriptions are seen: operators all; a member its own."""
    rows = AccessEvent.objects.in_brain(brain).select_related("by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def access_trail(*, brain, viewer: BrainAccess, request: AccessRequest | None = None,
                 subscription: Subscription | None = None):
    """One request's or subscription's audit, oldest first: a request's own steps and those of the subscription it
    granted; a subscription's own and those of the request that granted it."""
    request_id = getattr(request, "pk", None) or getattr(subscription, "request_id", None)
    subscription_id = getattr(subscription, "pk", None)
    if request is not None and subscription_id is None:
        subscription_id = Subscription.objects.in_brain(brain).filter(request_id=request.pk).values_list(
            "pk", flat=True).first()
    match = Q(pk__in=[])
    if request_id:
        match |= Q(request_id=request_id)
    if subscription_id:
        match |= Q(subscription_id=subscription_id)
    return access_event_list(brain=brain, viewer=viewer).filter(match).order_by("at", "id")


def pending_request(*, product: DataProduct, enterprise_id: int | None) -> AccessRequest | None:
    if not enterprise_id:
        return None
    return AccessRequest.objects.in_brain(product.brain_id).filter(
        product_id=product.pk, enterprise_id=enterprise_id, status=AccessRequest.Status.PENDING).first()


def readable_product_list(*, brain, viewer: BrainAccess):
    """The products whose rows the viewer may ask for (each read then asks `can_read`): the catalogue's
    (dataproducts.selectors.products.product_list), and for a member also a retired product it still has a
    subscription to (retiring a product publishes nothing more; it does not take back what was paid for)."""
    products = product_list(brain, viewer)
    if viewer is None or viewer.is_operator or not viewer.is_member:
        return products
    now = timezone.now()
    subscribed = Subscription.objects.in_brain(brain).filter(
        enterprise_id=viewer.enterprise_id, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    return DataProduct.objects.in_brain(brain).filter(
        Q(pk__in=products.values("pk"))
        | Q(status=DataProduct.Status.RETIRED, pk__in=subscribed.values("product_id")))
