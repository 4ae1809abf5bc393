"""`{% product_access product %}`: a product's access box for the product page — the download buttons to whoever
may read it now, else the request form (or the request waiting, or why none is needed)."""

from django import template

from dataproducts.forms.access_requests import AccessRequestForm
from dataproducts.models import DataProduct, Revision
from dataproducts.selectors.subscriptions import (
    can_read,
    pending_request,
    reads_unmetered,
    subscription_active,
)

register = template.Library()


@register.inclusion_tag("dataproducts/access_requests/_product_access.html", takes_context=True)
def product_access(context, product: DataProduct, form=None):
    viewer = context.get("access")
    enterprise_id = viewer.enterprise_id if viewer is not None and viewer.is_member else None
    readable = can_read(product=product, viewer=viewer)
    latest = (Revision.objects.in_brain(product.brain_id).filter(product=product, status=Revision.Status.PUBLISHED)
              .order_by("-number").first())
    requestable = (enterprise_id is not None and product.access != DataProduct.Access.OPEN
                   and product.status == DataProduct.Status.LISTED)
    pending = pending_request(product=product, enterprise_id=enterprise_id) if requestable else None
    return {
        "product": product, "current_brain": context.get("current_brain"), "csrf_token": context.get("csrf_token"),
        "readable": readable, "latest": latest, "unmetered": reads_unmetered(viewer=viewer),
        "subscription": subscription_active(product=product, enterprise_id=enterprise_id) if enterprise_id else None,
        "pending": pending,
        "form": (form or AccessRequestForm()) if requestable and pending is None else None,
        "refused": context.get("refused"), "access": viewer,
    }
