"""The capability-centre demo: two components listed in the mould brain (a process standard, a vendor's ERP
connector offered to other brains too), the demo buyer's installation (metered once) and rating; a second load
changes nothing."""

from decimal import Decimal

import pytest

from dataproducts import demo
from dataproducts.models import Component, ComponentListing, ComponentRating, Installation, UsageRecord
from tenants import demo as tenants_demo
from tenants.context import brain_context, cross_brain


def snapshot():
    with cross_brain(reason="test assertion"):
        return {model.__name__: list(model.objects.order_by("pk").values())
                for model in (Component, ComponentListing, Installation, ComponentRating, UsageRecord)}


@pytest.mark.django_db
def test_the_demo_lists_two_components_and_installs_the_app_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = tenants_demo.load()
    mould = loaded["brains"]["mould"]
    demo.components_demo(brain=mould, users=loaded["users"])
    first = snapshot()
    demo.components_demo(brain=mould, users=loaded["users"])
    assert snapshot() == first
    with brain_context(mould.pk):
        listings = {row.component.name_zh: row for row in ComponentListing.objects.select_related("component")}
        assert {name: row.status for name, row in listings.items()} == {"模具钢热处理工艺规范": "listed",
                                                                       "云模ERP连接器": "listed"}
        [installation] = Installation.objects.all()
        assert installation.enterprise_id == loaded["users"]["buyer"].enterprise_id
        assert installation.api_key.brain_ids == [mould.pk]
        [usage] = UsageRecord.objects.all()
        assert usage.amount == Decimal("199.00")
        assert ComponentRating.objects.get().stars == 4
    document = listings["模具钢热处理工艺规范"].component.versions.get().document
    assert document.read().startswith(b"%PDF-1.4")
