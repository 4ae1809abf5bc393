"""Early payment over the API, and who sees what: a bank sees the requests it was asked to quote, its lines, quotes
and portfolio, never a supplier's other trade; a supplier its requests and offers; a buyer its programmes, the offers
on what it owes and its maturity calendar; operators everything; government viewers totals only. A retried
acceptance (the same Idempotency-Key) finances once."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import api_as, make_user
from finance.models import EarlyPayment
from finance.services import discounting, financing
from finance.tests.claims import days, owed
from finance.tests.financing.test_services import ask, line, quote
from tenants.context import brain_context
from tenants.models import Brain, BrainStaff, OutboxEvent
from tenants.webhooks import EVENT_TYPES
from tests.support import ids, url


@pytest.fixture
def gov(mould):
    viewer = make_user("huangyan-gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    return viewer


@pytest.fixture
def market(alice, shop_a, shop_b, taolong, taizhou, olga):
    """taolong has a line on alice; taizhou has none. shop_a asks to finance what alice owes it and accepts
    taolong's quote; shop_b has a request open too; shop_a offers a discount on another payable."""
    line(taolong, alice)
    financed = ask(shop_a, owed(alice, shop_a, "100000.00", due_in=40))
    financing.financing_quote_accept(quote=quote(financed, taolong, apr="6", fee="50"), by=shop_a)
    waiting = ask(shop_b, owed(alice, shop_b, "20000.00"))
    programme = discounting.discount_programme_open(
        brain=Brain.objects.get(slug="mould"), by=alice, cash_available="50000", ends_on=days(30),
        cutoff_time=timezone.localtime().time(), hurdle_apr="5")
    offer = discounting.discount_offer_make(programme=programme, by=shop_a, payable=owed(alice, shop_a, "30000"),
                                            apr="8")
    return {"financed": financed, "waiting": waiting, "programme": programme, "offer": offer}


def test_a_bank_sees_what_it_was_asked_its_lines_quotes_and_portfolio_and_no_other_trade(market, taolong, taizhou,
                                                                                         shop_a):
    bank = api_as(taolong)
    assert set(ids(bank.get(url("financing-request-list")))) == {market["financed"].pk, market["waiting"].pk}
    assert ids(api_as(taizhou).get(url("financing-request-list"))) == []  # asked nothing: no line on alice
    assert ids(bank.get(url("payable-list"))) == [] and ids(bank.get(url("discount-offer-list"))) == []
    assert ids(bank.get(url("discount-programme-list"))) == []
    [portfolio] = bank.get(url("early-payment-list")).json()["results"]
    assert portfolio["kind"] == "bank" and portfolio["payer"]["id"] == taolong.enterprise_id
    assert portfolio["discount"] == "657.53" and portfolio["fee"] == "50.00"  # 100,000 × 6 % × 40 / 365
    assert len(ids(bank.get(url("credit-line-list")))) == 1 and ids(api_as(taizhou).get(url("credit-line-list"))) == []
    [exposure] = bank.get(url("credit-line-exposure")).json()
    assert (exposure["used"], exposure["outstanding"], exposure["claims"]) == ("100000.00", "100000.00", 1)


def test_a_supplier_sees_its_requests_and_offers_and_not_anothers(market, shop_a, shop_b):
    assert ids(api_as(shop_a).get(url("financing-request-list"))) == [market["financed"].pk]
    assert ids(api_as(shop_b).get(url("financing-request-list"))) == [market["waiting"].pk]
    assert ids(api_as(shop_b).get(url("financing-quote-list"))) == []  # quotes on shop_a's request
    assert ids(api_as(shop_a).get(url("discount-offer-list"))) == [market["offer"].pk]
    assert ids(api_as(shop_b).get(url("discount-offer-list"))) == []
    programme = api_as(shop_b).get(url("discount-programme-detail", market["programme"].pk)).json()
    assert programme["hurdle_apr"] == "5.0000" and programme["cash_available"] is None  # the buyer's business


def test_a_buyer_sees_its_programmes_the_offers_its_calendar_and_whom_it_pays_not_the_banks_price(market, alice,
                                                                                                  taolong):
    buyer = api_as(alice)
    assert ids(buyer.get(url("discount-offer-list"))) == [market["offer"].pk]
    assert buyer.get(url("discount-programme-detail", market["programme"].pk)).json()["cash_available"] == "50000.00"
    assert ids(buyer.get(url("financing-request-list"))) == []  # a supplier's need for money is its own
    [financed] = buyer.get(url("early-payment-list")).json()["results"]
    assert financed["payer"]["id"] == taolong.enterprise_id and financed["face"] == "100000.00"
    assert financed["discount"] is None and financed["fee"] is None and financed["amount"] is None
    calendar = buyer.get(url("early-payment-maturities")).json()
    owed_to_bank = next(row for row in calendar if row["financed"])
    assert owed_to_bank["payee"]["id"] == taolong.enterprise_id and owed_to_bank["due_on"] == str(days(40))
    assert buyer.get(url("early-payment-maturities", start="x")).status_code == 400


