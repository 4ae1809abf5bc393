"""The first answer to a POST sent with an `Idempotency-Key` (tenants.api.idempotency)."""

from django.db import models
from django.utils import timezone

__all__ = ["IdempotencyRecord"]


class IdempotencyRecord(models.Model):
    """The first successful response to a POST sent with an `Idempotency-Key`, replayed to its repeats.

    Keyed by the client (API key or user) and the key; the fingerprint of method, path and body tells a
    repeat from a different request reusing the key. Kept at least 24 hours."""

    client = models.CharField(max_length=40)  # "key:<api key id>" or "user:<user id>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique_per_client")]
