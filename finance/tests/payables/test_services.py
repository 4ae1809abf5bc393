"""Payables from accepted deliveries: recorded once, confirmed whole or in part (the rest disputed), paid; every
step in the one journal, balanced."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from capacity.models import Rfq
from capacity.services import deliveries
from finance.models import Payable
from finance.services import payables
from finance.services.books import BOOK
from finance.tests.conftest import days, deliver_and_inspect, fresh
from ledger.services.journal import balance, balances
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent
from tests.support import race

TODAY = timezone.localdate


def events(brain_id, name):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name=name).values_list("payload", flat=True))


class TestRecording:
    def test_it_records_the_accepted_value_of_a_delivery_with_vat_due_in_60_days(self, payable, accepted, alice_ent):
        work_order, _lines = accepted
        assert payable.amount == D("19200.00")  # 18000 + 40 × 30, VAT included
        assert payable.tax == D("2208.85")  # 2070.80 + 138.05, each line's VAT to the fen
        assert (payable.debtor_id, payable.creditor_id) == (alice_ent.pk, work_order.supplier_id)
        assert payable.accepted_on == TODAY() and payable.due_on == TODAY() + timedelta(days=60)
        assert payable.status == Payable.Status.PENDING and payable.number.startswith("AP-")
        assert "SH-001" in payable.description
        assert events(payable.brain_id, "payable.recorded") == [
            {"payable": payable.pk, "debtor": alice_ent.pk, "creditor": work_order.supplier_id}]

    def test_it_records_nothing_twice_however_often_the_event_comes(self, payable, delivery):
        again = payables.payable_record_from_delivery(brain_id=delivery.brain_id, delivery_id=delivery.pk)
        assert again.pk == payable.pk
        with brain_context(delivery.brain_id):
            assert Payable.objects.count() == 1
        assert len(events(delivery.brain_id, "payable.recorded")) == 1

    @pytest.mark.django_db(transaction=True)
    def test_two_workers_at_once_record_one_payable(self, delivery):
        first, second = race(*[lambda: payables.payable_record_from_delivery(
            brain_id=delivery.brain_id, delivery_id=delivery.pk)] * 2)
        assert isinstance(first, Payable) and first.pk == second.pk
        with brain_context(delivery.brain_id):
            assert Payable.objects.count() == 1

    def test_nothing_is_owed_while_a_line_waits_for_inspection(self, accepted, shop_a):
        work_order, _lines = accepted
        with brain_context(work_order.brain_id):
            line = work_order.lines.first()
        waiting = deliveries.delivery_record(work_order=work_order, by=shop_a, note_number="SH-9",
                                             delivered_on=TODAY(), lines={line.pk: 1})
        assert payables.payable_record_from_delivery(brain_id=waiting.brain_id, delivery_id=waiting.pk) is None

    def test_refused_pieces_are_not_owed_and_the_rfq_terms_set_the_due_date(self, accepted, shop_a, alice):
        work_order, _lines = accepted
        with brain_context(work_order.brain_id):
            Rfq.objects.filter(pk=work_order.rfq_id).update(payment_days=30)
        delivery = deliver_and_inspect(work_order, shop_a, alice, refuse=10)
        payable = payables.payable_record_from_delivery(brain_id=delivery.brain_id, delivery_id=delivery.pk)
        assert payable.amount == D("18900.00") and payable.due_on == TODAY() + timedelta(days=30)


class TestLegalTerms:
    def test_terms_beyond_60_days_from_a_large_enterprise_to_an_sme_are_flagged(self, monkeypatch, mould):
        sizes = {1: "large", 2: "small", 3: "medium", 4: None}
        monkeypatch.setattr(payables, "enterprise_size", lambda brain_id, enterprise_id: sizes[enterprise_id])
        day = TODAY()

        def flagged(debtor, creditor, terms):
            return payables.beyond_legal_terms(brain_id=mould.pk, debtor_id=debtor, creditor_id=creditor,
                                               accepted_on=day, due_on=day + timedelta(days=terms))

        assert flagged(1, 2, 61) and flagged(1, 3, 90)
        assert not flagged(1, 2, 60)  # within the law
        assert not flagged(3, 2, 90)  # a medium enterprise paying a small one: not the rule's case
        assert not flagged(1, 4, 90)  # the creditor's size unknown: not assumed


class TestConfirmation:
    def test_the_debtor_confirms_the_whole_payable_and_the_books_record_the_claim(self, payable, alice):
        confirmed = payables.payable_confirm(payable=payable, by=alice)
        assert confirmed.status == Payable.Status.CONFIRMED and confirmed.confirmed_by == alice
        with brain_context(payable.brain_id):
            assert balance(brain_id=payable.brain_id, book=BOOK, kind="receivable",
                           enterprise_id=payable.creditor_id) == D("19200.00")
            assert balance(brain_id=payable.brain_id, book=BOOK, kind="payable",
                           enterprise_id=payable.debtor_id) == D("-19200.00")

    def test_a_partly_disputed_payable_splits_into_the_confirmed_part_and_the_disputed_rest(self, payable, alice):
        confirmed = payables.payable_confirm(payable=payable, by=alice, amount="18000.00", reason="顶针数量待核对")
        with brain_context(payable.brain_id):
            rest = Payable.objects.get(split_from=confirmed)
        assert (confirmed.amount, confirmed.status) == (D("18000.00"), Payable.Status.CONFIRMED)
        assert (rest.amount, rest.status, rest.dispute_reason) == (D("1200.00"), Payable.Status.DISPUTED,
                                                                   "顶针数量待核对")
        assert confirmed.tax + rest.tax == D("2208.85") and confirmed.tax == D("2070.80")
        assert rest.due_on == confirmed.due_on
        with brain_context(payable.brain_id):  # only the undisputed part is a claim
            assert balance(brain_id=payable.brain_id, book=BOOK, kind="receivable",
                           enterprise_id=payable.creditor_id) == D("18000.00")
        # the dispute is settled later: the debtor confirms the rest too
        payables.payable_confirm(payable=rest, by=alice)
        with brain_context(payable.brain_id):
            assert balance(brain_id=payable.brain_id, book=BOOK, kind="receivable",
                           enterprise_id=payable.creditor_id) == D("19200.00")

    @pytest.mark.parametrize("amount, reason, field", [
        ("0", "x", "amount"), ("-5", "x", "amount"), ("1.001", "x", "amount"), ("NaN", "x", "amount"),
        ("19200.01", "x", "amount"), ("abc", "x", "amount"), ("18000.00", "", "reason"), ("18000", "长" * 501, "reason"),
    ])
    def test_bad_input_is_refused_and_changes_nothing(self, payable, alice, amount, reason, field):
        with pytest.raises(DomainError) as error:
            payables.payable_confirm(payable=payable, by=alice, amount=amount, reason=reason)
        assert error.value.field == field
        assert fresh(payable).status == Payable.Status.PENDING and fresh(payable).amount == D("19200.00")
        with brain_context(payable.brain_id):
            assert Payable.objects.count() == 1
            assert balances(brain_id=payable.brain_id, book=BOOK) == {}

    def test_the_due_date_may_move_earlier_not_later_and_not_into_the_past(self, payable, alice):
        with pytest.raises(DomainError) as later:
            payables.payable_confirm(payable=payable, by=alice, due_on=payable.due_on + timedelta(days=1))
        with pytest.raises(DomainError) as past:
            payables.payable_confirm(payable=payable, by=alice, due_on=TODAY() - timedelta(days=1))
        assert later.value.field == past.value.field == "due_on"
        assert payables.payable_confirm(payable=payable, by=alice, due_on=days(30)).due_on == days(30)

    def test_only_the_debtor_confirms_and_only_once(self, payable, shop_a, bob, charlie, alice):
        for other in (shop_a, charlie):
            with pytest.raises(NotAllowed):
                payables.payable_confirm(payable=payable, by=other)
        payables.payable_confirm(payable=payable, by=bob)  # alice's colleague acts for the same enterprise
        with pytest.raises(DomainError) as twice:
            payables.payable_confirm(payable=payable, by=alice)
        assert twice.value.code == "invalid_state"

    def test_the_creditor_may_waive_a_disputed_rest_and_only_that(self, payable, alice, shop_a):
        payables.payable_confirm(payable=payable, by=alice, amount="19000", reason="两件顶针有缺陷")
        with brain_context(payable.brain_id):
            rest = Payable.objects.get(split_from=payable)
        with pytest.raises(NotAllowed):
            payables.payable_waive(payable=rest, by=alice)
        with pytest.raises(DomainError):
            payables.payable_waive(payable=payable, by=shop_a)  # the confirmed part is owed
        assert payables.payable_waive(payable=rest, by=shop_a).status == Payable.Status.WAIVED


class TestPayment:
    def test_the_debtor_pays_a_confirmed_payable_and_the_claim_is_settled(self, confirmed, alice):
        paid = payables.payable_pay(payable=confirmed, by=alice, reference="工行 20261207-01")
        assert paid.status == Payable.Status.PAID and paid.paid_on == TODAY()
        with brain_context(paid.brain_id):
            books = balances(brain_id=paid.brain_id, book=BOOK)
        assert books[("receivable", paid.creditor_id)] == 0 and books[("payable", paid.debtor_id)] == 0
        assert books[("cash", paid.creditor_id)] == D("19200.00") and books[("cash", paid.debtor_id)] == D("-19200.00")

    def test_an_unconfirmed_payable_is_not_paid_here_and_the_date_is_checked(self, payable, alice):
        with pytest.raises(DomainError):
            payables.payable_pay(payable=payable, by=alice)
        payables.payable_confirm(payable=payable, by=alice)
        with pytest.raises(DomainError) as future:
            payables.payable_pay(payable=payable, by=alice, paid_on=days(1))
        assert future.value.field == "paid_on"
