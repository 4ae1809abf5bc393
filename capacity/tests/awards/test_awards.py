"""Awards: split per line, exactly once under concurrency, purchase orders; the optimiser against naive."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from capacity import optimiser
from capacity.models import Award, PurchaseOrder, Quote, QuoteLine, Recommendation, Rfq, RfqLine
from capacity.services import awards, rfqs
from capacity.tests.conftest import lines_of, past_deadline, price
from tenants.context import brain_context
from tenants.errors import DomainError
from tests.support import race


@pytest.fixture
def quoted(open_rfq, shop_a, shop_b):
    cavity, pin = lines_of(open_rfq)
    qa = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000", 20), price(pin, "30", 7)])
    qb = rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "16500", 25), price(pin, "32", 5)])
    with brain_context(open_rfq.brain_id):
        a = {ql.rfq_line_id: ql for ql in qa.lines.all()}
        b = {ql.rfq_line_id: ql for ql in qb.lines.all()}
    return past_deadline(open_rfq), (cavity, pin), a, b


def test_a_split_award_makes_one_purchase_order_per_winner(quoted, alice, shop_a, shop_b, in_brain):
    rfq, (cavity, pin), a, b = quoted
    orders = awards.award_lines(rfq=rfq, decisions={cavity.pk: b[cavity.pk].pk, pin.pk: a[pin.pk].pk}, by=alice)
    assert sorted(o.supplier_id for o in orders) == sorted([shop_a.enterprise_id, shop_b.enterprise_id])
    with in_brain(rfq.brain):
        rfq.refresh_from_db()
        assert rfq.status == Rfq.Status.AWARDED
        award = Award.objects.get(rfq_line=pin)
        assert award.amount == Decimal("1200.00") and award.purchase_order.number.startswith("PO-")


def test_awarding_before_the_deadline_is_refused(open_rfq, alice, shop_a):
    cavity = lines_of(open_rfq)[0]
    quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "1")])
    with brain_context(open_rfq.brain_id):
        line = quote.lines.get()
    with pytest.raises(DomainError) as error:
        awards.award_lines(rfq=open_rfq, decisions={cavity.pk: line.pk}, by=alice)
    assert error.value.code == "invalid_state"


def test_a_line_is_awarded_once(quoted, alice):
    rfq, (cavity, pin), a, b = quoted
    awards.award_lines(rfq=rfq, decisions={cavity.pk: a[cavity.pk].pk}, by=alice)
    with pytest.raises(DomainError) as error:
        awards.award_lines(rfq=rfq, decisions={cavity.pk: b[cavity.pk].pk, pin.pk: b[pin.pk].pk}, by=alice)
    assert error.value.code == "already_awarded"
    with brain_context(rfq.brain_id):
        assert Award.objects.count() == 1  # the pin line of the refused call was not written either


def test_a_quote_for_another_line_cannot_be_awarded(quoted, alice):
    rfq, (cavity, pin), a, b = quoted
    with pytest.raises(DomainError):
        awards.award_lines(rfq=rfq, decisions={cavity.pk: a[pin.pk].pk}, by=alice)


def test_suppliers_and_strangers_cannot_award(quoted, shop_a, charlie):
    rfq, (cavity, pin), a, b = quoted
    for user in (shop_a, charlie):
        with pytest.raises(DomainError):
            awards.award_lines(rfq=rfq, decisions={cavity.pk: a[cavity.pk].pk}, by=user)


@pytest.mark.django_db(transaction=True)
def test_two_buyers_awarding_at_once_award_once(quoted, alice, bob, in_brain):
    rfq, (cavity, pin), a, b = quoted  # bob works on alice's team: both may award
    results = race(
        lambda: awards.award_lines(rfq=rfq, decisions={cavity.pk: a[cavity.pk].pk}, by=alice),
        lambda: awards.award_lines(rfq=rfq, decisions={cavity.pk: b[cavity.pk].pk}, by=bob),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and getattr(errors[0], "code", None) == "already_awarded", results
    with in_brain(rfq.brain):
        assert Award.objects.filter(rfq_line=cavity).count() == 1
        assert PurchaseOrder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_quote_racing_an_early_close_is_either_in_before_it_or_refused(open_rfq, alice, shop_a, in_brain):
    """The quote waits for the RFQ's lock; whichever commits first, no quote is dated after the close."""
    cavity = lines_of(open_rfq)[0]
    closed, quoted = race(
        lambda: rfqs.rfq_close(rfq=open_rfq, by=alice),
        lambda: rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "15000")]),
    )
    assert isinstance(closed, Rfq), closed
    assert isinstance(quoted, Quote) or quoted.code == "deadline_passed", quoted
    with in_brain(open_rfq.brain):
        rfq = Rfq.objects.get(pk=open_rfq.pk)
        assert all(quote.submitted_at <= rfq.closed_at for quote in Quote.objects.filter(rfq=rfq))


