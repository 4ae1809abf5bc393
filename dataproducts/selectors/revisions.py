"""Reads of revisions: which a viewer may see (operators also drafts; others what was published of a product they
may see in the catalogue, withdrawn ones included, marked), the latest published one, and its rows.

Rows are read here only by the pages' sample preview, the revision page and B's entitlement-checked rows API
(dataproducts.selectors.subscriptions.can_read); filters only ever select among published rows."""

from django.db.models import QuerySet

from dataproducts.models import Revision, RevisionRow
from dataproducts.selectors.products import product_list

SHOWN = (Revision.Status.PUBLISHED, Revision.Status.WITHDRAWN)
SAMPLE_ROWS = 5


def revision_list(brain, viewer):
    revisions = (Revision.objects.in_brain(brain).filter(product__in=product_list(brain, viewer))
                 .select_related("product", "published_by", "corrects"))
    if viewer is not None and viewer.is_operator:
        return revisions
    return revisions.filter(status__in=SHOWN)


def revision_latest(product) -> Revision | None:
    """The product's latest published revision (the latest period; of a period, the correction in force)."""
    return (Revision.objects.in_brain(product.brain_id).filter(product_id=product.pk, status=Revision.Status.PUBLISHED)
            .order_by("-period_to", "-period_from", "-number").first())


def revision_rows(revision: Revision) -> QuerySet[RevisionRow]:
    """The rows of a revision, in order; the remainder last."""
    return RevisionRow.objects.in_brain(revision.brain_id).filter(revision_id=revision.pk).order_by("position")


def rows_matching(revision: Revision, dimensions: dict) -> QuerySet[RevisionRow]:
    """Published rows whose dimensions equal the given values: a filter selects rows, it never re-aggregates, so it
    cannot narrow a cell below what the privacy rule published."""
    rows = revision_rows(revision)
    wanted = {name: value for name, value in dimensions.items() if value not in (None, "")}
    return rows.filter(dimensions__contains=wanted) if wanted else rows


def sample_rows(product, viewer=None) -> list[RevisionRow]:
    """The first rows of the latest published revision: the catalogue's preview (published rows only)."""
    latest = revision_latest(product)
    return list(revision_rows(latest)[:SAMPLE_ROWS]) if latest else []
