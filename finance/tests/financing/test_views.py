"""The early-payment pages: a supplier sees the discount and offers, the buyer clears; a supplier asks the banks, a
bank quotes, the supplier accepts; the buyer's calendar; the reports by role; nobody else sees anything."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user
from finance.models import DiscountOffer, EarlyPayment, FinancingQuote, FinancingRequest
from finance.services import discounting
from finance.tests.claims import days, owed
from finance.tests.conftest import fresh
from finance.tests.financing.test_services import ask, line, quote
from tenants.context import brain_context
from tenants.models import Brain, BrainStaff


def page(user, name, *args, brain="mould"):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"finance:{name}", args=[brain, *args])


@pytest.fixture
def programme(alice):
    return discounting.discount_programme_open(
        brain=Brain.objects.get(slug="mould"), by=alice, cash_available="100000", ends_on=days(30),
        cutoff_time=timezone.localtime().replace(hour=23, minute=59).time(), hurdle_apr="6")


def test_the_buyer_opens_a_programme_on_its_page(alice):
    client, programmes = page(alice, "programmes")
    assert "open-button" in client.get(programmes).content.decode()
    bad = client.post(programmes, {"action": "open", "cash_available": "0", "ends_on": str(days(30)),
                                   "cutoff_time": "16:00", "hurdle_apr": "6"})
    assert bad.status_code == 400
    good = client.post(programmes, {"action": "open", "cash_available": "80000", "ends_on": str(days(30)),
                                    "cutoff_time": "16:00", "hurdle_apr": "6", "title": "年末提前付款"})
    assert good.status_code == 302 and "/finance/discounting/" in good["Location"]


def test_a_supplier_sees_the_discount_then_offers_and_the_buyer_clears(programme, alice, shop_a):
    payable = owed(alice, shop_a, "36500.00", due_in=30)
    client, detail = page(shop_a, "programme", programme.pk)
    body = client.get(detail).content.decode()
    assert payable.number in body and "cash" not in body.split("data-testid=\"offer\"")[0].split("facts")[1]
    preview = client.post(detail, {"action": "preview", "claim": f"payable:{payable.pk}", "apr": "10"})
    assert preview.status_code == 200 and "300.00" in preview.content.decode()  # 36,500 × 10 % × 30 / 365
    with brain_context(payable.brain_id):
        assert not DiscountOffer.objects.exists()  # a preview offers nothing
    made = client.post(detail, {"action": "offer", "claim": f"payable:{payable.pk}", "apr": "10"})
    assert made.status_code == 302
    buyer, detail = page(alice, "programme", programme.pk)
    assert payable.number in buyer.get(detail).content.decode()
    assert buyer.post(detail, {"action": "clear"}).status_code == 302
    with brain_context(payable.brain_id):
        assert EarlyPayment.objects.get(payable=payable).amount == D("36200.00")


def test_a_supplier_asks_a_bank_quotes_and_the_supplier_accepts_on_the_pages(alice, shop_a, taolong):
    line(taolong, alice)
    payable = owed(alice, shop_a, "50000.00", due_in=73)
    client, financing_page = page(shop_a, "financing")
    assert f"payable:{payable.pk}" in client.get(financing_page).content.decode()
    asked = client.post(financing_page, {"action": "ask", "claim": f"payable:{payable.pk}", "note": "发工资"})
    assert asked.status_code == 302
    with brain_context(payable.brain_id):
        request = FinancingRequest.objects.get(payable=payable)
    bank, detail = page(taolong, "financing-request", request.pk)
    assert "quote-button" in bank.get(detail).content.decode()
    until = timezone.localtime(timezone.now() + timezone.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    assert bank.post(detail, {"action": "quote", "apr": "6", "fee": "10", "valid_until": until}).status_code == 302
    with brain_context(payable.brain_id):
        offered = FinancingQuote.objects.get(request=request)
    client, detail = page(shop_a, "financing-request", request.pk)
    body = client.get(detail).content.decode()
    assert "49,390.00" in body or "49390.00" in body  # 50,000 − 600.00 − 10.00
    assert client.post(detail, {"action": "accept", "quote": offered.pk}).status_code == 302
    assert fresh(request).status == "accepted"
    again = client.post(detail, {"action": "accept", "quote": offered.pk})
    assert again.status_code == 400  # accepted once
    portfolio = bank.get(reverse("finance:financing", args=["mould"])).content.decode()
    assert "portfolio" in portfolio and payable.number in portfolio


def test_a_bystander_a_bank_not_asked_and_another_brain_get_404(alice, shop_a, shop_b, taolong, taizhou, charlie):
    line(taolong, alice)
    request = ask(shop_a, owed(alice, shop_a))
    quote(request, taolong, apr="6")
    for stranger in (shop_b, taizhou, alice):  # another supplier, a bank not asked, the buyer
        client, detail = page(stranger, "financing-request", request.pk)
        assert client.get(detail).status_code == 404
        assert client.post(detail, {"action": "withdraw"}).status_code == 404
    client, detail = page(charlie, "financing-request", request.pk, brain="pump-valve")
    assert client.get(detail).status_code == 404
    assert fresh(request).status == "open"


def test_the_calendar_shows_whom_the_buyer_pays(alice, shop_a, taolong):
    line(taolong, alice)
    request = ask(shop_a, owed(alice, shop_a, "50000.00", due_in=20))
    from finance.services import financing

    financing.financing_quote_accept(quote=quote(request, taolong, apr="6"), by=shop_a)
    client, calendar = page(alice, "maturities")
    body = client.get(calendar).content.decode()
    assert taolong.enterprise.legal_name in body and str(days(20)) in body


def test_reports_give_each_viewer_its_rows_and_government_viewers_totals(alice, shop_a, taolong, mould):
    line(taolong, alice)
    owed(alice, shop_a, "12345.00")
    client, reports = page(alice, "early-payment-reports")
    body = client.get(reports).content.decode()
    assert alice.enterprise.legal_name in body and "12345.00" in body
    viewer = make_user("gov-viewer")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client, reports = page(viewer, "early-payment-reports")
    body = client.get(reports).content.decode()
    assert "12345.00" in body and alice.enterprise.legal_name not in body
    assert taolong.enterprise.legal_name not in body  # the banks' exposure as one total
    client, home = page(viewer, "home")
    assert client.get(home).status_code == 200


def test_the_finance_home_points_each_member_to_early_payment(alice, shop_a, taolong, programme):
    line(taolong, alice)
    ask(shop_a, owed(alice, shop_a))
    client, home = page(taolong, "home")
    assert "to-quote-link" in client.get(home).content.decode()
    client, home = page(alice, "home")
    assert programme.number in client.get(home).content.decode()


def test_a_programme_page_is_404_to_another_brain_and_a_bank_that_is_owed_nothing(programme, alice, taolong,
                                                                                     charlie):
    for stranger, brain in ((charlie, "pump-valve"), (charlie, "mould"), (taolong, "mould")):
        client, detail = page(stranger, "programme", programme.pk, brain=brain)
        assert client.get(detail).status_code == 404
        assert client.post(detail, {"action": "close"}).status_code == 404
    assert fresh(programme).status == "open"
    client, detail = page(alice, "programme", programme.pk)
    assert client.get(detail).status_code == 200


def test_the_buyer_sees_a_financed_payable_among_what_it_owes_and_pays_the_bank_on_its_page(alice, shop_a,
                                                                                             taolong):
    from finance.services import financing

    line(taolong, alice)
    payable = owed(alice, shop_a, "50000.00", due_in=20)
    financing.financing_quote_accept(quote=quote(ask(shop_a, payable), taolong, apr="6"), by=shop_a)
    client, home = page(alice, "home")
    assert payable.number in client.get(home).content.decode()
    client, detail = page(alice, "payable", payable.pk)
    body = client.get(detail).content.decode()
    assert "financed-by" in body and taolong.enterprise.legal_name in body and "pay-button" in body
    assert client.post(detail, {"action": "pay", "reference": "ICBC-9"}).status_code == 302
    assert fresh(payable).status == "paid"
    with brain_context(payable.brain_id):
        assert EarlyPayment.objects.get(payable=payable).settled_on == timezone.localdate()
