"""Supply-chain finance in a real Chromium: the buyer confirms what it owes for an accepted delivery; the supplier,
on its phone, issues the payable as a certificate and passes part of it to its own supplier, who accepts on its
phone; the buyer pays that part at maturity. Screenshots of each step are kept."""

import pytest
from playwright.sync_api import expect

from conftest import join, make_enterprise, make_user
from finance.models import Certificate, Payable
from finance.services import payables
from finance.tests.conftest import deliver_and_inspect
from tenants.context import brain_context
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_of(chromium):
    page = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(15_000)
    return page


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_confirm_issue_pass_on_accept_and_pay(chromium, live_server_url, accepted, shop_a, alice, mould):
    work_order, _lines = accepted
    delivery = deliver_and_inspect(work_order, shop_a, alice)
    payable = payables.payable_record_from_delivery(brain_id=mould.pk, delivery_id=delivery.pk)
    tier2 = make_enterprise(21, "台州市黄岩联信模具钢材有限公司")
    join(mould, tier2, roles=("supplier",))
    make_user("lianxin", enterprise=tier2)

    # the buyer confirms on its desk, in Chinese
    desk = chromium.new_context(locale="zh-CN").new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, live_server_url, "alice")
    desk.goto(f"{live_server_url}/b/mould/finance/")
    expect(desk.get_by_test_id("owing")).to_contain_text(payable.number)
    desk.get_by_test_id("owing").get_by_test_id("payable-link").click()
    desk.get_by_test_id("confirm-button").click()
    expect(desk.get_by_test_id("status")).to_have_text("已确权")
    desk.screenshot(path="test-results/finance-1-confirmed.png", full_page=True)

    # the supplier issues a certificate and offers ¥5,000 of it to its steel trader, on a phone
    phone = phone_of(chromium)
    log_in(phone, live_server_url, "hongda")
    phone.goto(f"{live_server_url}/b/mould/finance/payables/{payable.pk}/")
    assert fits(phone)
    phone.get_by_test_id("issue-button").click()
    expect(phone.get_by_test_id("amount")).to_contain_text("19200.00")
    assert fits(phone)
    transfer = phone.get_by_test_id("transfer")
    transfer.locator("select[name=receiver]").select_option(label="台州市黄岩联信模具钢材有限公司")
    transfer.locator("input[name=amount]").fill("5000.00")
    transfer.locator("input[name=note]").fill("钢材货款")
    phone.get_by_test_id("transfer-button").click()
    expect(phone.get_by_test_id("status")).to_have_text("已拆分")
    phone.screenshot(path="test-results/finance-2-offered-phone.png", full_page=True)

    # the steel trader sees the offer on its phone and accepts
    trader = phone_of(chromium)
    log_in(trader, live_server_url, "lianxin")
    trader.goto(f"{live_server_url}/b/mould/finance/")
    offers = trader.get_by_test_id("offers")
    expect(offers).to_contain_text("5000.00")
    offers.locator("a").first.click()
    assert fits(trader)
    trader.get_by_test_id("accept-button").click()
    expect(trader.get_by_test_id("holder")).to_have_text("台州市黄岩联信模具钢材有限公司")
    trader.screenshot(path="test-results/finance-3-accepted-phone.png", full_page=True)

    with brain_context(mould.pk):
        part = Certificate.objects.get(holder=tier2)
        assert part.amount == 5000 and Certificate.objects.get(parent__isnull=True).status == "split"

    # at maturity the buyer pays the trader's part
    desk.goto(f"{live_server_url}/b/mould/finance/certificates/{part.pk}/")
    desk.get_by_test_id("redeem").locator("input[name=reference]").fill("工行 20270206-01")
    desk.get_by_test_id("redeem-button").click()
    expect(desk.get_by_test_id("status")).to_have_text("已到期兑付")
    with brain_context(mould.pk):
        assert Payable.objects.get(pk=payable.pk).status == "certified"  # the supplier's ¥14,200 is still to pay
