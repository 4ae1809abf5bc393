"""Reads of what an enterprise's data fed and its opt-outs: the enterprise itself sees its own, operators any
member's; nobody else anyone's (a contribution says which revisions used whose data)."""

from django.db.models import Count, Q, Sum

from dataproducts.models import Contribution, DataProduct, OptOut, Revision

SHOWN = (Revision.Status.PUBLISHED, Revision.Status.WITHDRAWN)


def _enterprise_of(viewer, enterprise_id=None) -> int | None:
    if viewer is None:
        return None
    if viewer.is_operator and enterprise_id:
        return int(enterprise_id)
    return viewer.enterprise_id if viewer.is_member else None


def contribution_list(brain, viewer, enterprise_id=None):
    """Contributions to published revisions: a member its own enterprise's; an operator the given enterprise's, or
    every member's when none is given."""
    rows = (Contribution.objects.in_brain(brain).filter(revision__status__in=SHOWN)
            .select_related("revision", "revision__product", "enterprise")
            .order_by("-revision__period_to", "revision__product__code", "-revision__number", "enterprise_id"))
    if viewer is not None and viewer.is_operator and not enterprise_id:
        return rows
    enterprise = _enterprise_of(viewer, enterprise_id)
    return rows.filter(enterprise_id=enterprise) if enterprise else rows.none()


def opt_out_list(brain, viewer, enterprise_id=None):
    rows = OptOut.objects.in_brain(brain).select_related("product", "enterprise", "by").order_by("-at", "-id")
    if viewer is not None and viewer.is_operator and not enterprise_id:
        return rows
    enterprise = _enterprise_of(viewer, enterprise_id)
    return rows.filter(enterprise_id=enterprise) if enterprise else rows.none()


def fed_products(brain, viewer, enterprise_id=None) -> list[dict]:
    """Per product: the published revisions the enterprise's data fed and the totals of its contributions, whether
    it opted out and whether it may (the page "what my data fed")."""
    enterprise = _enterprise_of(viewer, enterprise_id)
    if not enterprise:
        return []
    fed = {row["revision__product"]: row for row in
           contribution_list(brain, viewer, enterprise).values("revision__product").order_by().annotate(
               revisions=Count("revision", distinct=True), records=Sum("records"), cells=Sum("cells"),
               suppressed=Sum("suppressed_cells"))}
    opted = set(OptOut.objects.in_brain(brain).filter(enterprise_id=enterprise).values_list("product_id", flat=True))
    products = DataProduct.objects.in_brain(brain).filter(
        Q(status=DataProduct.Status.LISTED) | Q(pk__in=fed.keys()) | Q(pk__in=opted)).order_by("code")
    return [{"product": product, "revisions": fed.get(product.pk, {}).get("revisions", 0),
             "records": fed.get(product.pk, {}).get("records") or 0, "cells": fed.get(product.pk, {}).get("cells") or 0,
             "suppressed": fed.get(product.pk, {}).get("suppressed") or 0, "opted_out": product.pk in opted,
             "may_opt_out": not product.required}
            for product in products]
