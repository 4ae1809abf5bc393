"""Supply-chain finance in a real Chromium: the buyer confirms what it owes for an accepted delivery; the supplier,
on its phone, issues the payable as a certificate and passes part of it to its own supplier, who accepts on its
phone; the buyer pays that part at maturity. And bank financing: the supplier, on its phone, asks to finance a
confirmed payable; the bank quotes in its own session; the supplier accepts and is paid today; at maturity the buyer
pays the bank, which sees the claim settled and its line free. Screenshots of each step are kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import join, make_enterprise, make_user
from finance.models import Certificate, CreditLine, EarlyPayment, FinancingRequest, Payable
from finance.services import financing, payables
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


def numbers_in(locator) -> str:
    """The locator's text without thousands separators, so amounts read the same in any locale."""
    return locator.inner_text().replace(",", "")


def test_finance_at_a_bank_and_pay_the_bank_at_maturity(chromium, live_server_url, accepted, shop_a, alice, mould):
    work_order, _lines = accepted
    delivery = deliver_and_inspect(work_order, shop_a, alice)
    payable = payables.payable_confirm(
        payable=payables.payable_record_from_delivery(brain_id=mould.pk, delivery_id=delivery.pk), by=alice)
    bank_ent = make_enterprise(41, "浙江泰隆商业银行台州分行")
    join(mould, bank_ent, roles=("financier",))
    bank_user = make_user("taolong", enterprise=bank_ent)
    financing.credit_line_open(brain=mould, by=bank_user, buyer_id=alice.enterprise_id, limit="500000.00",
                               expires_on=timezone.localdate() + timedelta(days=365))

    # the supplier, on its phone, asks the banks to finance the confirmed payable
    phone = phone_of(chromium)
    log_in(phone, live_server_url, "hongda")
    phone.goto(f"{live_server_url}/b/mould/finance/financing/")
    ask = phone.get_by_test_id("ask")
    claim = ask.locator("select[name=claim]")
    claim.select_option(value=f"payable:{payable.pk}")
    ask.locator("input[name=note]").fill("月底发工资，申请提前回款")
    phone.get_by_test_id("ask-button").click()
    expect(phone.get_by_test_id("status")).to_have_text("进行中")
    expect(phone.locator(".messages")).to_contain_text("已提交申请")
    expect(phone.locator("body")).to_contain_text("暂无融资报价")
    assert fits(phone)
    with brain_context(mould.pk):
        asked = FinancingRequest.objects.get()
    expect(phone.locator("h1")).to_contain_text(asked.number)

    # the bank, in its own session on its desk, finds the request it was asked to quote and quotes
    bank = chromium.new_context(locale="zh-CN").new_page()
    bank.set_default_timeout(15_000)
    log_in(bank, live_server_url, "taolong")
    bank.goto(f"{live_server_url}/b/mould/finance/financing/")
    to_quote = bank.get_by_test_id("to-quote")
    expect(to_quote).to_contain_text(asked.number)
    expect(to_quote).to_contain_text("台州市黄岩精诚模具有限公司")  # whose debt it is, and nothing else of the trade
    to_quote.get_by_role("link", name=asked.number).click()
    form = bank.get_by_test_id("quote")
    form.locator("input[name=apr]").fill("7")
    form.locator("input[name=fee]").fill("100")
    form.locator("input[name=note]").fill("泰隆银行 供应链金融部")
    bank.get_by_test_id("quote-button").click()
    expect(bank.locator("body")).to_contain_text("7.00 %")
    bank.screenshot(path="test-results/finance-4-quoted.png", full_page=True)

    # the supplier sees the quote, what it would receive today, and accepts it
    phone.reload()
    with brain_context(mould.pk):
        quote = asked.quotes.get()
    offer = phone.get_by_test_id(f"quote-{quote.pk}")
    expect(offer).to_contain_text("浙江泰隆商业银行台州分行")
    terms = financing.quote_terms(request=asked, rate=quote.rate, apr=quote.apr, percent=quote.percent,
                                  fee=quote.fee, paid_on=timezone.localdate())
    assert terms.amount == Decimal("19200.00") - terms.discount - Decimal("100.00")
    assert f"贵企业今日收到 ¥{terms.amount}" in numbers_in(offer)
    phone.get_by_test_id(f"accept-{quote.pk}").click()
    expect(phone.get_by_test_id("status")).to_have_text("已融资")
    expect(phone.locator(".messages")).to_contain_text("已接受：银行将于今日向贵企业付款")
    assert fits(phone)
    phone.screenshot(path="test-results/finance-5-financed-phone.png", full_page=True)
    with brain_context(mould.pk):
        paid_early = EarlyPayment.objects.get()
        assert (paid_early.payer_id, paid_early.amount) == (bank_ent.pk, terms.amount)
        assert CreditLine.objects.get().used == Decimal("19200.00")

    # at maturity the buyer sees it owes the bank now, and records paying it
    desk = chromium.new_context(locale="zh-CN").new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, live_server_url, "alice")
    desk.goto(f"{live_server_url}/b/mould/finance/payables/{payable.pk}/")
    expect(desk.get_by_test_id("status")).to_have_text("已获银行融资：到期向银行兑付")
    expect(desk.get_by_test_id("financed-by")).to_contain_text("浙江泰隆商业银行台州分行")
    desk.get_by_test_id("pay").locator("input[name=reference]").fill("工行 20270206-02")
    desk.get_by_test_id("pay-button").click()
    expect(desk.get_by_test_id("status")).to_have_text("已付款")
    expect(desk.get_by_test_id("financed-by")).to_contain_text(timezone.localdate().isoformat())  # settled today
    desk.screenshot(path="test-results/finance-6-paid-bank.png", full_page=True)

    # the bank sees the claim settled in its portfolio, and its line free again
    bank.goto(f"{live_server_url}/b/mould/finance/financing/")
    portfolio = bank.get_by_test_id("portfolio")
    expect(portfolio).to_contain_text(paid_early.number)
    expect(portfolio).to_contain_text(timezone.localdate().isoformat())
    assert "¥0.00" in numbers_in(bank.get_by_test_id("lines"))  # used
    with brain_context(mould.pk):
        assert CreditLine.objects.get().used == 0
        assert Payable.objects.get(pk=payable.pk).status == "paid"
