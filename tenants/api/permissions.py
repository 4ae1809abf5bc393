from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from tenants.access import brain_access


def resolve_access(request):
    """Compute (once) what the authenticated user may do in the request's brain."""
    if getattr(request, "brain_access", None) is None:
        request._request.brain_access = brain_access(user=request.user, brain=request.brain)
    return request._request.brain_access


class BrainMember(permissions.BasePermission):
    """Members, staff and platform administrators may enter a brain; anyone else gets a 404.

    API keys are confined to the brains and the read/write scope they were issued for. A suspended
    brain is read-only.
    """

    def has_permission(self, request, view):
        api_key = request.auth if hasattr(request.auth, "brain_ids") else None
        if api_key is not None and request.brain.pk not in api_key.brain_ids:
            raise exceptions.NotFound()
        access = resolve_access(request)
        if not access.can_enter and getattr(view, "action", None) not in getattr(view, "open_to_non_members", ()):
            raise exceptions.NotFound()
        if request.method not in permissions.SAFE_METHODS:
            if api_key is not None and api_key.scope != "write":
                raise exceptions.PermissionDenied(_("This API key is read-only."), code="read_only_key")
            if access.read_only:
                raise exceptions.PermissionDenied(
                    _("This brain is suspended and read-only."), code="brain_suspended"
                )
        return True


class GlobalReadWrite(permissions.BasePermission):
    """Endpoints outside a brain: API keys with read scope may only read."""

    def has_permission(self, request, view):
        api_key = request.auth if hasattr(request.auth, "brain_ids") else None
        if api_key is not None and request.method not in permissions.SAFE_METHODS and api_key.scope != "write":
            raise exceptions.PermissionDenied(_("This API key is read-only."), code="read_only_key")
        return True


class NoApiKey(permissions.BasePermission):
    """Session users only: an API key may not manage keys or brains."""

    message = _("This cannot be done with an API key.")

    def has_permission(self, request, view):
        return not hasattr(request.auth, "brain_ids")


class PlatformAdmin(permissions.BasePermission):
    """Platform administrators only. A key never carries that power (see ApiKeyAuthentication): people only."""

    message = _("Only platform administrators may do this.")

    def has_permission(self, request, view):
        return bool(getattr(request.user, "is_platform_admin", False))
