"""The capability centre (能力中心): a vendor (a member enterprise) or an operator submits a component into its brain —
a knowledge document, a tool or an app — as a listing waiting for review; the brain's operators approve it (listed)
or reject it with a reason, and may later deprecate it (installs keep working, no new ones). A component whose
vendor lets other brains list it is found by their operators, who list it in theirs after their own review.

Components and versions are global rows; listings, installations and ratings are the brain's. Every transition
locks the listing, checks the status it starts from, and records an outbox event in the same transaction."""

import hashlib
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataproducts.models import Component, ComponentListing, ComponentUse, ComponentVersion, Installation
from tenants.access import brain_access, require_brain_active
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, ApiKey, Brain, BrainStaff, Notification, OutboxEvent, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.notifications import tell
from tenants.uploads import Upload, uploads_read
from tenants.webhooks import ALL_TYPES, EVENT_TYPES, url_refusal, webhook_event_type

MAX_TEXT = 500
MAX_NOTES = 4000
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PRICE = Decimal("1000000.00")
# content type -> (magic bytes at offset 0, the file name endings that say it). Office files are zip archives.
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04", (".xlsx",)),
}

Kind = Component.Kind
Status = ComponentListing.Status

NOTIFICATION_TITLES.update({
    "component.submitted": gettext_lazy("%(component)s was submitted to the capability centre: review it"),
    "component.listed": gettext_lazy("%(component)s is listed in the capability centre of %(brain)s"),
    "component.rejected": gettext_lazy("%(component)s was not listed in %(brain)s"),
    "component.deprecated": gettext_lazy("%(component)s is deprecated in %(brain)s: installations keep working, no "
                                         "new ones"),
    "component.installed": gettext_lazy("%(enterprise)s installed %(component)s"),
    "component.uninstalled": gettext_lazy("%(enterprise)s uninstalled %(component)s"),
})


# --- Input ------------------------------------------------------------------------------------------------------


