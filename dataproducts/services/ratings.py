"""Ratings of the capability centre: a member that installed an app (or, for a knowledge document or a tool, opened
it) rates it 1–5 stars with an optional comment, once; rating again changes its rating."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts.models import Component, ComponentListing, ComponentRating, ComponentUse, Installation
from tenants.access import brain_access, require_brain_active
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, User

MAX_COMMENT = 500


def _stars(value) -> int:
    try:
        stars = int(str(value))
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5 or str(value).strip() not in {str(stars), f"{stars}.0"}:
        raise DomainError(_("Give 1 to 5 stars."), field="stars")
    return stars


def may_rate(*, listing: ComponentListing, enterprise_id: int | None) -> bool:
    """Whether the enterprise installed the app (now or before), or opened the knowledge document or tool."""
    if not enterprise_id:
        return False
    if listing.component.kind == Component.Kind.APP:
        return Installation.objects.in_brain(listing.brain_id).filter(listing=listing,
                                                                      enterprise_id=enterprise_id).exists()
    return ComponentUse.objects.in_brain(listing.brain_id).filter(listing=listing,
                                                                  enterprise_id=enterprise_id).exists()


@transaction.atomic
def component_rate(*, listing: ComponentListing, by: User, stars, comment: str = "") -> ComponentRating:
    """Rate a listed (or deprecated) component for one's enterprise; a second rating replaces the first."""
    with brain_context(listing.brain_id):
        brain = Brain.objects.get(pk=listing.brain_id)
        require_brain_active(brain=brain)
        if not brain_access(user=by, brain=brain).is_member:
            raise NotAllowed(_("Only a member enterprise may rate a component."))
        stars = _stars(stars)
        comment = str(comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError(_("Keep it under %(n)s characters.") % {"n": MAX_COMMENT}, code="max_length",
                              field="comment")
        listing = ComponentListing.objects.in_brain(brain).select_related("component").get(pk=listing.pk)
        if listing.status not in (ComponentListing.Status.LISTED, ComponentListing.Status.DEPRECATED):
            raise DomainError(_("This component is not listed."), code="not_listed")
        if not may_rate(listing=listing, enterprise_id=by.enterprise_id):
            what = (_("Install the app before you rate it.") if listing.component.kind == Component.Kind.APP
                    else _("Open it before you rate it."))
            raise NotAllowed(what, code="not_used")
        # one per member (the unique constraint); a concurrent second rating of the same member waits on the row
        rating, created = ComponentRating.objects.select_for_update().get_or_create(
            brain=brain, listing=listing, enterprise_id=by.enterprise_id,
            defaults={"stars": stars, "comment": comment, "by": by})
        if not created:
            rating.stars, rating.comment, rating.by, rating.at = stars, comment, by, timezone.now()
            rating.save()
        return rating
