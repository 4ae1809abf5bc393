"""Products: operators create, update, list and retire them; every refusal names its field and changes nothing."""

from decimal import Decimal

import pytest

from dataproducts.models import DataProduct
from dataproducts.privacy import Rule, rule_for
from dataproducts.selectors.products import product_list
from dataproducts.services.products import product_create, product_update
from dataproducts.services.settings import data_product_settings_save
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import BrainStaff

BASE = {"definition": "price_index", "code": "index-2", "name_zh": "价格指数", "name_en": "Price index"}


def count(brain):
    with brain_context(brain.pk):
        return DataProduct.objects.count()


def test_it_creates_a_paid_product_in_draft(mould, olga):
    product = product_create(brain=mould, by=olga, access="paid", subscription_price="300.00",
                             price_per_call=Decimal("0.05"), **BASE)
    assert product.status == "draft" and product.subscription_price == Decimal("300.00")
    assert product.vat_rate == Decimal(6) and product.created_by == olga


@pytest.mark.parametrize(("changes", "field"), [
    ({"definition": "sql: select *"}, "definition"),
    ({"code": "Not A Slug"}, "code"),
    ({"name_zh": " "}, "name_zh"),
    ({"access": "free"}, "access"),
    ({"access": "paid"}, "subscription_price"),
    ({"access": "open", "price_per_row": "0.01"}, "price_per_row"),
    ({"access": "paid", "price_per_call": "0.001"}, "price_per_call"),
    ({"vat_rate": "7"}, "vat_rate"),
    ({"min_enterprises": 2}, "min_enterprises"),
    ({"max_share": "5"}, "max_share"),
    ({"max_share": "abc"}, "max_share"),
])
def test_bad_input_is_refused_by_field_and_changes_nothing(mould, olga, changes, field):
    with pytest.raises(DomainError) as refused:
        product_create(brain=mould, by=olga, **{**BASE, "access": "open", **changes})
    assert refused.value.field == field and count(mould) == 0


def test_a_code_is_once_per_brain(mould, pump, olga, root):
    product_create(brain=mould, by=olga, access="open", **BASE)
    with pytest.raises(DomainError) as refused:
        product_create(brain=mould, by=olga, access="open", **BASE)
    assert refused.value.code == "duplicate"
    assert product_create(brain=pump, by=root, access="open", **BASE).brain == pump


def test_only_operators_create_and_update(mould, alice, product):
    with pytest.raises(NotAllowed):
        product_create(brain=mould, by=alice, access="open", **BASE)
    with pytest.raises(NotAllowed):
        product_update(product=product, by=alice, name_zh="改名")


def test_it_lists_retires_and_relists(product, olga):
    assert product_update(product=product, by=olga, status="listed").status == "listed"
    assert product_update(product=product, by=olga, status="retired").status == "retired"
    assert product_update(product=product, by=olga, status="listed").status == "listed"
    with pytest.raises(DomainError) as refused:
        product_update(product=product, by=olga, status="draft")
    assert refused.value.field == "status"


def test_making_a_product_free_drops_its_prices_and_paid_needs_one(product, olga):
    paid = product_update(product=product, by=olga, access="paid", price_per_row="0.02")
    assert paid.price_per_row == Decimal("0.02")
    free = product_update(product=product, by=olga, access="request")
    assert free.price_per_row is None
    with pytest.raises(DomainError):
        product_update(product=product, by=olga, access="paid")
    with pytest.raises(DomainError) as refused:
        product_update(product=product, by=olga, definition="activity")
    assert refused.value.field == "definition"


def test_the_strictest_rule_wins(mould, olga, product):
    assert rule_for(product) == Rule(5, Decimal(60))
    data_product_settings_save(brain=mould, by=olga, min_enterprises=4, max_share="70")
    assert rule_for(product) == Rule(4, Decimal(70))
    product = product_update(product=product, by=olga, min_enterprises=8, max_share="80")
    assert rule_for(product) == Rule(8, Decimal(70))
    data_product_settings_save(brain=mould, by=olga, min_enterprises=10, max_share="50")
    assert rule_for(product) == Rule(10, Decimal(50))
    with pytest.raises(DomainError) as refused:
        data_product_settings_save(brain=mould, by=olga, min_enterprises=2, max_share="50")
    assert refused.value.field == "min_enterprises"


def test_the_catalogue_shows_listed_products_to_members_and_government_all_to_operators(
        mould, olga, alice, charlie, product):
    from conftest import make_user

    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
        assert list(product_list(mould, brain_access(user=olga, brain=mould))) == [product]
        assert list(product_list(mould, brain_access(user=alice, brain=mould))) == []
    product_update(product=product, by=olga, status="listed")
    with brain_context(mould.pk):
        for user in (alice, viewer, olga):
            assert list(product_list(mould, brain_access(user=user, brain=mould))) == [product]
        assert list(product_list(mould, brain_access(user=charlie, brain=mould))) == []
