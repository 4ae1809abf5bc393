"""Reads of change requests: for the work order's buyer and supplier."""

from capacity.models import ChangeRequest
from capacity.selectors.work_orders import buyer_or_supplier


def change_request_list(*, brain, viewer):
    """Change requests on lines of work orders the enterprise buys or makes, newest first."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return ChangeRequest.objects.none()
    return (ChangeRequest.objects.in_brain(brain).filter(buyer_or_supplier(enterprise_id, "line__work_order__"))
            .select_related("line__part", "line__work_order", "requested_by", "decided_by")
            .order_by("-requested_at", "-pk"))
