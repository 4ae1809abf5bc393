"""Building and publishing revisions: lineage, rows through the privacy rule, contributions, immutability,
corrections, the scheduled build."""

import pytest

from dataproducts.models import Contribution
from dataproducts.selectors.revisions import revision_latest, revision_rows
from dataproducts.services.revisions import code_version, revision_build, revision_publish
from dataproducts.tests.revisions.conftest import MARCH
from tenants.context import brain_context


def build(product, by, **extra):
    return revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=by, **extra)


def test_it_builds_a_draft_with_lineage_rows_and_contributions(product, march, olga):
    revision = build(product, olga)
    assert revision.status == "draft" and revision.number == 1
    assert revision.lineage["tables"][0] == "capacity_award"
    assert revision.lineage["rule"] == {"min_enterprises": 5, "max_share": "60.00"}
    assert revision.lineage["period_from"] == "2026-03-01" and revision.lineage["period_to"] == "2026-03-31"
    assert revision.code_version == code_version() and len(revision.code_version) == 40
    with brain_context(product.brain_id):
        rows = list(revision_rows(revision))
        contributions = {c.enterprise_id: c for c in Contribution.objects.filter(revision=revision)}
    assert [(row.dimensions, row.is_remainder, row.enterprises) for row in rows] == [
        ({"process": "CNC", "material": "hot_work", "month": "2026-03"}, False, 6), ({}, True, 7)]
    assert rows[0].measures == {"median": "200.00", "p25": "200.00", "p75": "200.00", "enterprises": 6, "lines": 6}
    # the remainder: HT's two lines and the plastic cell's five, pooled: 80, 90, 100 … 140
    assert rows[1].measures == {"median": "110.00", "p25": "95.00", "p75": "125.00", "enterprises": 7, "lines": 7}
    assert revision.suppressed_count == 2 and revision.row_count == 2 and revision.enterprise_count == 13
    assert len(contributions) == 13
    hot = contributions[march[5].pk]
    assert (hot.records, hot.cells, hot.suppressed_cells) == (1, 1, 0)
    heat = contributions[march[11].pk]
    assert (heat.records, heat.cells, heat.suppressed_cells) == (1, 0, 1)


def test_it_publishes_and_the_latest_is_the_published_one(product, march, olga, in_brain):
    revision = build(product, olga)
    with in_brain(product.brain):
        assert revision_latest(product) is None
    revision = revision_publish(revision=revision, by=olga)
    assert revision.status == "published" and revision.published_by == olga and revision.published_at
    with in_brain(product.brain):
        assert revision_latest(product).pk == revision.pk
