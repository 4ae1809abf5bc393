"""The products demo: five listed products, the price index and on-time product published from the demo's own
transactions with suppressed cells visible; a second load changes nothing."""

import pytest

from capacity import demo as capacity_demo
from dataproducts import demo as dataproducts_demo
from dataproducts.models import DataProduct, Revision, RevisionRow
from tenants import demo as tenants_demo
from tenants.context import brain_context


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = tenants_demo.load()
    capacity_demo.load(brains=loaded["brains"], users=loaded["users"])
    dataproducts_demo.products_demo(brain=loaded["brains"]["mould"], users=loaded["users"])
    return loaded


def test_the_demo_publishes_the_price_index_with_cells_suppressed_visibly(demo):
    brain = demo["brains"]["mould"]
    with brain_context(brain.pk):
        assert DataProduct.objects.filter(status="listed").count() == 5
        index = Revision.objects.get(product__code="price-index", status="published")
        rows = list(RevisionRow.objects.filter(revision=index))
        assert Revision.objects.filter(product__code="on-time", status="published").count() == 1
    assert index.suppressed_count > 0, [(r.dimensions, r.enterprises, r.measures) for r in rows]
    assert any(not row.is_remainder for row in rows), "no cell of the price index passes the rule"
    assert all(row.enterprises >= 3 for row in rows)


def test_a_second_load_changes_nothing(demo):
    brain = demo["brains"]["mould"]
    with brain_context(brain.pk):
        before = list(Revision.objects.order_by("pk").values_list("pk", "status"))
    dataproducts_demo.products_demo(brain=brain, users=demo["users"])
    with brain_context(brain.pk):
        assert list(Revision.objects.order_by("pk").values_list("pk", "status")) == before
