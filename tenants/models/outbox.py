"""Domain events, recorded in the transaction of the change they describe (tenants.outbox)."""

from django.db import models
from django.utils import timezone

from tenants.models.brains import BrainOwned

__all__ = ["OutboxEvent"]


class OutboxEvent(BrainOwned):
    """A domain event recorded in the same transaction as the change it describes."""

    name = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], name="outbox_pending", condition=models.Q(dispatched_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"
