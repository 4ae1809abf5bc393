"""Usage fixtures: a paid product of the mould brain (¥0.05 a call, ¥0.01 a row, ¥300.00 a month, VAT 6 %) and
alice's subscription to it at those prices; an unpriced one; an installed app (¥99.00 an installation)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from dataproducts.models import (
    Component,
    ComponentListing,
    ComponentVersion,
    DataProduct,
    Installation,
    Subscription,
)
from tenants.context import brain_context


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def make_product(brain, code="price-index", *, access="paid", subscription_price=None, price_per_call=None,
                 price_per_row=None, vat_rate=Decimal(6), period="month"):
    with brain_context(brain.pk):
        return DataProduct.objects.create(
            brain=brain, code=code, definition="price_index", name_zh="模具价格指数", name_en="Mould price index",
            access=access, status="listed", subscription_price=subscription_price, subscription_period=period,
            price_per_call=price_per_call, price_per_row=price_per_row, vat_rate=vat_rate)


def subscribe(product, enterprise, *, starts_at=None, days=365):
    """A subscription with the product's prices as its snapshot, as a grant takes them."""
    starts_at = starts_at or timezone.now() - timedelta(days=1)
    with brain_context(product.brain_id):
        return Subscription.objects.create(
            brain_id=product.brain_id, product=product, enterprise=enterprise, starts_at=starts_at,
            ends_at=starts_at + timedelta(days=days), subscription_price=product.subscription_price,
            price_per_call=product.price_per_call, price_per_row=product.price_per_row, vat_rate=product.vat_rate)


@pytest.fixture
def product(mould):
    return make_product(mould, subscription_price=Decimal("300.00"), price_per_call=Decimal("0.05"),
                        price_per_row=Decimal("0.01"))


@pytest.fixture
def subscription(product, alice_ent):
    return subscribe(product, alice_ent)


@pytest.fixture
def free_subscription(mould, alice_ent):
    return subscribe(make_product(mould, "on-time", access="request"), alice_ent)


@pytest.fixture
def dora_ent(mould):
    """A second subscriber of the mould brain."""
    enterprise = make_enterprise(3, "台州市路桥德拉塑料有限公司")
    join(mould, enterprise, roles=("buyer",))
    return enterprise


@pytest.fixture
def dora(dora_ent):
    return make_user("dora", enterprise=dora_ent)


@pytest.fixture
def installation(mould, alice_ent, alice, olga):
    component = Component.objects.create(kind="app", name_zh="排产助手", name_en="Scheduling helper", api_scope="read",
                                         home_brain=mould, created_by=olga)
    version = ComponentVersion.objects.create(component=component, version="1.0")
    with brain_context(mould.pk):
        listing = ComponentListing.objects.create(brain=mould, component=component, status="listed",
                                                  submitted_by=olga, install_price=Decimal("99.00"))
        return Installation.objects.create(brain=mould, listing=listing, version=version, enterprise=alice_ent,
                                           installed_by=alice)