@pytest.mark.django_db(transaction=True)
def test_a_quote_waits_for_a_held_lock_and_then_sees_the_close(open_rfq, alice, shop_a, in_brain):
    """Deterministic version: hold the RFQ's lock, start a quote, close, release: the quote is refused."""
    from django.db import transaction

    cavity = lines_of(open_rfq)[0]
    started = threading.Event()
    outcome = {}

    def quote():
        started.set()
        try:
            rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "15000")])
            outcome["result"] = "accepted"
        except DomainError as error:
            outcome["result"] = error.code
        finally:
            connections.close_all()

    with transaction.atomic(), brain_context(open_rfq.brain_id):
        Rfq.objects.select_for_update().get(pk=open_rfq.pk)
        thread = threading.Thread(target=quote)
        thread.start()
        started.wait()
        thread.join(0.5)
        assert thread.is_alive()  # blocked on the lock
        Rfq.objects.filter(pk=open_rfq.pk).update(status=Rfq.Status.CLOSED, closed_at=timezone.now())
    thread.join(10)
    assert outcome["result"] == "deadline_passed"


class TestOptimiser:
    def test_it_beats_naive_when_capacity_binds(self):
        # Two lines; supplier 1 is cheapest on both but has hours for only one.
        options = [
            optimiser.Option(1, 11, 1, Decimal("100"), True, {7: 30}),
            optimiser.Option(1, 12, 2, Decimal("120"), True, {7: 30}),
            optimiser.Option(2, 21, 1, Decimal("100"), True, {7: 30}),
            optimiser.Option(2, 22, 2, Decimal("150"), True, {7: 30}),
        ]
        result = optimiser.optimise(options, capacity={(1, 7): 40.0, (2, 7): 100.0})
        assert result.feasible and result.choice == {1: 12, 2: 21} and result.total == Decimal("220")
        assert optimiser.naive(options).total == Decimal("200")  # cheaper, but over supplier 1's capacity

    def test_the_supplier_limit(self):
        options = [
            optimiser.Option(1, 11, 1, Decimal("100"), True), optimiser.Option(1, 12, 2, Decimal("90"), True),
            optimiser.Option(2, 21, 1, Decimal("100"), True), optimiser.Option(2, 22, 3, Decimal("90"), True),
        ]
        assert optimiser.optimise(options, capacity={}).total == Decimal("180")
        limited = optimiser.optimise(options, capacity={}, max_suppliers=1)
        assert limited.choice == {1: 11, 2: 21} and limited.total == Decimal("200")

    def test_a_late_quote_is_not_chosen_and_an_unquotable_line_is_reported(self):
        options = [optimiser.Option(1, 11, 1, Decimal("50"), False), optimiser.Option(1, 12, 2, Decimal("80"), True),
                   optimiser.Option(2, 21, 1, Decimal("10"), False)]
        result = optimiser.optimise(options, capacity={})
        assert result.choice == {1: 12} and result.unquoted == [2]

    def test_infeasible(self):
        options = [optimiser.Option(1, 11, 1, Decimal("50"), True, {7: 100})]
        assert not optimiser.optimise(options, capacity={(1, 7): 10.0}).feasible


def test_a_recommendation_is_computed_and_compared_with_naive(quoted, alice, in_brain):
    rfq, (cavity, pin), a, b = quoted
    recommendation = awards.recommendation_request(rfq=rfq, by=alice, max_suppliers=1)
    with in_brain(rfq.brain):
        done = awards.recommendation_compute(brain_id=recommendation.brain_id, recommendation_id=recommendation.pk)
    assert done.status == Recommendation.Status.READY
    # naive: cavity from b (16500) + pin from a (30×40) = 17700, two suppliers; with one: all b = 16500 + 32×40
    assert done.naive_total == Decimal("17700.00") and done.naive_feasible is False
    assert done.total == Decimal("17780.00") and done.choice == {str(cavity.pk): b[cavity.pk].pk,
                                                                   str(pin.pk): b[pin.pk].pk}
    with in_brain(rfq.brain):
        assert awards.recommendation_compute(brain_id=recommendation.brain_id, recommendation_id=recommendation.pk).computed_at == done.computed_at


def test_an_expired_quote_is_neither_awarded_nor_recommended(quoted, alice, in_brain):
    rfq, (cavity, pin), a, b = quoted
    with in_brain(rfq.brain):
        QuoteLine.objects.filter(pk=b[cavity.pk].pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError) as error:
        awards.award_lines(rfq=rfq, decisions={cavity.pk: b[cavity.pk].pk}, by=alice)
    assert error.value.code == "quote_expired"
    recommendation = awards.recommendation_request(rfq=rfq, by=alice)
    done = awards.recommendation_compute(brain_id=rfq.brain_id, recommendation_id=recommendation.pk)
    assert done.choice[str(cavity.pk)] == a[cavity.pk].pk


def test_a_line_nobody_can_deliver_in_time_is_left_out_of_both_totals(quoted, alice, in_brain):
    rfq, (cavity, pin), a, b = quoted
    with in_brain(rfq.brain):
        RfqLine.objects.filter(pk=pin.pk).update(due_date=timezone.localdate() + timedelta(days=2))  # all quote ≥5 d
    recommendation = awards.recommendation_request(rfq=rfq, by=alice)
    done = awards.recommendation_compute(brain_id=rfq.brain_id, recommendation_id=recommendation.pk)
    assert done.unquoted_lines == [pin.pk]
    assert done.total == done.naive_total == Decimal("16500.00") and awards.extra_cost(done) == 0
