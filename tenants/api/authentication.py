import hmac
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tenants.context import set_identity
from tenants.models import ApiKey
from tenants.services.api_keys import api_key_hash

HEADER_PREFIX = "Api-Key "


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key ib_<prefix>_<secret>`: an enterprise's key, acting as its creator.

    The key's brain scope and read/write scope are enforced by tenants.api.permissions.
    """

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith(HEADER_PREFIX):
            return None
        secret = header[len(HEADER_PREFIX):].strip()
        parts = secret.split("_")
        if len(parts) < 3 or parts[0] != "ib":
            raise exceptions.AuthenticationFailed(_("Malformed API key."), code="invalid_api_key")
        api_key = ApiKey.objects.select_related("created_by").filter(prefix=parts[1]).first()
        if api_key is None or not hmac.compare_digest(api_key.secret_hash, api_key_hash(secret)):
            raise exceptions.AuthenticationFailed(_("Unknown API key."), code="invalid_api_key")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."), code="revoked_api_key")
        user = api_key.created_by
        if not user.is_active or user.enterprise_id != api_key.enterprise_id or not user.is_enterprise_admin:
            # The person who issued it left the enterprise or its administration: the key dies with that.
            raise exceptions.AuthenticationFailed(_("This API key is no longer valid."), code="revoked_api_key")
        now = timezone.now()
        # One write a minute at most: a busy ERP must not turn every read into a write.
        if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        # A key acts for its enterprise only: never with its issuer's operator or administrator powers.
        user.is_platform_admin = user.is_staff = user.is_superuser = False
        user.via_api_key = True
        request._request.api_key = api_key  # for the audit (tenants.middleware.ApiAuditMiddleware)
        set_identity(user_id=user.pk, enterprise_id=user.enterprise_id)
        return user, api_key

    def authenticate_header(self, request):
        return "Api-Key"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key ib_<prefix>_<secret>`, created by an enterprise administrator.",
        }
