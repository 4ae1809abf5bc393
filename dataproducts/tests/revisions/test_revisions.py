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


def test_a_published_revision_is_immutable_in_the_database(product, march, olga):
    from django.db import IntegrityError, connection, transaction

    from dataproducts.models import Revision, RevisionRow

    revision = revision_publish(revision=build(product, olga), by=olga)
    statements = [
        ("UPDATE dataproducts_revisionrow SET measures = '{}' WHERE revision_id = %s", [revision.pk]),
        ("DELETE FROM dataproducts_revisionrow WHERE revision_id = %s", [revision.pk]),
        ("UPDATE dataproducts_contribution SET records = 0 WHERE revision_id = %s", [revision.pk]),
        ("UPDATE dataproducts_revision SET lineage = '{}' WHERE id = %s", [revision.pk]),
        ("UPDATE dataproducts_revision SET status = 'draft' WHERE id = %s", [revision.pk]),
        ("DELETE FROM dataproducts_revision WHERE id = %s", [revision.pk]),
        ("INSERT INTO dataproducts_revisionrow (brain_id, revision_id, position, dimensions, measures, is_remainder,"
         " enterprises) VALUES (%s, %s, 99, '{}', '{}', false, 9)", [revision.brain_id, revision.pk]),
    ]
    for sql, params in statements:
        with brain_context(product.brain_id), pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    with brain_context(product.brain_id):
        assert RevisionRow.objects.filter(revision=revision).count() == 2
        assert Revision.objects.get(pk=revision.pk).lineage["tables"]


def test_a_correction_withdraws_the_revision_it_corrects(product, march, deals, olga, in_brain):
    from dataproducts.services.revisions import revision_correct
    from dataproducts.tests.products.transactions import local
    from tenants.errors import DomainError

    first = revision_publish(revision=build(product, olga), by=olga)
    with pytest.raises(DomainError) as refused:
        revision_correct(revision=first, by=olga, comment="")
    assert refused.value.field == "comment"
    deals.award(march[0], process="CNC", material="P20", price="999.00", at=local(2026, 3, 9), voided=True)
    correction = revision_correct(revision=first, by=olga, comment="作废的定标不计入")
    assert correction.corrects == first and correction.number == 2
    revision_publish(revision=correction, by=olga)
    with in_brain(product.brain):
        first.refresh_from_db()
        assert first.status == "withdrawn" and revision_latest(product).pk == correction.pk
    with pytest.raises(DomainError):
        revision_correct(revision=first, by=olga, comment="再次更正")


def test_a_draft_built_before_another_publication_must_be_built_again(product, march, olga):
    from tenants.errors import DomainError

    older, newer = build(product, olga), build(product, olga)
    revision_publish(revision=newer, by=olga)
    with pytest.raises(DomainError) as refused:
        revision_publish(revision=older, by=olga)
    assert refused.value.code == "stale"


def test_bad_builds_are_refused(product, olga, alice):
    from datetime import date, timedelta

    from django.utils import timezone

    from dataproducts.models import Revision
    from tenants.errors import DomainError, NotAllowed

    with pytest.raises(NotAllowed):
        build(product, alice)
    for first, last, field in ((date(2026, 3, 31), date(2026, 3, 1), "period_to"),
                               (date(2024, 1, 1), date(2026, 1, 1), "period_to"),
                               (date(2026, 3, 1), timezone.localdate(), "period_to"),
                               ("2026-03-01", date(2026, 3, 31), "period_from")):
        with pytest.raises(DomainError) as refused:
            revision_build(product=product, period_from=first, period_to=last, by=olga)
        assert refused.value.field == field
    with brain_context(product.brain_id):
        assert not Revision.objects.exists()
    assert timedelta(days=1)


def test_the_scheduled_build_publishes_the_last_month_once_per_data(product, march, deals, olga, in_brain):
    from datetime import date

    from dataproducts.models import Revision
    from dataproducts.services.products import product_update
    from dataproducts.services.revisions import revision_refresh, revisions_refresh_due
    from dataproducts.tests.products.transactions import local

    assert revision_refresh(product=product, today=date(2026, 4, 2)) is None  # a draft product is not built
    product_update(product=product, by=olga, status="listed")
    assert revisions_refresh_due(today=date(2026, 4, 2)) == 1
    assert revisions_refresh_due(today=date(2026, 4, 2)) == 0
    assert revision_refresh(product=product, today=date(2026, 4, 20)) is None
    for maker in suppliers_of(product, 5):
        deals.award(maker, process="HT", material="H13", price="85.00", at=local(2026, 3, 25))
    again = revision_refresh(product=product, today=date(2026, 4, 21))
    assert again.status == "published" and again.corrects_id and again.comment
    with in_brain(product.brain):
        assert list(Revision.objects.values_list("number", "status").order_by("number")) == [
            (1, "withdrawn"), (2, "published")]


def suppliers_of(product, count):
    from dataproducts.tests.products.transactions import suppliers

    return suppliers(product.brain, count, start=500)


def test_the_code_version_is_the_image_s_or_the_checkout_s_read_once(monkeypatch, settings, tmp_path):
    code_version.cache_clear()
    monkeypatch.setenv("CODE_VERSION", "a" * 40)
    assert code_version() == "a" * 40
    monkeypatch.delenv("CODE_VERSION")
    assert code_version() == "a" * 40  # once per process
    code_version.cache_clear()
    settings.BASE_DIR = tmp_path  # not a checkout: unknown
    assert code_version() == ""
    code_version.cache_clear()
