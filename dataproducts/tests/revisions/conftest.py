"""Revision fixtures: the mould brain's price index product, and awarded lines of March 2026 from thirteen suppliers:
CNC on plastic mould steel from five of them and on hot-work steel from six (publishable cells), heat treatment
from two (suppressed; the plastic cell, the smaller, joins it so the remainder passes the rule)."""

from datetime import date

import pytest

from dataproducts.services.products import product_create
from dataproducts.tests.products.transactions import Deals, local, suppliers

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def product(mould, olga):
    return product_create(brain=mould, by=olga, definition="price_index", code="price-index",
                          name_zh="外协加工价格指数", name_en="Machining price index", access="open")


@pytest.fixture
def makers(mould):
    return suppliers(mould, 13)


@pytest.fixture
def deals(mould, alice_ent, alice):
    return Deals(mould, alice_ent, alice)


@pytest.fixture
def march(deals, makers):
    for index, maker in enumerate(makers[:5]):
        deals.award(maker, process="CNC", material="P20", price=f"{100 + index * 10}.00", at=local(2026, 3, 5))
    for maker in makers[5:11]:
        deals.award(maker, process="CNC", material="H13", price="200.00", at=local(2026, 3, 5))
    deals.award(makers[11], process="HT", material="H13", price="80.00", at=local(2026, 3, 6))
    deals.award(makers[12], process="HT", material="H13", price="90.00", at=local(2026, 3, 7))
    return makers
