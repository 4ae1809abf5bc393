"""Every definition builds over the brain's tables (an empty brain too), and its rows carry its fields."""

from datetime import date

import pytest

from dataproducts.definitions import REGISTRY, last_complete_period, period_of
from dataproducts.services.products import product_create
from dataproducts.services.revisions import revision_build
from dataproducts.tests.products.transactions import local


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_it_builds_every_definition(code, mould, olga, march):
    definition = REGISTRY[code]
    product = product_create(brain=mould, by=olga, definition=code, code=code.replace("_", "-"),
                             name_zh=definition.name_zh, name_en=definition.name_en, access="open")
    first, last = period_of(definition.period, date(2026, 3, 10))
    revision = revision_build(product=product, period_from=first, period_to=last, by=olga)
    assert revision.lineage["definition"] == code and revision.definition_version == definition.version
    assert set(revision.lineage["tables"]) == set(definition.tables)


def test_the_five_definitions_are_registered():
    assert set(REGISTRY) == {"price_index", "on_time", "free_capacity", "group_buy_prices", "activity"}
    for definition in REGISTRY.values():
        assert definition.name_zh and definition.name_en and definition.version and definition.tables
        assert all(field.label_zh and field.label_en for field in definition.fields)


def test_activity_counts_enterprises_per_kind(mould, olga, march, deals, in_brain):
    product = product_create(brain=mould, by=olga, definition="activity", code="activity", name_zh="地区活跃度",
                             name_en="Activity", access="open")
    revision = revision_build(product=product, period_from=date(2026, 3, 1), period_to=date(2026, 3, 31), by=olga)
    with in_brain(mould):
        rows = list(revision.rows.order_by("position"))
    # thirteen suppliers won in Taizhou (3310); the quotes were submitted now, not in March
    assert [(row.dimensions, row.measures["winning"], row.enterprises) for row in rows] == [
        ({"region": "3310", "month": "2026-03"}, 13, 13)]


def test_periods():
    assert period_of("week", date(2026, 3, 11)) == (date(2026, 3, 9), date(2026, 3, 15))
    assert period_of("month", date(2026, 2, 11)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert last_complete_period("month", date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert last_complete_period("week", date(2026, 3, 11)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert local(2026, 3).month == 3


def test_free_capacity_sums_hours_per_process_and_prefecture(mould, olga, makers, in_brain):
    from decimal import Decimal

    from capacity.models import SupplierCapacity, SupplierProfile
    from tenants.models import Process

    with in_brain(mould):
        cnc = Process.objects.get(code="CNC")
        for index, maker in enumerate(makers[:6]):
            profile = SupplierProfile.objects.create(brain=mould, enterprise=maker,
                                                     region_code="331081" if index == 5 else "")
            SupplierCapacity.objects.create(brain=mould, profile=profile, process=cnc,
                                            weekly_free_hours=Decimal(10 + index))
    product = product_create(brain=mould, by=olga, definition="free_capacity", code="free-capacity",
                             name_zh="空闲产能周报", name_en="Free capacity", access="open")
    revision = revision_build(product=product, period_from=date(2026, 3, 9), period_to=date(2026, 3, 15), by=olga)
    with in_brain(mould):
        rows = list(revision.rows.order_by("position"))
    # five in Taizhou (its enterprises' registered region), one in Wenling's profile: same prefecture 3310
    assert [(row.dimensions, row.measures["free_hours"], row.enterprises) for row in rows] == [
        ({"process": "CNC", "region": "3310", "week": "2026-W11"}, "75.0", 6)]
