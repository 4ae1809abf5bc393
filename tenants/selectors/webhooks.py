"""Reads of webhooks: an enterprise's own endpoints in a brain and their delivery log; nobody else's exist for it."""

from django.db.models import Count, Prefetch, Q

from tenants.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


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
