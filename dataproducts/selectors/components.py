"""Who sees what of the capability centre: a brain's listings (members and government viewers the listed and
deprecated ones, a vendor its own submissions too, operators all), with their rating; the components other brains
offer, for this brain's operators to list here. Everything is read inside the brain: another brain's listings,
installations and ratings never appear."""

from django.db.models import Avg, Count, Exists, OuterRef, Q

from dataproducts.models import Component, ComponentListing, ComponentVersion
from tenants.models import Brain

VISIBLE = (ComponentListing.Status.LISTED, ComponentListing.Status.DEPRECATED)


def listing_list(*, brain: Brain, viewer):
    """The listings `viewer` may see in `brain`, each with `rating_average` and `rating_count`."""
    rows = (ComponentListing.objects.in_brain(brain)
            .select_related("component", "component__vendor", "reviewed_by", "submitted_by")
            .annotate(rating_average=Avg("ratings__stars"), rating_count=Count("ratings"))
            .order_by("-submitted_at", "-id"))  # a GROUP BY drops Meta.ordering
    if viewer.is_operator:
        return rows
    if not viewer.can_enter:
        return rows.none()
    mine = Q(component__vendor_id=viewer.enterprise_id) if viewer.is_member and viewer.enterprise_id else Q(pk=None)
    return rows.filter(Q(status__in=VISIBLE) | mine)


def listing_versions(listing: ComponentListing):
    """A listed component's versions, newest first, with the brains each fits."""
    return ComponentVersion.objects.filter(component_id=listing.component_id).prefetch_related("fits")


def components_offered_elsewhere(*, brain: Brain):
    """Components first offered in another brain whose vendor lets other brains list them, and that this brain has
    not listed (in any status). A global read of the global rows: no other brain's listing is looked at."""
    listed_here = ComponentListing.objects.in_brain(brain).filter(component=OuterRef("pk"))
    return (Component.objects.filter(offered_to_other_brains=True).exclude(home_brain=brain)
            .annotate(listed_here=Exists(listed_here)).filter(listed_here=False)
            .select_related("vendor", "home_brain").prefetch_related("versions"))