def _text(value, *, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(_("This is required."), code="required", field=field)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": limit}, code="max_length", field=field)
    return text


def _price(value, *, field: str = "install_price") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        price = None
    if price is None or not price.is_finite() or price < 0 or price > MAX_PRICE or price != price.quantize(
            Decimal("0.01")):
        raise DomainError(_("Give a price in yuan from 0 to 1,000,000 with at most two decimals, e.g. 199.00."),
                          field=field)
    return price


def _vat_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 17 or rate != rate.quantize(Decimal("0.01")):
        raise DomainError(_("Give the VAT rate in %, from 0 to 17, e.g. 6."), field="vat_rate")
    return rate


def document_type(upload: Upload) -> str:
    """The content type the file's bytes show (PDF, Word or Excel), when its name agrees: the bytes decide, and a
    zip archive must be named .docx or .xlsx to say which office file it is."""
    if not upload.content:
        raise DomainError(_("The file %(name)s is empty.") % {"name": upload.name[:100]}, field="document")
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise DomainError(_("The file %(name)s is too large (at most %(mb)s MB).") % {
            "name": upload.name[:100], "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}, field="document")
    ending = os.path.splitext(upload.name.lower())[1]
    for content_type, (magic, endings) in DOCUMENT_TYPES.items():
        if upload.content.startswith(magic) and ending in endings:
            return content_type
    raise DomainError(_("%(name)s is not a PDF, Word (.docx) or Excel (.xlsx) file.") % {"name": upload.name[:100]},
                      code="bad_file", field="document")


def document_received(received) -> Upload:
    """A file received over HTTP (a form's or the API's) as an Upload: refused unread when larger than allowed."""
    [upload] = uploads_read([(received, "document")], max_files=1, max_bytes=MAX_DOCUMENT_BYTES, field="document")
    return upload


def document_content_type(name: str) -> str:
    """The content type a stored document is served with (its content was checked at upload to match its name)."""
    ending = os.path.splitext(name.lower())[1]
    return next((t for t, (_magic, endings) in DOCUMENT_TYPES.items() if ending in endings), "application/pdf")


def _event_types(values) -> list[str]:
    types = sorted({str(v).strip() for v in values or [] if str(v).strip()})
    if not types:
        raise DomainError(_("Choose the event types the app receives."), code="required", field="event_types")
    unknown = [t for t in types if t not in EVENT_TYPES or t == ALL_TYPES]
    if unknown:
        raise DomainError(_("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}, field="event_types")
    return types


def _fits(brain: Brain, fits) -> list[Brain]:
    """The brains a version fits: the given ones (slugs or ids of existing brains), or this one."""
    if not fits:
        return [brain]
    wanted = {str(f) for f in fits}
    found = [b for b in Brain.objects.all() if b.slug in wanted or str(b.pk) in wanted]
    if len(found) != len(wanted):
        raise DomainError(_("Name existing brains only."), field="fits")
    return found


# --- Who may act ------------------------------------------------------------------------------------------------


def _require_vendor_or_operator(brain: Brain, by: User):
    """A component is offered by a member enterprise's administrator (its vendor) or by an operator (the brain
    company's own). Returns the vendor enterprise id, None for the brain company."""
    access = brain_access(user=by, brain=brain)
    if access.is_operator and not getattr(by, "via_api_key", False):
        return None
    if access.is_member and by.is_enterprise_admin:
        return by.enterprise_id
    raise NotAllowed(_("Only an administrator of a member enterprise, or an operator, may offer a component."))


def _require_operator(brain_id: int, by: User) -> None:
    if not brain_access(user=by, brain=Brain.objects.get(pk=brain_id)).is_operator:
        raise NotAllowed(_("Only an operator of this brain may do this."))


def _require_component_owner(component: Component, brain: Brain, by: User) -> None:
    """Versions are the vendor's to release (its administrators), or, for the brain company's own component, an
    operator of the brain it was first offered in."""
    if component.vendor_id is not None:
        if not (by.is_enterprise_admin and by.enterprise_id == component.vendor_id):
            raise NotAllowed(_("Only the vendor's administrators may release a version."))
    elif not (brain.pk == component.home_brain_id and brain_access(user=by, brain=brain).is_operator):
        raise NotAllowed(_("Only an operator of the brain that offered it may release a version."))


def _lock(listing: ComponentListing) -> ComponentListing:
    return ComponentListing.objects.in_brain(listing.brain_id).select_for_update().select_related(
        "component").get(pk=listing.pk)


def _payload(listing: ComponentListing, **more) -> dict:
    return {"listing": listing.pk, "component": listing.component_id, "kind": listing.component.kind, **more}


# --- Components and versions ------------------------------------------------------------------------------------


def _version_make(*, component: Component, brain: Brain, version: str, release_notes: str, document: Upload | None,
                  fits) -> ComponentVersion:
    version = _text(version, field="version", required=True, limit=30)
    release_notes = _text(release_notes, field="release_notes", limit=MAX_NOTES)
    fits = _fits(brain, fits)
    if component.kind == Kind.KNOWLEDGE and document is None:
        raise DomainError(_("Upload the document: a PDF, Word (.docx) or Excel (.xlsx) file."), code="required",
                          field="document")
    if component.kind != Kind.KNOWLEDGE and document is not None:
        raise DomainError(_("Only a knowledge component holds a document."), field="document")
    if document is not None:
        document_type(document)
    if ComponentVersion.objects.filter(component=component, version=version).exists():
        raise DomainError(_("Version %(v)s exists already.") % {"v": version}, code="duplicate", field="version")
    made = ComponentVersion(component=component, version=version, release_notes=release_notes)
    if document is not None:
        digest = hashlib.sha256(document.content).hexdigest()
        made.document_name = document.name[:200]
        # outside the web root (MEDIA_ROOT), under a name of no meaning to a guesser; served only by the view
        made.document.save(f"{component.pk}-{digest[:16]}", ContentFile(document.content), save=False)
    made.save()
    made.fits.set(fits)
    return made


@transaction.atomic
def component_submit(*, brain: Brain, by: User, kind: str, name_zh: str, name_en: str = "", summary_zh: str = "",
                     summary_en: str = "", homepage: str = "", webhook_url: str = "", api_scope: str = "",
                     event_types=(), offered_to_other_brains: bool = False, version: str = "1.0",
                     release_notes: str = "", document: Upload | None = None, fits=None, install_price=None,
                     vat_rate=Decimal("6")) -> ComponentListing:
    """A vendor (a member's administrator) or an operator offers a component in this brain: the component, its
    first version and a listing waiting for the operators' review. A knowledge component brings its document
    (checked by size and content before it is stored), a tool its link, an app its webhook URL, API scope and
    the event types it receives."""
    with brain_context(brain.pk):
        require_brain_active(brain=brain)
        vendor_id = _require_vendor_or_operator(brain, by)
        if kind not in Kind.values:
            raise DomainError(_("Choose knowledge, tool or app."), field="kind")
        name_zh = _text(name_zh, field="name_zh", required=True, limit=200)
        name_en = _text(name_en, field="name_en", limit=200)
        homepage = _text(homepage, field="homepage")
        scope, types = "", []
        if homepage:
            try:
                URLValidator(schemes=["http", "https"])(homepage)
            except ValidationError:
                raise DomainError(_("Give an http or https URL."), field="homepage") from None
        if kind == Kind.TOOL and not homepage:
            raise DomainError(_("Give the tool's link."), code="required", field="homepage")
        if kind != Kind.APP:
            webhook_url = ""
        else:
            webhook_url = _text(webhook_url, field="webhook_url", required=True)
            refusal = url_refusal(webhook_url)
            if refusal:
                raise DomainError(refusal, code="invalid_url", field="webhook_url")
            if api_scope not in ApiKey.Scope.values:
                raise DomainError(_("Choose the API scope the app needs: read, or read and write."),
                                  field="api_scope")
            scope, types = api_scope, _event_types(event_types)
        price = _price(install_price) if kind == Kind.APP else None
        component = Component.objects.create(
            kind=kind, name_zh=name_zh, name_en=name_en, summary_zh=_text(summary_zh, field="summary_zh",
                                                                          limit=MAX_NOTES),
            summary_en=_text(summary_en, field="summary_en", limit=MAX_NOTES), vendor_id=vendor_id, home_brain=brain,
            homepage=homepage, webhook_url=webhook_url, api_scope=scope, event_types=types,
            offered_to_other_brains=bool(offered_to_other_brains), created_by=by)
        _version_make(component=component, brain=brain, version=version, release_notes=release_notes,
                      document=document, fits=fits)
        listing = ComponentListing.objects.create(brain=brain, component=component, submitted_by=by,
                                                  install_price=price, vat_rate=_vat_rate(vat_rate))
        event_record(brain_id=brain.pk, name="component.submitted", payload=_payload(listing, by=by.pk))
        return listing


@transaction.atomic
def component_version_release(*, listing: ComponentListing, by: User, version: str, release_notes: str = "",
                              document: Upload | None = None, fits=None) -> ComponentVersion:
    """The vendor releases a new version (release notes, the brains it fits; a knowledge component's new
    document). Installations keep the version they installed; new installs take the newest that fits."""
    with brain_context(listing.brain_id):
        brain = Brain.objects.get(pk=listing.brain_id)
        require_brain_active(brain=brain)
        listing = _lock(listing)
        component = Component.objects.select_for_update().get(pk=listing.component_id)
        _require_component_owner(component, brain, by)
        return _version_make(component=component, brain=brain, version=version, release_notes=release_notes,
                             document=document, fits=fits)


# --- Review -----------------------------------------------------------------------------------------------------

REFUSALS = {
    "approve": gettext_lazy("Only a listing waiting for review can be approved; it is %(status)s."),
    "reject": gettext_lazy("Only a listing waiting for review can be rejected; it is %(status)s."),
    "deprecate": gettext_lazy("Only a listed component can be deprecated; it is %(status)s."),
}


def _review(listing: ComponentListing, by: User, action: str, frm: str, to: str, reason: str = "",
            event: str = "") -> ComponentListing:
    with brain_context(listing.brain_id):
        require_brain_active(brain=Brain.objects.get(pk=listing.brain_id))
        _require_operator(listing.brain_id, by)
        listing = _lock(listing)
        if listing.status != frm:
            raise DomainError(REFUSALS[action] % {"status": listing.get_status_display()}, code="invalid_state")
        listing.status, listing.reviewed_by, listing.reviewed_at = to, by, timezone.now()
        if reason:
            listing.reason = reason
        listing.save()
        event_record(brain_id=listing.brain_id, name=event, payload=_payload(listing, by=by.pk))
        return listing


@transaction.atomic
def listing_approve(*, listing: ComponentListing, by: User) -> ComponentListing:
    """An operator lists a component waiting for review: members see it and may install or open it."""
    return _review(listing, by, "approve", Status.PENDING, Status.LISTED, event="component.listed")


@transaction.atomic
def listing_reject(*, listing: ComponentListing, by: User, reason: str) -> ComponentListing:
    """An operator refuses to list a component, saying why (the vendor is told)."""
    reason = _text(reason, field="reason", required=True)
    return _review(listing, by, "reject", Status.PENDING, Status.REJECTED, reason, event="component.rejected")


@transaction.atomic
def listing_deprecate(*, listing: ComponentListing, by: User, reason: str) -> ComponentListing:
    """An operator deprecates a listed component, saying why: installations keep working, no new ones."""
    reason = _text(reason, field="reason", required=True)
    return _review(listing, by, "deprecate", Status.LISTED, Status.DEPRECATED, reason, event="component.deprecated")


@transaction.atomic
def listing_offer_here(*, brain: Brain, component: Component, by: User, install_price=None,
                       vat_rate=Decimal("6")) -> ComponentListing:
    """An operator of `brain` lists here a component first offered in another brain, whose vendor lets other
    brains list it: a new listing of this brain, waiting for this brain's own review."""
    with brain_context(brain.pk):
        require_brain_active(brain=brain)
        _require_operator(brain.pk, by)
        component = Component.objects.filter(pk=getattr(component, "pk", component)).first()
        if component is not None and ComponentListing.objects.in_brain(brain).filter(component=component).exists():
            raise DomainError(_("This component is listed in this brain already."), code="duplicate",
                              field="component")
        if component is None or not component.offered_to_other_brains:
            raise DomainError(_("This component is not offered to other brains."), code="not_offered",
                              field="component")
        price = _price(install_price) if component.kind == Kind.APP else None
        try:
            with transaction.atomic():
                listing = ComponentListing.objects.create(brain=brain, component=component, submitted_by=by,
                                                          install_price=price, vat_rate=_vat_rate(vat_rate))
        except IntegrityError:
            raise DomainError(_("This component is listed in this brain already."), code="duplicate",
                              field="component") from None
        event_record(brain_id=brain.pk, name="component.submitted", payload=_payload(listing, by=by.pk))
        return listing


# --- Opening a knowledge document or a tool ----------------------------------------------------------------------


@transaction.atomic
def component_open(*, listing: ComponentListing, by: User) -> ComponentUse | None:
    """A member opens a listed knowledge document or tool: the first time is kept, so it may rate it. Others (an
    operator, a government viewer) open it without a trace."""
    with brain_context(listing.brain_id):
        if listing.status not in (Status.LISTED, Status.DEPRECATED) and not brain_access(
                user=by, brain=Brain.objects.get(pk=listing.brain_id)).is_operator:
            raise DomainError(_("This component is not listed."), code="not_listed")
        access = brain_access(user=by, brain=Brain.objects.get(pk=listing.brain_id))
        if not access.is_member or listing.component.kind == Kind.APP:
            return None
        use, _created = ComponentUse.objects.get_or_create(brain_id=listing.brain_id, listing=listing,
                                                           enterprise_id=by.enterprise_id)
        return use


# --- Webhooks ---------------------------------------------------------------------------------------------------


def _listed_audience(event: OutboxEvent, candidates: set[int]) -> dict[int, dict]:
    """A listed component is news for every member of the brain (members see the catalogue): what it is."""
    listing = ComponentListing.objects.in_brain(event.brain_id).select_related("component").get(
        pk=event.payload["listing"])
    members = set(active_members(brain=event.brain_id).filter(enterprise_id__in=candidates)
                  .values_list("enterprise_id", flat=True))
    data = {"listing": listing.pk, "component": listing.component_id, "kind": listing.component.kind,
            "name_zh": listing.component.name_zh, "name_en": listing.component.name_en}
    return {enterprise_id: data for enterprise_id in members}


def webhooks_register() -> None:
    """The capability centre's event types (called from the app's ready())."""
    webhook_event_type("component.listed", audience=_listed_audience, description=gettext_lazy(
        "A component (knowledge, tool or app) was listed in the brain's capability centre."))


# --- Notifications ----------------------------------------------------------------------------------------------

TO_OPERATORS = {"component.submitted"}
TO_VENDOR = {"component.listed", "component.rejected", "component.deprecated", "component.installed",
             "component.uninstalled"}
NOTIFIED = TO_OPERATORS | TO_VENDOR


def component_notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """The vendor hears of the review (listed, rejected with the reason, deprecated) and of each install and
    uninstall; the operators of a submission waiting for them. Safe to run twice: one per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        listing = ComponentListing.objects.in_brain(brain_id).select_related("component", "submitted_by").get(
            pk=event.payload["listing"])
        component = listing.component
        enterprise = event.payload.get("enterprise_name", "")
        params = {"component": component.name_zh, "brain": event.brain.name_zh, "enterprise": enterprise,
                  "note": listing.reason if event.name in ("component.rejected", "component.deprecated") else ""}
        link = f"/b/{event.brain.slug}/data/capability/{listing.pk}/"
        if event.name in TO_OPERATORS:
            users = User.objects.filter(brain_staff__brain_id=brain_id, brain_staff__role=BrainStaff.Role.OPERATOR,
                                        is_active=True)
            return tell(event, users, params, link)
        made = []
        if event.name == "component.deprecated":  # the members using it hear that it keeps working, but ends
            installed = Installation.objects.in_brain(brain_id).filter(
                listing=listing, uninstalled_at__isnull=True).values_list("enterprise_id", flat=True)
            users = User.objects.filter(enterprise_id__in=list(installed), is_active=True)
            made += tell(event, users, params, link)
        if component.vendor_id is not None:
            # told in a brain it is a member of only: a link to a brain it cannot enter would tell nothing
            member = active_members(brain=brain_id).filter(enterprise_id=component.vendor_id).exists()
            users = User.objects.filter(enterprise_id=component.vendor_id, is_active=True) if member else []
        else:  # the brain company's own component: who submitted it
            users = User.objects.filter(pk=listing.submitted_by_id, is_active=True)
        return made + tell(event, users, params, link,
                           email=event.name in ("component.listed", "component.rejected"))