def test_operators_see_everything_and_government_viewers_totals_only(market, olga, gov):
    operator = api_as(olga)
    assert len(ids(operator.get(url("financing-request-list")))) == 2
    assert len(ids(operator.get(url("early-payment-list")))) == 1
    viewer = api_as(gov)
    for name in ("financing-request-list", "financing-quote-list", "credit-line-list", "early-payment-list",
                 "discount-offer-list", "discount-programme-list", "clearing-run-list"):
        assert ids(viewer.get(url(name))) == [], name
    [total] = viewer.get(url("credit-line-exposure")).json()
    assert total["bank"] is None and total["outstanding"] == "100000.00"
    [brain_total] = viewer.get(url("discount-programme-rollforward")).json()
    assert brain_total["buyer"] is None and D(brain_total["closing"]) == D("150000.00")


def test_a_retried_acceptance_finances_once(alice, shop_a, taolong):
    line(taolong, alice)
    request = ask(shop_a, owed(alice, shop_a))
    offered = quote(request, taolong, percent="1")
    supplier = api_as(shop_a)
    first = supplier.post(url("financing-quote-accept", offered.pk), format="json", HTTP_IDEMPOTENCY_KEY="acc-1")
    again = supplier.post(url("financing-quote-accept", offered.pk), format="json", HTTP_IDEMPOTENCY_KEY="acc-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["status"] == "accepted"
    with brain_context(request.brain_id):
        assert EarlyPayment.objects.count() == 1
    other_click = supplier.post(url("financing-quote-accept", offered.pk), format="json")
    assert other_click.status_code == 400 and other_click.json()["code"] == "invalid_state"


def test_the_whole_story_over_the_api(alice, shop_a, taolong, taizhou):
    bank = api_as(taolong)
    made = bank.post(url("credit-line-list"), {"buyer": alice.enterprise_id, "limit": "300000.00",
                                               "expires_on": str(days(180))}, format="json")
    assert made.status_code == 201, made.content
    payable = owed(alice, shop_a, "50000.00", due_in=73)
    asked = api_as(shop_a).post(url("financing-request-list"), {"payable": payable.pk, "note": "周转"}, format="json")
    assert asked.status_code == 201, asked.content
    offered = bank.post(url("financing-quote-list"), {
        "request": asked.json()["id"], "apr": "5.5", "fee": "20.00",
        "valid_until": (timezone.now() + timedelta(hours=4)).isoformat()}, format="json")
    assert offered.status_code == 201, offered.content
    assert api_as(taizhou).post(url("financing-quote-list"), {
        "request": asked.json()["id"], "apr": "5", "valid_until": (timezone.now() + timedelta(hours=4)).isoformat()},
        format="json").status_code == 400  # not asked: it cannot see the request
    accepted = api_as(shop_a).post(url("financing-quote-accept", offered.json()["id"]), format="json")
    assert accepted.status_code == 200, accepted.content
    payment = api_as(shop_a).get(url("early-payment-detail", accepted.json()["early_payment"])).json()
    assert (payment["discount"], payment["amount"]) == ("550.00", "49430.00")  # 50,000 × 5.5 % × 73 / 365
    revised = bank.post(url("credit-line-revise", made.json()["id"]), {"limit": "40000", "expires_on": str(days(9))},
                        format="json")
    assert revised.status_code == 400 and "limit" in revised.json()["fields"]


def test_webhooks_reach_the_asked_banks_and_the_parties_of_a_due_claim(market, shop_b, taolong, taizhou, alice):
    with brain_context(market["waiting"].brain_id):
        requested = OutboxEvent.objects.get(name="financing.requested", payload__request=market["waiting"].pk)
    heard = EVENT_TYPES["financing.requested"].audience(
        requested, {shop_b.enterprise_id, taolong.enterprise_id, taizhou.enterprise_id, alice.enterprise_id})
    assert set(heard) == {shop_b.enterprise_id, taolong.enterprise_id}
    assert "banks" in heard[shop_b.enterprise_id] and "banks" not in heard[taolong.enterprise_id]
    with brain_context(market["financed"].brain_id):  # as the webhook task asks, in the event's brain
        accepted = OutboxEvent.objects.get(name="financing.accepted")
        assert set(EVENT_TYPES["financing.accepted"].audience(
            accepted, {taolong.enterprise_id, taizhou.enterprise_id, shop_b.enterprise_id})) == {taolong.enterprise_id}
