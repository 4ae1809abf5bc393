"""Acceptances at the same moment, with real threads and commits: two banks' quotes on one request, the same
quote twice (two clicks), and two requests that would use one line beyond its limit: one wins each time."""

from decimal import Decimal as D

import pytest

from finance.models import EarlyPayment, FinancingQuote
from finance.services import financing
from finance.tests.claims import claims_match_debts, owed
from finance.tests.conftest import fresh
from finance.tests.financing.test_services import ask, line, quote
from tenants.context import brain_context
from tenants.errors import DomainError
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


def outcome(results):
    wins = [r for r in results if isinstance(r, FinancingQuote)]
    losses = [r for r in results if isinstance(r, Exception)]
    return wins, losses


def test_two_banks_quotes_accepted_at_once_one_wins(taolong, taizhou, alice, shop_a):
    line(taolong, alice), line(taizhou, alice)
    payable = owed(alice, shop_a)
    request = ask(shop_a, payable)
    first, second = quote(request, taolong, apr="6"), quote(request, taizhou, apr="5.5")
    wins, losses = outcome(race(lambda: financing.financing_quote_accept(quote=first, by=shop_a),
                                lambda: financing.financing_quote_accept(quote=second, by=shop_a)))
    assert len(wins) == 1 and len(losses) == 1 and isinstance(losses[0], DomainError), losses
    with brain_context(payable.brain_id):
        assert EarlyPayment.objects.filter(payable=payable).count() == 1
    assert {fresh(first).status, fresh(second).status} == {"accepted", "not_chosen"}
    assert claims_match_debts(payable.brain_id)


def test_the_same_request_accepted_twice_at_once_is_accepted_once(taolong, alice, shop_a):
    bank_line = line(taolong, alice)
    request = ask(shop_a, owed(alice, shop_a, "100000.00"))
    offered = quote(request, taolong, apr="6")
    wins, losses = outcome(race(lambda: financing.financing_quote_accept(quote=offered, by=shop_a),
                                lambda: financing.financing_quote_accept(quote=offered, by=shop_a)))
    assert len(wins) == 1 and losses[0].code == "invalid_state"
    assert fresh(bank_line).used == D("100000.00")


def test_two_acceptances_beyond_one_line_at_once_never_exceed_its_limit(taolong, alice, shop_a, shop_b):
    bank_line = line(taolong, alice, "300000.00")
    one, two = ask(shop_a, owed(alice, shop_a, "200000.00")), ask(shop_b, owed(alice, shop_b, "200000.00"))
    a, b = quote(one, taolong, apr="6"), quote(two, taolong, apr="6")
    wins, losses = outcome(race(lambda: financing.financing_quote_accept(quote=a, by=shop_a),
                                lambda: financing.financing_quote_accept(quote=b, by=shop_b)))
    assert len(wins) == 1 and losses[0].code == "no_room"
    assert fresh(bank_line).used == D("200000.00")
