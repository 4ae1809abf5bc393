"""Data products in a real Chromium: a member asks for access to the machining price index with its purpose; the
operator approves in its own session; the member downloads the CSV, whose rows are the published revision's — the
suppressed cells (heat treatment, too few suppliers) nowhere but pooled in the remainder row. Screenshots kept."""

import csv
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from dataproducts.models import AccessRequest, Subscription
from dataproducts.selectors.revisions import revision_rows
from dataproducts.services.products import product_create, product_update
from dataproducts.services.revisions import revision_build, revision_publish
from dataproducts.tests.products.transactions import Deals, local, suppliers
from dataproducts.tests.revisions.conftest import MARCH
from tenants.context import brain_context
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def published_price_index(mould, alice_ent, alice, olga):
    """March 2026's index from thirteen suppliers' awarded lines: CNC on hot-work steel from six (published), CNC on
    plastic mould steel from five and heat treatment from two (suppressed, pooled in the remainder)."""
    makers, deals = suppliers(mould, 13), Deals(mould, alice_ent, alice)
    for index, maker in enumerate(makers[:5]):
        deals.award(maker, process="CNC", material="P20", price=f"{100 + index * 10}.00", at=local(2026, 3, 5))
    for maker in makers[5:11]:
        deals.award(maker, process="CNC", material="H13", price="200.00", at=local(2026, 3, 5))
    deals.award(makers[11], process="HT", material="H13", price="80.00", at=local(2026, 3, 6))
    deals.award(makers[12], process="HT", material="H13", price="90.00", at=local(2026, 3, 7))
    product = product_create(brain=mould, by=olga, definition="price_index", code="price-index",
                             name_zh="外协加工价格指数", name_en="Machining price index", access="request")
    product = product_update(product=product, by=olga, status="listed")
    revision = revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga)
    return product, revision_publish(revision=revision, by=olga)


def test_request_approve_download(chromium, live_server_url, mould, alice_ent, alice, olga):
    product, revision = published_price_index(mould, alice_ent, alice, olga)
    with brain_context(mould.pk):
        published = list(revision_rows(revision))
    assert [row.is_remainder for row in published] == [False, True]  # the suppressed cells are pooled

    # the member asks, in Chinese, saying what for
    member = chromium.new_context(locale="zh-CN", accept_downloads=True).new_page()
    member.set_default_timeout(15_000)
    log_in(member, live_server_url, "alice")
    product_url = f"{live_server_url}/b/mould/data/products/{product.pk}/"  # the catalogue's page, with the access box
    member.goto(product_url)
    expect(member.get_by_test_id("product-title")).to_have_text("外协加工价格指数")
    expect(member.get_by_test_id("download-csv")).to_have_count(0)
    form = member.get_by_test_id("request-form")
    form.locator("textarea[name=purpose]").fill("核算外协报价的参考价，用于年度采购谈判")
    form.locator("input[name=days]").fill("30")
    member.get_by_test_id("request-button").click()
    expect(member.get_by_test_id("purpose")).to_have_text("核算外协报价的参考价，用于年度采购谈判")
    expect(member.get_by_test_id("withdraw-button")).to_be_visible()
    member.screenshot(path="test-results/dataproducts-1-requested.png", full_page=True)
    with brain_context(mould.pk):
        request = AccessRequest.objects.get()
    assert request.status == "pending"

    # the operator approves from its queue, in its own session
    operator = chromium.new_context(locale="zh-CN").new_page()
    operator.set_default_timeout(15_000)
    log_in(operator, live_server_url, "olga")
    operator.goto(f"{live_server_url}/b/mould/data/access/")
    expect(operator.get_by_test_id("waiting")).to_contain_text("台州市黄岩精诚模具有限公司")
    operator.get_by_test_id("waiting").get_by_test_id("request-link").click()
    operator.get_by_test_id("approve-button").click()
    expect(operator.get_by_test_id("revoke-button")).to_be_visible()
    expect(operator.get_by_test_id("trail-granted")).to_be_visible()
    operator.screenshot(path="test-results/dataproducts-2-approved.png", full_page=True)
    with brain_context(mould.pk):
        assert Subscription.objects.get(request=request).is_active()

    # the member downloads the CSV: the published revision's rows, the suppressed cells only in the remainder
    member.goto(product_url)
    expect(member.get_by_test_id("subscribed")).to_be_visible()
    member.screenshot(path="test-results/dataproducts-3-download.png", full_page=True)
    with member.expect_download() as download:
        member.get_by_test_id("download-csv").click()
    assert download.value.suggested_filename == "price-index-r1-20260301-20260331.csv"
    content = download.value.path().read_bytes()
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == ["工序", "材料类别", "月份", "单价中位数", "25 分位", "75 分位", "企业数", "明细行数"]
    assert len(table) == 1 + len(published)
    hot = published[0]
    assert table[1] == ["CNC铣削", "热作模具钢", hot.dimensions["month"], hot.measures["median"],
                        hot.measures["p25"], hot.measures["p75"], str(hot.measures["enterprises"]),
                        str(hot.measures["lines"])]
    remainder = published[1].measures
    with translation.override("zh-hans"):
        assert table[2][0] == gettext("Other (merged to protect privacy)")
    assert table[2][1:3] == ["", ""] and table[2][3:] == [remainder["median"], remainder["p25"], remainder["p75"],
                                                          str(remainder["enterprises"]), str(remainder["lines"])]
    # heat treatment (two suppliers) and CNC on plastic steel (five, dominated) are in no row of their own
    assert not [row for row in table[1:] if row[0] == "热处理" or row[1] == "塑料模具钢"]
    with brain_context(mould.pk):  # the download is counted, its rows free on a product without a price
        assert list(Subscription.objects.get(request=request).usage.values_list("kind", "rows", "amount")) == [
            ("download", len(published), 0)]
