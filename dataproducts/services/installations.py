"""Installing an app of the capability centre: the member's administrator grants it a scoped API key of the member
(this brain only, the app's scope; the secret shown once, to the installer) and a webhook endpoint in this brain
for the app's event types. Uninstalling revokes the key and switches the endpoint off at once: the key is refused
from the next request, and nothing more is delivered. An install of a priced listing is metered once
(usage kind `install`, key `install:<id>`)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts.models import Component, ComponentListing, ComponentVersion, Installation
from dataproducts.services.usage import usage_record
from tenants.access import brain_access, require_brain_active
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import ApiKey, Brain, User, WebhookDelivery, WebhookEndpoint
from tenants.outbox import event_record
from tenants.services.api_keys import api_key_create
from tenants.webhooks import webhook_endpoint_create

Status = ComponentListing.Status


@dataclass(frozen=True)
class Installed:
    installation: Installation
    secret: str  # the app's API key secret: shown once, to the installer, never stored


def installable_version(listing: ComponentListing) -> ComponentVersion | None:
    """The newest version that fits the listing's brain (the newest at all, if none says)."""
    versions = ComponentVersion.objects.filter(component_id=listing.component_id).order_by("-released_at", "-id")
    return versions.filter(fits=listing.brain_id).first() or versions.first()


def _payload(installation: Installation, listing: ComponentListing, by: User) -> dict:
    return {"installation": installation.pk, "listing": listing.pk, "component": listing.component_id,
            "enterprise": installation.enterprise_id, "enterprise_name": str(installation.enterprise), "by": by.pk}


@transaction.atomic
def installation_create(*, listing: ComponentListing, by: User) -> Installed:
    """A member's administrator installs a listed app for its enterprise in this brain (one live install per
    member and listing; the database says so)."""
    with brain_context(listing.brain_id):
        brain = Brain.objects.get(pk=listing.brain_id)
        require_brain_active(brain=brain)
        access = brain_access(user=by, brain=brain)
        if not (access.is_member and by.is_enterprise_admin):
            raise NotAllowed(_("Only an administrator of a member enterprise may install an app."))
        # the listing row is locked: a deprecation waits for an install under way, and an install after it sees it
        listing = ComponentListing.objects.in_brain(brain).select_for_update().select_related("component").get(
            pk=listing.pk)
        component = listing.component
        if component.kind != Component.Kind.APP:
            raise DomainError(_("Only an app is installed; open a knowledge document or a tool instead."),
                              code="not_an_app")
        if listing.status == Status.DEPRECATED:
            raise DomainError(_("This app is deprecated: existing installations keep working, new ones are not "
                                "possible."), code="deprecated")
        if listing.status != Status.LISTED:
            raise DomainError(_("This app is not listed."), code="not_listed")
        if Installation.objects.in_brain(brain).filter(listing=listing, enterprise_id=by.enterprise_id,
                                                       uninstalled_at__isnull=True).exists():
            raise DomainError(_("Your enterprise has installed this app already."), code="installed")
        issued = api_key_create(by=by, name=f"{component.name_zh[:80]}（应用）", scope=component.api_scope,
                                brains=[brain])
        endpoint = webhook_endpoint_create(brain=brain, by=by, url=component.webhook_url,
                                           event_types=list(component.event_types),
                                           description=_("App %(app)s") % {"app": component.name_zh[:150]})
        try:
            with transaction.atomic():
                installation = Installation.objects.create(
                    brain=brain, listing=listing, version=installable_version(listing), enterprise_id=by.enterprise_id,
                    api_key=issued.api_key, webhook_endpoint=endpoint, installed_by=by)
        except IntegrityError:  # a concurrent install of the same member won
            raise DomainError(_("Your enterprise has installed this app already."), code="installed") from None
        if listing.install_price:
            usage_record(installation=installation, kind="install", idempotency_key=f"install:{installation.pk}")
        event_record(brain_id=brain.pk, name="component.installed", payload=_payload(installation, listing, by))
        return Installed(installation=installation, secret=issued.secret)


@transaction.atomic
def installation_remove(*, installation: Installation, by: User) -> Installation:
    """Uninstall: the member's administrator (or an operator, to stop an app) revokes the app's key and switches
    its webhook endpoint off, with the deliveries still waiting; from the next request the key is refused."""
    with brain_context(installation.brain_id):
        brain = Brain.objects.get(pk=installation.brain_id)
        require_brain_active(brain=brain)
        access = brain_access(user=by, brain=brain)
        own = access.is_member and by.is_enterprise_admin and by.enterprise_id == installation.enterprise_id
        if not (own or access.is_operator):
            raise NotAllowed(_("Only an administrator of the enterprise that installed the app may uninstall it."))
        installation = Installation.objects.in_brain(brain).select_for_update().select_related(
            "listing__component").get(pk=installation.pk)
        if installation.uninstalled_at is not None:
            raise DomainError(_("This app is uninstalled already."), code="invalid_state")
        now = timezone.now()
        installation.uninstalled_at, installation.uninstalled_by = now, by
        installation.save(update_fields=["uninstalled_at", "uninstalled_by", "updated_at"])
        # revoked here rather than through api_key_revoke: an operator stopping an app is not the key's admin
        ApiKey.objects.filter(pk=installation.api_key_id, revoked_at__isnull=True).update(revoked_at=now)
        if installation.webhook_endpoint_id:
            WebhookEndpoint.objects.in_brain(brain).filter(pk=installation.webhook_endpoint_id).update(
                is_active=False)
            WebhookDelivery.objects.in_brain(brain).filter(
                endpoint_id=installation.webhook_endpoint_id, status=WebhookDelivery.Status.PENDING).update(
                status=WebhookDelivery.Status.FAILED, next_attempt_at=None, last_error="uninstalled")
        event_record(brain_id=brain.pk, name="component.uninstalled",
                     payload=_payload(installation, installation.listing, by))
        return installation
