"""Reads of API keys: the keys a person manages, every active key for the platform console, and the audits of
what keys did and of their rate limits."""

from tenants.models import ApiCall, ApiKey, RateLimitChange, User


def api_calls(*, api_key=None, enterprise_id: int | None = None):
    """The audit of API-key writes, newest first: of one key, or of all an enterprise's keys."""
    calls = ApiCall.objects.select_related("api_key").order_by("-at", "-id")
    if api_key is not None:
        return calls.filter(api_key=api_key)
    return calls.filter(api_key__enterprise_id=enterprise_id or 0)


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
