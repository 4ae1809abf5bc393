"""Attacks on published revisions: each must reveal nothing about one enterprise.

The data (revisions/conftest.py): March 2026, CNC on plastic mould steel from five suppliers (100…140 yuan), CNC on
hot-work steel from six (200 yuan), heat treatment from two (80 and 90 yuan); the rule is 5 enterprises, 60 %."""

from datetime import date

from dataproducts.models import RevisionRow
from dataproducts.selectors.revisions import revision_rows, rows_matching
from dataproducts.services.revisions import revision_build, revision_correct, revision_publish
from dataproducts.tests.products.transactions import local, suppliers
from dataproducts.tests.revisions.conftest import MARCH
from tenants.context import brain_context

PLASTIC = {"process": "CNC", "material": "plastic", "month": "2026-03"}
HOT = {"process": "CNC", "material": "hot_work", "month": "2026-03"}


def published(product, olga):
    return revision_publish(revision=revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1],
                                                    by=olga), by=olga)


def rows_of(revision, in_brain):
    with brain_context(revision.brain_id):
        return list(revision_rows(revision))


def test_differencing_two_revisions_reveals_no_single_enterprise(product, march, deals, olga, in_brain):
    first = published(product, olga)
    before = {tuple(sorted(row.dimensions.items())): row for row in rows_of(first, in_brain)}
    assert tuple(sorted(HOT.items())) in before
    # one supplier's new line lands in the published hot-work cell: published again, the two revisions would tell
    # its price (six lines at 200, then seven with a new median) and that it was one enterprise
    deals.award(march[5], process="CNC", material="H13", price="260.00", at=local(2026, 3, 20))
    second = revision_publish(revision=revision_correct(revision=first, by=olga, comment="补录一笔定标"), by=olga)
    after = rows_of(second, in_brain)
    assert HOT not in [row.dimensions for row in after]
    for row in after:
        key = tuple(sorted(row.dimensions.items()))
        if key in before:  # a cell published in both is one whose change passes the rule by itself
            assert row.measures == before[key].measures or row.enterprises >= 5
    # nor do the two remainders differ by one enterprise: the second pools so many more that the change passes,
    # or there is none
    first_remainder = [row for row in rows_of(first, in_brain) if row.is_remainder]
    second_remainder = [row for row in after if row.is_remainder]
    if first_remainder and second_remainder:
        assert second_remainder[0].enterprises - first_remainder[0].enterprises != 1 or \
            second_remainder[0].measures["lines"] - first_remainder[0].measures["lines"] > 1


def test_a_correction_that_changes_one_enterprise_only_withholds_the_cell(product, march, deals, olga, in_brain):
    first = published(product, olga)
    deals.award(march[6], process="CNC", material="H13", price="200.00", at=local(2026, 3, 21))
    second = revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga, comment="更正",
                            corrects=first)
    assert HOT not in [row.dimensions for row in rows_of(second, in_brain)]
    # five more suppliers in the cell: the change has enough enterprises behind it and the cell is published
    for maker in suppliers(product.brain, 5, start=300):
        deals.award(maker, process="CNC", material="H13", price="210.00", at=local(2026, 3, 22))
    third = revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga)
    assert HOT in [row.dimensions for row in rows_of(third, in_brain)]


def test_a_total_minus_the_other_cells_reveals_no_suppressed_cell(product, march, olga, in_brain):
    revision = published(product, olga)
    rows = rows_of(revision, in_brain)
    cells = [row for row in rows if not row.is_remainder]
    remainder = [row for row in rows if row.is_remainder]
    # every total a reader can form is a sum of published rows; the remainder alone is what is left, and it is
    # heat treatment (two suppliers) pooled with the plastic cell, never heat treatment alone
    assert revision.lineage["records"] == sum(row.measures["lines"] for row in rows) == 13
    assert remainder and remainder[0].measures["lines"] == 7 and remainder[0].enterprises == 7
    assert sum(row.measures["lines"] for row in cells) + remainder[0].measures["lines"] == 13
    assert remainder[0].measures["median"] not in ("80.00", "85.00", "90.00")
    assert revision.suppressed_count == 2


def test_a_filter_cannot_narrow_a_cell_to_one_enterprise(product, march, deals, olga, in_brain):
    loner = suppliers(product.brain, 1, start=400)[0]
    deals.award(loner, process="HT", material="SKD11", price="55.00", at=local(2026, 3, 9))
    revision = published(product, olga)
    with in_brain(product.brain):
        assert list(rows_matching(revision, {"process": "HT", "material": "cold_work"})) == []
        assert list(rows_matching(revision, {"process": "HT"})) == []
        for dimensions in ({"material": "cold_work"}, {"month": "2026-03"}, {"process": "CNC"}, {}):
            assert all(row.enterprises >= 5 for row in rows_matching(revision, dimensions))
        assert not RevisionRow.objects.filter(revision=revision, enterprises__lt=5).exists()


def test_a_dominant_enterprise_is_not_published(product, makers, deals, olga, in_brain):
    # five suppliers, one of them holding 90 % of the cell's value
    deals.award(makers[0], process="CNC", material="P20", price="100.00", quantity=360, at=local(2026, 3, 5))
    for maker in makers[1:5]:
        deals.award(maker, process="CNC", material="P20", price="100.00", quantity=10, at=local(2026, 3, 5))
    for maker in makers[5:11]:
        deals.award(maker, process="CNC", material="H13", price="200.00", at=local(2026, 3, 5))
    revision = published(product, olga)
    rows = rows_of(revision, in_brain)
    assert PLASTIC not in [row.dimensions for row in rows]
    for row in rows:  # nor does it dominate the remainder it was folded into
        assert row.enterprises >= 5
    assert revision.suppressed_count >= 1 and revision.period_to == date(2026, 3, 31)
