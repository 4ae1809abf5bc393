"""API keys: an enterprise's administrators issue and revoke them; the platform administrator sets their rate
limits (audited)."""

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.access import require_platform_admin
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import ApiKey, Brain, Membership, RateLimitChange, User

audit_log = logging.getLogger("industry_brain.audit")


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def api_key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, by: User, name: str, scope: str, brains: list[Brain]) -> IssuedKey:
    """An enterprise administrator issues a key for brains the enterprise is an active member of."""
    if not by.is_enterprise_admin:
        raise NotAllowed(_("Only an enterprise administrator may create API keys."))
    if not name.strip():
        raise DomainError(_("Give the key a name."), code="required", field="name")
    if scope not in ApiKey.Scope.values:
        raise DomainError(_("Unknown scope."), code="invalid", field="scope")
    if not brains:
        raise DomainError(_("Choose at least one brain."), code="required", field="brains")
    outside = [brain.slug for brain in brains if not _is_active_member(brain, by.enterprise_id)]
    if outside:
        raise DomainError(
            _("Your enterprise is not an active member of: %(brains)s.") % {"brains": ", ".join(outside)},
            code="invalid", field="brains",
        )
    prefix = secrets.token_hex(4)
    secret = f"ib_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        enterprise_id=by.enterprise_id, name=name.strip(), prefix=prefix, secret_hash=api_key_hash(secret),
        scope=scope, brain_ids=sorted(b.pk for b in brains), created_by=by,
    )
    return IssuedKey(api_key=api_key, secret=secret)


def _is_active_member(brain: Brain, enterprise_id: int) -> bool:
    with brain_context(brain.pk):
        return Membership.objects.in_brain(brain).filter(
            enterprise_id=enterprise_id, status=Membership.Status.ACTIVE
        ).exists()


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User) -> ApiKey:
    if not by.is_enterprise_admin or by.enterprise_id != api_key.enterprise_id:
        raise NotAllowed(_("Only an administrator of the key's enterprise may revoke it."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def api_key_set_rate_limit(*, api_key: ApiKey, rate_limit_per_minute: int, by: User) -> ApiKey:
    """The platform administrator sets a key's requests per minute; the throttle applies it on the next request.

    Audited (RateLimitChange and the audit log) when the limit changes; setting the same limit again does nothing.
    """
    require_platform_admin(user=by)
    low, high = ApiKey.RATE_LIMIT_MIN, ApiKey.RATE_LIMIT_MAX
    if isinstance(rate_limit_per_minute, bool) or not isinstance(rate_limit_per_minute, int) \
            or not low <= rate_limit_per_minute <= high:
        raise DomainError(
            _("Requests per minute must be a whole number from %(min)s to %(max)s.") % {"min": low, "max": high},
            code="invalid", field="rate_limit_per_minute",
        )
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)  # two admins at once: one change after the other
    if api_key.revoked_at is not None:
        raise DomainError(_("This API key has been revoked."), code="invalid_state")
    old = api_key.rate_limit_per_minute
    if old == rate_limit_per_minute:
        return api_key
    api_key.rate_limit_per_minute = rate_limit_per_minute
    api_key.save(update_fields=["rate_limit_per_minute"])
    RateLimitChange.objects.create(api_key=api_key, old_limit=old, new_limit=rate_limit_per_minute, changed_by=by)
    line = (api_key.pk, api_key.prefix, api_key.enterprise_id, old, rate_limit_per_minute, by.pk)
    transaction.on_commit(lambda: audit_log.info(  # once it holds: a rolled-back change is not logged as made
        "api key %s (%s…, enterprise=%s) rate limit %s -> %s per minute (user=%s)", *line))
    return api_key
