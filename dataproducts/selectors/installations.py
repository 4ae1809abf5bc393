"""Who sees which installations: a member its own enterprise's, the brain's operators all of the brain's; and the
API calls an installed app made with its key."""

from dataproducts.models import Installation
from tenants.models import ApiCall, Brain


def installation_list(*, brain: Brain, viewer):
    rows = Installation.objects.in_brain(brain).select_related(
        "listing", "listing__component", "version", "enterprise", "api_key", "webhook_endpoint", "installed_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member and viewer.enterprise_id:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def installation_calls(installation: Installation, *, limit: int = 200):
    """The app's requests with its key (writes, as the API audit keeps them), newest first."""
    if not installation.api_key_id:
        return ApiCall.objects.none()
    return ApiCall.objects.filter(api_key_id=installation.api_key_id).order_by("-at", "-id")[:limit]
