"""Dynamic discounting: a buyer's programme, its suppliers' offers (once or recurring), the discount shown before
offering, instant acceptance at the posted rate, and the clearing: best rate first, ties by the earlier offer,
never below the hurdle, each offer whole or skipped, once per cut-off."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from finance import tasks
from finance.models import ClearingRun, DiscountOffer, DiscountProgramme, EarlyPayment, Payable
from finance.selectors.discounting import programme_rollforward as rollforward
from finance.services import certificates, discounting, financing, payables
from finance.services.early_payments import early_terms
from finance.tests.claims import book, certified, claims_match_debts, days, owed
from finance.tests.conftest import fresh
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, OutboxEvent


def open_programme(buyer, *, cash="150000.00", hurdle="6", posted=None, cutoff=time(23, 59), ends_in=30):
    return discounting.discount_programme_open(
        brain=Brain.objects.get(slug="mould"), by=buyer, cash_available=cash, ends_on=days(ends_in),
        cutoff_time=cutoff, hurdle_apr=hurdle, posted_apr=posted, title="2026年12月提前付款")


@pytest.fixture
def programme(alice):
    return open_programme(alice)


def offer(programme, supplier, claim, **rate):
    kind = "certificate" if hasattr(claim, "holder_id") else "payable"
    return discounting.discount_offer_make(programme=programme, by=supplier, **{kind: claim}, **rate)


def clear(programme, by=None, at=None):
    return discounting.discount_clearing_run(programme=programme, by=by, cutoff_at=at or timezone.now())


class TestProgramme:
    def test_the_buyer_opens_one_programme_at_a_time(self, programme, alice):
        assert programme.buyer_id == alice.enterprise_id and programme.cash_left == D("150000.00")
        with pytest.raises(DomainError) as again:
            open_programme(alice)
        assert again.value.code == "duplicate"
        discounting.discount_programme_close(programme=programme, by=alice)
        assert open_programme(alice).status == DiscountProgramme.Status.OPEN

    @pytest.mark.parametrize("change, field", [
        ({"cash": "0"}, "cash_available"), ({"cash": "12.345"}, "cash_available"), ({"hurdle": "-1"}, "hurdle_apr"),
        ({"hurdle": "8", "posted": "7"}, "posted_apr"), ({"ends_in": -1}, "ends_on"), ({"ends_in": 400}, "ends_on"),
    ])
    def test_a_bad_programme_is_refused_naming_the_field(self, alice, change, field):
        with pytest.raises(DomainError) as refused:
            open_programme(alice, **change)
        assert refused.value.field == field

    def test_only_a_buyer_opens_one(self, shop_a):
        with pytest.raises(NotAllowed):
            open_programme(shop_a)


class TestOffers:
    def test_the_supplier_sees_the_discount_before_it_offers(self, programme, alice, shop_a):
        payable = owed(alice, shop_a, "100000.00", due_in=60)
        preview = discounting.discount_preview(programme=programme, by=shop_a, payable=payable, apr="8")
        expected = early_terms(face=D("100000.00"), paid_on=preview.clears_on, matures_on=payable.due_on, apr=D(8))
        assert preview.terms == expected and preview.clears_on == timezone.localdate()  # the cut-off is 23:59
        assert not preview.below_hurdle and not preview.instant
        flat = discounting.discount_preview(programme=programme, by=shop_a, payable=payable, percent="0.5")
        assert flat.terms.discount == D("500.00") and flat.below_hurdle  # 0.5 % for 60 days is 3.0417 % a year

    def test_an_offer_is_on_a_claim_the_supplier_holds_owed_by_the_programmes_buyer(self, programme, alice, shop_a,
                                                                                     shop_b, charlie):
        payable = owed(alice, shop_a)
        with pytest.raises(DomainError) as not_yours:
            offer(programme, shop_b, payable, apr="8")
        assert not_yours.value.code == "not_yours"
        with pytest.raises(DomainError) as low:
            offer(programme, shop_a, payable, apr="5.9999")
        assert low.value.code == "below_hurdle"
        made = offer(programme, shop_a, payable, apr="8")
        with pytest.raises(DomainError) as twice:
            offer(programme, shop_a, payable, percent="1")
        assert twice.value.code == "duplicate" and made.status == DiscountOffer.Status.OPEN
        with pytest.raises(NotAllowed):
            offer(programme, charlie, payable, apr="8")

    def test_the_database_allows_one_open_offer_per_claim(self, programme, alice, shop_a):
        payable = owed(alice, shop_a)
        made = offer(programme, shop_a, payable, apr="8")
        with brain_context(made.brain_id), pytest.raises(IntegrityError, match="one_open_discount_offer_per_payable"), \
                transaction.atomic():
            DiscountOffer.objects.create(brain_id=made.brain_id, programme=programme, supplier_id=shop_a.enterprise_id,
                                         payable=payable, rate="percent", percent=D(1))

    def test_the_supplier_changes_or_withdraws_its_offer_and_nobody_else_may(self, programme, alice, shop_a):
        made = offer(programme, shop_a, owed(alice, shop_a), apr="8")
        with pytest.raises(NotAllowed):
            discounting.discount_offer_withdraw(offer=made, by=alice)
        changed = discounting.discount_offer_change(offer=made, by=shop_a, percent="1.5")
        assert (changed.rate, changed.percent, changed.apr) == ("percent", D("1.5"), None) and changed.changed_at
        discounting.discount_offer_withdraw(offer=made, by=shop_a)
        assert fresh(made).status == DiscountOffer.Status.WITHDRAWN
        with pytest.raises(DomainError):
            discounting.discount_offer_change(offer=made, by=shop_a, apr="9")

    def test_an_offer_at_the_posted_rate_is_paid_at_once_while_cash_lasts(self, alice, shop_a):
        programme = open_programme(alice, cash="150000.00", posted="12")
        below = offer(programme, shop_a, owed(alice, shop_a, "100000.00"), apr="11.99")
        assert below.status == DiscountOffer.Status.OPEN
        payable = owed(alice, shop_a, "100000.00", due_in=90)
        instant = offer(programme, shop_a, payable, apr="12")
        assert instant.status == DiscountOffer.Status.CLEARED and fresh(payable).status == Payable.Status.PAID
        assert instant.early_payment.paid_on == timezone.localdate() and instant.early_payment.days_early == 90
        assert fresh(programme).cash_used == instant.early_payment.amount
        too_big = offer(programme, shop_a, owed(alice, shop_a, "100000.00"), apr="20")  # 50,000 left
        assert too_big.status == DiscountOffer.Status.OPEN
        # raising an open offer to the posted rate clears it at once too
        raised = discounting.discount_offer_change(offer=below, by=shop_a, apr="12")
        assert raised.status == DiscountOffer.Status.OPEN  # but it does not fit either
        assert claims_match_debts(programme.brain_id)

    def test_a_recurring_offer_makes_its_offer_on_each_payable_the_buyer_confirms(self, programme, alice, shop_a,
                                                                                  shop_b):
        standing = discounting.discount_offer_make(programme=programme, by=shop_a, recurring=True, apr="9")
        payable = owed(alice, shop_a, "50000.00")
        with brain_context(payable.brain_id):
            event = OutboxEvent.objects.filter(name="payable.confirmed", payload__payable=payable.pk).get()
        assert tasks.make_standing_discount_offers(payable.brain_id, event.pk) == 1
        assert tasks.make_standing_discount_offers(payable.brain_id, event.pk) == 0  # run twice: once
        with brain_context(payable.brain_id):
            made = DiscountOffer.objects.get(payable=payable)
        assert (made.standing_id, made.apr, made.offered_by_id) == (standing.pk, D(9), None)
        other = owed(alice, shop_b, "50000.00")  # shop_b has no standing offer
        assert discounting.discount_offers_from_standing(brain_id=other.brain_id, payable_id=other.pk) == []


class TestClearing:
    def test_best_rate_first_ties_by_the_earlier_offer_and_what_does_not_fit_is_skipped(self, programme, alice,
                                                                                        shop_a, shop_b):
        a = offer(programme, shop_a, owed(alice, shop_a, "100000.00", due_in=60), apr="10")
        b = offer(programme, shop_b, owed(alice, shop_b, "100000.00", due_in=60), apr="12")
        c = offer(programme, shop_a, owed(alice, shop_a, "30000.00", due_in=60), apr="9")
        d = offer(programme, shop_b, owed(alice, shop_b, "30000.00", due_in=60), apr="9")
        e = offer(programme, shop_b, owed(alice, shop_b, "10000.00", due_in=60), percent="0.5")  # 3.04 % a year
        run = clear(programme, by=alice)
        # b (12 %) 98,027.40; a (10 %) does not fit in 51,972.60; c (9 %, earlier) 29,556.16; d no longer fits
        assert [fresh(o).status for o in (a, b, c, d, e)] == ["open", "cleared", "cleared", "open", "open"]
        assert (run.offers_cleared, run.offers_skipped, run.offers_below_hurdle) == (2, 2, 1)
        assert run.cash_cleared == D("98027.40") + D("29556.16") == fresh(programme).cash_used
        assert run.discount_total == D("1972.60") + D("443.84")
        assert book(programme.brain_id)[("discount_income", alice.enterprise_id)] == -run.discount_total
        assert claims_match_debts(programme.brain_id)

    def test_the_rest_roll_to_the_next_run_and_a_run_is_made_once_per_cutoff(self, programme, alice, shop_a):
        big = offer(programme, shop_a, owed(alice, shop_a, "200000.00"), apr="10")
        cutoff = timezone.now()
        first = clear(programme, at=cutoff)
        assert clear(programme, at=cutoff.replace(second=0)) == first  # the same minute: the same run
        assert fresh(big).status == DiscountOffer.Status.OPEN and first.offers_skipped == 1
        with brain_context(programme.brain_id), pytest.raises(IntegrityError, match="one_clearing_run_per_cutoff"), \
                transaction.atomic():
            ClearingRun.objects.create(brain_id=programme.brain_id, programme=programme,
                                       cutoff_at=first.cutoff_at, paid_on=first.paid_on, cash_before=D(1))

    def test_an_offer_whose_claim_moved_on_lapses_with_its_reason(self, programme, alice, shop_a, steel):
        certificate = certified(alice, shop_a, "20000.00")
        made = offer(programme, shop_a, certificate, apr="10")
        transfer = certificates.certificate_transfer(certificate=certificate, by=shop_a,
                                                     receiver_id=steel.enterprise_id)
        certificates.certificate_transfer_accept(transfer=transfer, by=steel)
        run = clear(programme)
        made = fresh(made)
        assert made.status == DiscountOffer.Status.LAPSED and made.reason and run.offers_lapsed == 1

    def test_a_certificate_offer_clears_to_its_holder(self, programme, alice, shop_a):
        certificate = certified(alice, shop_a, "20000.00", due_in=30)
        made = offer(programme, shop_a, certificate, percent="1")
        clear(programme)
        with brain_context(made.brain_id):
            payment = DiscountOffer.objects.select_related("early_payment").get(pk=made.pk).early_payment
        assert (payment.certificate_id, payment.discount, payment.kind) == (certificate.pk, D("200.00"), "discount")
        assert fresh(certificate.payable).status == Payable.Status.PAID

    def test_only_the_buyer_clears_by_hand_and_only_within_the_period(self, programme, alice, shop_a):
        with pytest.raises(NotAllowed):
            clear(programme, by=shop_a)
        with pytest.raises(DomainError) as late:
            clear(programme, at=timezone.now() + timedelta(days=40))
        assert late.value.code == "closed"

    def test_beat_clears_each_programme_once_at_its_cutoff_and_closes_ended_ones(self, alice, shop_a):
        programme = open_programme(alice, cutoff=time(0, 0))  # today's cut-off has passed
        made = offer(programme, shop_a, owed(alice, shop_a, "10000.00"), apr="8")
        with brain_context(made.brain_id):  # made before it: a clearing takes the offers made before its cut-off
            DiscountOffer.objects.filter(pk=made.pk).update(offered_at=timezone.now() - timedelta(days=1))
        assert discounting.discount_clearings_due() == 1
        assert discounting.discount_clearings_due() == 0
        with brain_context(programme.brain_id):
            run = ClearingRun.objects.get(programme=programme)
            assert EarlyPayment.objects.count() == 1
        assert timezone.localtime(run.cutoff_at).time() == time(0, 0)
        later = timezone.make_aware(datetime.combine(days(31), time(1, 0)))
        discounting.discount_clearings_due(now=later)
        assert fresh(programme).status == DiscountProgramme.Status.CLOSED

    def test_closing_lapses_the_open_offers(self, programme, alice, shop_a):
        made = offer(programme, shop_a, owed(alice, shop_a), apr="8")
        discounting.discount_programme_close(programme=programme, by=alice)
        assert fresh(made).status == DiscountOffer.Status.LAPSED
        with pytest.raises(DomainError):
            clear(programme, by=alice)


class TestRollforward:
    def test_it_ties_to_the_journal_per_buyer(self, alice, shop_a, shop_b, taolong, olga):
        mould = Brain.objects.get(slug="mould")
        financed, paid, discounted = (owed(alice, shop_a, "100000.00"), owed(alice, shop_b, "50000.00"),
                                      owed(alice, shop_b, "30000.00", due_in=30))
        payables.payable_pay(payable=paid, by=alice)
        programme = open_programme(alice, posted="10")
        assert offer(programme, shop_b, discounted, apr="10").status == DiscountOffer.Status.CLEARED
        financing.credit_line_open(brain=mould, by=taolong, buyer_id=alice.enterprise_id, limit="100000",
                                   expires_on=days(90))
        request = financing.financing_request_make(brain=mould, by=shop_a, payable=financed)
        quote = financing.financing_quote_make(request=request, by=taolong, apr="6",
                                               valid_until=timezone.now() + timedelta(hours=1))
        financing.financing_quote_accept(quote=quote, by=shop_a)
        today = timezone.localdate()

        def programme_rollforward(user, start, end):  # as pages and the API read it: in the brain
            with brain_context(mould.pk):
                return rollforward(brain=mould, viewer=brain_access(user=user, brain=mould), start=start, end=end)

        [row] = programme_rollforward(alice, today, today)
        assert (row["buyer"], row["opening"], row["confirmed"], row["paid"], row["discounted"], row["closing"],
                row["financed"]) == (alice.enterprise_id, 0, D("180000.00"), D("50000.00"), D("30000.00"),
                                     D("100000.00"), D("100000.00"))
        [later] = programme_rollforward(olga, today + timedelta(days=1), today + timedelta(days=9))
        assert (later["opening"], later["confirmed"], later["closing"], later["financed"]) == (
            D("100000.00"), 0, D("100000.00"), 0)
        assert programme_rollforward(shop_a, today, today) == []  # it owes nothing here
