"""Ratings a viewer may see: those of the listings it may see, in this brain only."""

from dataproducts.models import ComponentRating
from dataproducts.selectors.components import listing_list
from tenants.models import Brain


def rating_list(*, brain: Brain, viewer):
    return (ComponentRating.objects.in_brain(brain).filter(listing__in=listing_list(brain=brain, viewer=viewer)
                                                           .values("pk"))
            .select_related("enterprise").order_by("-at", "-id"))
