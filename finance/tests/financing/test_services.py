"""Bank financing: banks' lines on a buyer, a supplier's request asked of every bank with room, quotes, the
acceptance of one (the line used, the supplier paid face − discount − fee, the claim the bank's), the buyer paying
the bank at maturity (the line freed), and expiry."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import CreditLine, FinancingInvitation, FinancingQuote, FinancingRequest, Payable
from finance.services import certificates, discounting, financing, payables
from finance.tests.claims import book, certified, claims_match_debts, days, owed
from finance.tests.conftest import fresh
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain


def line(bank, buyer, limit="500000.00", expires_in=365):
    return financing.credit_line_open(brain=Brain.objects.get(slug="mould"), by=bank, buyer_id=buyer.enterprise_id,
                                      limit=limit, expires_on=days(expires_in))


def ask(supplier, claim, note="月底发工资"):
    kind = "certificate" if hasattr(claim, "holder_id") else "payable"
    return financing.financing_request_make(brain=Brain.objects.get(slug="mould"), by=supplier, note=note,
                                            **{kind: claim})


def quote(request, bank, *, apr=None, percent=None, fee="0", hours=24):
    return financing.financing_quote_make(request=request, by=bank, apr=apr, percent=percent, fee=fee,
                                          valid_until=timezone.now() + timedelta(hours=hours))


@pytest.fixture
def lines(taolong, taizhou, alice):
    return line(taolong, alice), line(taizhou, alice, "300000.00")


class TestLines:
    def test_a_bank_keeps_one_line_per_buyer_and_never_below_what_it_financed(self, lines, taolong, alice, shop_a):
        with pytest.raises(DomainError) as twice:
            line(taolong, alice)
        assert twice.value.code == "duplicate"
        with pytest.raises(NotAllowed):
            line(shop_a, alice)  # not a financier
        request = ask(shop_a, owed(alice, shop_a, "200000.00"))
        financing.financing_quote_accept(quote=quote(request, taolong, apr="6"), by=shop_a)
        mine = fresh(lines[0])
        assert mine.used == D("200000.00")
        with pytest.raises(DomainError) as below:
            financing.credit_line_revise(line=mine, by=taolong, limit="199999.99", expires_on=days(30))
        assert below.value.field == "limit"
        assert financing.credit_line_revise(line=mine, by=taolong, limit="200000", expires_on=days(30)).room == 0

    def test_the_database_keeps_used_within_the_limit(self, lines):
        with brain_context(lines[0].brain_id), pytest.raises(IntegrityError, match="credit_line_used_within_limit"), \
                transaction.atomic():
            CreditLine.objects.filter(pk=lines[0].pk).update(used=D("500000.01"))


class TestRequests:
    def test_the_request_goes_to_every_bank_with_room_and_they_are_recorded(self, lines, taolong, taizhou, alice,
                                                                            shop_a):
        small = ask(shop_a, owed(alice, shop_a, "100000.00"))
        big = ask(shop_a, owed(alice, shop_a, "400000.00"))
        with brain_context(small.brain_id):
            asked = {r: set(FinancingInvitation.objects.filter(request=r).values_list("bank_id", flat=True))
                     for r in (small, big)}
        assert asked == {small: {taolong.enterprise_id, taizhou.enterprise_id}, big: {taolong.enterprise_id}}
        assert small.expires_at <= timezone.now() + timedelta(days=7)

    def test_no_bank_with_room_no_request_and_one_open_request_per_claim(self, lines, alice, shop_a):
        with pytest.raises(DomainError) as none:
            ask(shop_a, owed(alice, shop_a, "600000.00"))
        assert none.value.code == "no_bank"
        payable = owed(alice, shop_a)
        ask(shop_a, payable)
        with pytest.raises(DomainError) as twice:
            ask(shop_a, payable)
        assert twice.value.code == "duplicate"

    def test_only_the_holder_asks_for_a_live_claim(self, lines, alice, shop_a, shop_b):
        with pytest.raises(DomainError) as not_yours:
            ask(shop_b, owed(alice, shop_a))
        assert not_yours.value.code == "not_yours"
        certificate = certified(alice, shop_a)
        with pytest.raises(DomainError):
            ask(shop_a, certificate.payable)  # issued: ask on the certificate


class TestQuotes:
    def test_only_an_asked_bank_quotes_and_a_new_quote_replaces_its_open_one(self, lines, taolong, taizhou, alice,
                                                                             shop_a, mould):
        from finance.tests.claims import financier

        stranger = financier(mould, 43, "黄岩农商银行", "nongshang")  # a bank with no line on alice
        request = ask(shop_a, owed(alice, shop_a))
        with pytest.raises(NotAllowed):
            quote(request, stranger, apr="5")
        first = quote(request, taolong, apr="6.5", fee="200")
        second = quote(request, taolong, apr="6")
        assert fresh(first).status == FinancingQuote.Status.WITHDRAWN and second.status == FinancingQuote.Status.OPEN
        with pytest.raises(DomainError) as late:
            quote(request, taizhou, apr="6", hours=24 * 8)
        assert late.value.field == "valid_until"


class TestAcceptance:
    def test_the_supplier_accepts_one_quote_and_the_bank_pays_it(self, lines, taolong, taizhou, alice, shop_a):
        payable = owed(alice, shop_a, "100000.00", due_in=73)
        request = ask(shop_a, payable)
        mine, theirs = quote(request, taolong, apr="7", fee="100"), quote(request, taizhou, percent="1.5")
        with pytest.raises(NotAllowed):
            financing.financing_quote_accept(quote=mine, by=alice)
        financing.financing_quote_accept(quote=mine, by=shop_a)
        accepted = fresh(mine)
        with brain_context(payable.brain_id):
            payment = FinancingQuote.objects.select_related("early_payment").get(pk=mine.pk).early_payment
        assert accepted.status == "accepted" and fresh(theirs).status == "not_chosen"
        assert fresh(request).status == FinancingRequest.Status.ACCEPTED
        # 100,000 × 7 % × 73 / 365 = 1,400.00; fee 100.00
        assert (payment.discount, payment.fee, payment.amount, payment.payer_id) == (
            D("1400.00"), D("100.00"), D("98500.00"), taolong.enterprise_id)
        assert fresh(payable).status == Payable.Status.FINANCED and fresh(lines[0]).used == D("100000.00")
        assert book(payable.brain_id)[("cash", shop_a.enterprise_id)] == D("98500.00")
        # once financed, it is neither discounted nor financed again, nor issued as a certificate
        programme = discounting.discount_programme_open(
            brain=Brain.objects.get(slug="mould"), by=alice, cash_available="100000", ends_on=days(30),
            cutoff_time=timezone.localtime().time(), hurdle_apr="1")
        for attempt in (lambda: discounting.discount_offer_make(programme=programme, by=shop_a, payable=payable,
                                                                apr="9"),
                        lambda: ask(shop_a, fresh(payable)),
                        lambda: certificates.certificate_issue(payable=payable, by=shop_a)):
            with pytest.raises(DomainError):
                attempt()
        # at maturity the buyer pays the bank, and the line is free again
        payables.payable_pay(payable=payable, by=alice)
        assert fresh(lines[0]).used == 0 and fresh(payment).settled_on == timezone.localdate()
        assert book(payable.brain_id)[("cash", taolong.enterprise_id)] == D("1500.00")
        assert claims_match_debts(payable.brain_id)

    def test_a_financed_certificate_is_the_banks_and_redeemed_to_it(self, lines, taolong, alice, shop_a):
        certificate = certified(alice, shop_a, "50000.00")
        request = ask(shop_a, certificate)
        financing.financing_quote_accept(quote=quote(request, taolong, percent="1"), by=shop_a)
        assert fresh(certificate).holder_id == taolong.enterprise_id
        certificates.certificate_redeem(certificate=certificate, by=alice)
        assert fresh(lines[0]).used == 0 and claims_match_debts(certificate.brain_id)

    def test_an_accepted_request_refuses_a_second_acceptance(self, lines, taolong, taizhou, alice, shop_a):
        request = ask(shop_a, owed(alice, shop_a))
        first, second = quote(request, taolong, apr="6"), quote(request, taizhou, apr="5")
        financing.financing_quote_accept(quote=first, by=shop_a)
        for again in (first, second):
            with pytest.raises(DomainError) as refused:
                financing.financing_quote_accept(quote=again, by=shop_a)
            assert refused.value.code == "invalid_state"

    def test_the_database_allows_one_accepted_quote_per_request(self, lines, taolong, taizhou, alice, shop_a):
        request = ask(shop_a, owed(alice, shop_a))
        first, second = quote(request, taolong, apr="6"), quote(request, taizhou, apr="5")
        financing.financing_quote_accept(quote=first, by=shop_a)
        with brain_context(request.brain_id), pytest.raises(IntegrityError), transaction.atomic():
            FinancingQuote.objects.filter(pk=second.pk).update(
                status="accepted", early_payment_id=fresh(first).early_payment_id)

    def test_a_line_used_up_since_the_request_refuses_the_acceptance(self, lines, taizhou, alice, shop_a, shop_b):
        one, two = ask(shop_a, owed(alice, shop_a, "200000.00")), ask(shop_b, owed(alice, shop_b, "200000.00"))
        financing.financing_quote_accept(quote=quote(one, taizhou, apr="6"), by=shop_a)
        with pytest.raises(DomainError) as full:
            financing.financing_quote_accept(quote=quote(two, taizhou, apr="6"), by=shop_b)
        assert full.value.code == "no_room" and fresh(lines[1]).used == D("200000.00")


class TestExpiry:
    def test_requests_and_quotes_expire_and_cannot_be_accepted(self, lines, taolong, taizhou, alice, shop_a):
        request = ask(shop_a, owed(alice, shop_a))
        short, other = quote(request, taolong, apr="6", hours=1), quote(request, taizhou, apr="6")
        with brain_context(request.brain_id):
            FinancingQuote.objects.filter(pk=short.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
        with pytest.raises(DomainError) as late:
            financing.financing_quote_accept(quote=short, by=shop_a)
        assert late.value.code == "expired"
        assert financing.financing_expire() == 1 and fresh(short).status == FinancingQuote.Status.EXPIRED
        with brain_context(request.brain_id):
            FinancingRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert financing.financing_expire() == 2  # the request and its last open quote
        assert fresh(request).status == "expired" and fresh(other).status == "expired"
        assert financing.financing_expire() == 0
