"""Reads of files: a progress report's for the work order's buyer and supplier, a mould trial's for the project's buyer."""

from django.db.models import Q

from capacity.models import Attachment
from capacity.selectors.work_orders import buyer_or_supplier


def attachment_list(*, brain, viewer):
    """Files the enterprise may open: a progress report's to the work order's buyer and supplier, a mould
    trial's to the project's buyer."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Attachment.objects.none()
    return (Attachment.objects.in_brain(brain)
            .filter(buyer_or_supplier(enterprise_id, "report__line__work_order__")
                    | Q(trial__project__buyer_id=enterprise_id))
            .select_related("report__line").order_by("-uploaded_at", "-pk"))
