"""API keys of enterprises (global: one key may reach several brains), the audit of their rate limits, and the
audit of what they did."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models.accounts import User
from tenants.models.enterprises import Enterprise

__all__ = ["ApiCall", "ApiKey", "RateLimitChange"]


class ApiKey(models.Model):
    """An enterprise's key for machine clients. Only a SHA-256 of the secret is stored.

    Global (owned by an enterprise, not a brain): one key may be scoped to several brains.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    brain_ids = ArrayField(models.BigIntegerField(), verbose_name=_("brains"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600,
                                                        validators=[MinValueValidator(1)])

    # What the platform administrator may set (tenants.services.api_keys.api_key_set_rate_limit).
    RATE_LIMIT_MIN, RATE_LIMIT_MAX = 1, 100_000

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateLimitChange(models.Model):
    """The audit of a key's rate limit: who set it, from what to what, when. Global, like the key."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="rate_limit_changes")
    old_limit = models.PositiveIntegerField(_("old limit"))
    new_limit = models.PositiveIntegerField(_("new limit"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("rate limit change")
        verbose_name_plural = _("rate limit changes")
        ordering = ["-changed_at", "-id"]


class ApiCall(models.Model):
    """The audit of what API keys did: every write request made with a key, with its outcome. Written after
    the request's transaction, so refused and failed attempts are kept too."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="calls")
    brain_slug = models.CharField(max_length=40, blank=True)  # not a brain_id: the audit is the key's, global
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    replayed = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["api_key", "-at"], name="api_call_recent")]
