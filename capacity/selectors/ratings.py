"""Reads of ratings: those an enterprise gave as a buyer and received as a supplier."""

from django.db.models import Q

from capacity.models import SupplierRating


def rating_list(*, brain, viewer):
    """Ratings the enterprise gave as a buyer and received as a supplier."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return SupplierRating.objects.none()
    return (SupplierRating.objects.in_brain(brain)
            .filter(Q(work_order__buyer_id=enterprise_id) | Q(supplier_id=enterprise_id))
            .select_related("work_order__purchase_order", "supplier").order_by("-rated_at", "-pk"))
