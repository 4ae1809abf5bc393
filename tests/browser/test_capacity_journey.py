"""The headline story in a real browser: the buyer imports a BOM and publishes an RFQ, a supplier
quotes, the buyer watches the count rise live, compares, awards; the supplier opens its PO."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOM = """零件编号,零件名称,上级编号,数量,材料,长,宽,高,工序,硬度,公差
ASM-01,定模组件,,1,,,,,,,
CAV-01,型腔镶件,ASM-01,1,718H,600,400,180,CNC;HT,HRC33-37,0.01
EJ-03,顶针 Φ3,ASM-01,40,SKD61,150,3,3,HT,HRC58-62,
"""


def test_import_publish_quote_compare_award(chromium, live_server_url, celery_worker, mould, alice, project,
                                            profiled, tmp_path):
    shop_a, _shop_b = profiled
    buyer = chromium.new_context(locale="zh-CN").new_page()
    buyer.set_default_timeout(15_000)
    log_in(buyer, live_server_url, "alice")

    # 1. import the BOM (GBK, as Excel saves it); the worker imports it while the page shows progress
    bom = tmp_path / "bom.csv"
    bom.write_bytes(BOM.encode("gbk"))
    buyer.goto(f"{live_server_url}/b/mould/capacity/projects/{project.pk}/")
    buyer.set_input_files("input[type=file]", str(bom))
    buyer.get_by_test_id("upload-bom").click()
    expect(buyer.get_by_test_id("import-status")).to_contain_text("3")
    buyer.goto(f"{live_server_url}/b/mould/capacity/projects/{project.pk}/")
    expect(buyer.get_by_test_id("parts")).to_contain_text("型腔镶件")

    # 2. an RFQ for the cavity insert, published
    buyer.get_by_test_id("new-rfq").click()
    buyer.fill("#id_title", "型腔镶件外协加工")
    buyer.fill("#id_deadline", (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    buyer.get_by_test_id("part-CAV-01").check()
    buyer.get_by_test_id("create-rfq").click()
    buyer.get_by_test_id("publish").click()
    expect(buyer.get_by_test_id("rfq-status")).to_have_text(re.compile("报价中|open for quotes"))
    expect(buyer.get_by_test_id("quote-count")).to_have_text("0")
    expect(buyer.locator("body")).to_have_attribute("data-live", "on")
    rfq_url = buyer.url

    # 3. the supplier quotes
    supplier = chromium.new_context(locale="zh-CN").new_page()
    supplier.set_default_timeout(15_000)
    log_in(supplier, live_server_url, shop_a.username)
    supplier.goto(f"{live_server_url}/b/mould/capacity/rfqs/")
    supplier.get_by_test_id("rfqs-to-quote").get_by_role("link").first.click()
    supplier.fill("input[name='q-0-unit_price']", "16800")
    supplier.fill("input[name='q-0-lead_time_days']", "20")
    supplier.get_by_test_id("submit-quote").click()
    expect(supplier.locator(".messages")).to_contain_text("1")

    # 4. the buyer's open page counts it without a reload, and still shows no price
    expect(buyer.get_by_test_id("quote-count")).to_have_text("1")
    assert buyer.url == rfq_url and "16800" not in buyer.content()

    # 5. close quoting, compare, award
    buyer.get_by_test_id("close-rfq").click()
    expect(buyer.get_by_test_id("comparison")).to_contain_text("16800.00")
    buyer.locator("input[type=radio]").first.check()
    buyer.get_by_test_id("award").click()
    expect(buyer.locator(".messages")).to_contain_text("PO-")
    buyer.screenshot(path="test-results/rfq-awarded.png", full_page=True)

    # 6. the supplier's purchase order
    supplier.reload()
    supplier.get_by_test_id("po-link").click()
    expect(supplier.get_by_test_id("po-total")).to_have_text("¥16800.00")
