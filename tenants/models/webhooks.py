"""Webhooks: an enterprise's endpoints in a brain, each delivery to one of them, and every attempt of a delivery
(how they flow is tenants.webhooks)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models.accounts import User
from tenants.models.base import ChangeTracked
from tenants.models.brains import BrainOwned
from tenants.models.enterprises import Enterprise
from tenants.models.outbox import OutboxEvent

__all__ = ["WebhookAttempt", "WebhookDelivery", "WebhookEndpoint"]


class WebhookEndpoint(ChangeTracked, BrainOwned):
    """An enterprise's URL that receives the events of one brain it subscribed to, signed with `secret`."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="webhook_endpoints",
                                   verbose_name=_("enterprise"))
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=60), verbose_name=_("event types"))
    # Kept readable: HMAC needs the secret itself. Only the enterprise's administrators and keys may read it.
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(name="webhook_endpoint_has_event_types", condition=~models.Q(event_types=[]))]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(ChangeTracked, BrainOwned):
    """One event for one endpoint: the body is fixed when the event happens, so every retry and replay sends
    the same bytes (signed anew each time)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    event_type = models.CharField(_("event type"), max_length=60)
    webhook_id = models.CharField(max_length=100)  # stable across retries and replays: receivers dedupe on it
    body = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)  # an attempt in flight holds this lease
    replay_requested = models.BooleanField(default=False)  # the next attempt is a replay by hand
    last_status_code = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    sync_children = ("attempt_log__at",)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # a fan-out that runs twice (at-least-once events) makes no second delivery
            models.UniqueConstraint(fields=["endpoint", "event", "event_type"], name="one_delivery_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due",
                         condition=models.Q(status="pending")),
        ]


class WebhookAttempt(BrainOwned):
    """One HTTP request of a delivery, with what the receiver answered: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    manual = models.BooleanField(default=False)  # a replay by hand
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the first 2 KB
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
