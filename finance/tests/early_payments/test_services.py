"""Early payments: the terms, a claim paid early by its buyer or by a bank, the journal, and at maturity the bank
paid by `payable_pay` or `certificate_redeem`; a claim is paid early at most once and then stays whole."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import Certificate, EarlyPayment, Payable
from finance.services import certificates, payables
from finance.services.early_payments import Claim, claim_check, early_payment_make, early_terms
from finance.services.payables import lock_payable
from finance.tests.claims import book, certified, claims_match_debts, days, owed
from finance.tests.conftest import fresh
from tenants.context import brain_context
from tenants.errors import DomainError


def pay_early(claim_row, *, kind, payer, apr="8", holder=None, fee="0"):
    """Lock the claim as the discounting and financing services do, check it, and pay it early today."""
    with transaction.atomic(), brain_context(claim_row.brain_id):
        if isinstance(claim_row, Certificate):
            payable = lock_payable(claim_row.payable)
            claim = Claim(payable=payable, certificate=certificates.lock_certificate(claim_row))
        else:
            claim = Claim(payable=lock_payable(claim_row))
        today = timezone.localdate()
        claim_check(claim, holder_id=holder or claim.holder_id, on=today)
        terms = early_terms(face=claim.face, paid_on=today, matures_on=claim.matures_on, apr=D(apr), fee=D(fee))
        return early_payment_make(claim=claim, kind=kind, payer_id=payer.enterprise_id, terms=terms, by=None)


class TestTerms:
    def test_the_discount_is_face_times_apr_times_days_over_365_to_the_fen(self):
        terms = early_terms(face=D("100000.00"), paid_on=days(0), matures_on=days(30), apr=D(8))
        assert terms.discount == D("657.53") and terms.amount == D("99342.47") and terms.days_early == 30
        half = early_terms(face=D("365.00"), paid_on=days(0), matures_on=days(1), apr=D("0.5"))
        assert half.discount == D("0.01")  # 0.005 rounds half-up

    def test_a_flat_percent_has_its_rate_a_year(self):
        terms = early_terms(face=D("19200.00"), paid_on=days(0), matures_on=days(30), percent=D(1))
        assert terms.discount == D("192.00") and terms.apr == D("12.1667")

    def test_nothing_is_early_on_the_due_date_and_the_cost_cannot_take_the_face(self):
        with pytest.raises(DomainError) as due:
            early_terms(face=D("100.00"), paid_on=days(5), matures_on=days(5), apr=D(8))
        assert due.value.code == "matured"
        with pytest.raises(DomainError) as costly:
            early_terms(face=D("100.00"), paid_on=days(0), matures_on=days(30), percent=D(60), fee=D(40))
        assert costly.value.code == "too_costly"


class TestDiscount:
    def test_the_buyer_pays_its_payable_early_and_keeps_the_discount(self, alice, shop_a):
        payable = owed(alice, shop_a, "100000.00", due_in=30)
        payment = pay_early(payable, kind="discount", payer=alice)
        assert (payment.face, payment.discount, payment.amount, payment.days_early) == (
            D("100000.00"), D("657.53"), D("99342.47"), 30)
        assert payment.settled_on == payment.paid_on == timezone.localdate()
        assert fresh(payable).status == Payable.Status.PAID
        rows = book(payable.brain_id)
        assert rows[("cash", alice.enterprise_id)] == D("-99342.47")
        assert rows[("discount_income", alice.enterprise_id)] == D("-657.53")
        assert rows[("cash", shop_a.enterprise_id)] == D("99342.47")
        assert rows[("finance_cost", shop_a.enterprise_id)] == D("657.53")
        assert rows[("receivable", shop_a.enterprise_id)] == 0 and rows[("payable", alice.enterprise_id)] == 0
        assert claims_match_debts(payable.brain_id)

    def test_a_certificate_passed_down_is_paid_early_to_its_holder(self, alice, shop_a, steel):
        certificate = certified(alice, shop_a, "19200.00", due_in=60)
        transfer = certificates.certificate_transfer(certificate=certificate, by=shop_a,
                                                     receiver_id=steel.enterprise_id, amount="5000.00")
        certificates.certificate_transfer_accept(transfer=transfer, by=steel)
        part = fresh(transfer.certificate)
        payment = pay_early(part, kind="discount", payer=alice)
        assert payment.supplier_id == steel.enterprise_id and fresh(part).status == Certificate.Status.REDEEMED
        assert fresh(certificate.payable).status == Payable.Status.CERTIFIED  # shop_a's part is still live
        assert book(part.brain_id)[("cash", steel.enterprise_id)] == payment.amount
        assert claims_match_debts(part.brain_id)


class TestBank:
    def test_a_financed_payable_is_paid_to_the_bank_at_maturity(self, alice, shop_a, taolong):
        payable = owed(alice, shop_a, "100000.00", due_in=30)
        payment = pay_early(payable, kind="bank", payer=taolong, fee="100.00")
        assert payment.amount == D("99242.47") and payment.settled_on is None
        assert fresh(payable).status == Payable.Status.FINANCED
        rows = book(payable.brain_id)
        assert rows[("receivable", taolong.enterprise_id)] == D("100000.00")
        assert rows[("financing_income", taolong.enterprise_id)] == D("-757.53")
        assert rows[("cash", shop_a.enterprise_id)] == D("99242.47") and claims_match_debts(payable.brain_id)
        payables.payable_pay(payable=payable, by=alice, reference="ICBC-1")
        rows = book(payable.brain_id)
        assert rows[("cash", taolong.enterprise_id)] == D("757.53")  # paid 99,242.47, received 100,000.00
        assert rows[("cash", shop_a.enterprise_id)] == D("99242.47")  # nothing more for the supplier
        assert rows[("receivable", taolong.enterprise_id)] == 0 and claims_match_debts(payable.brain_id)
        assert fresh(payment).settled_on == timezone.localdate() and fresh(payable).status == Payable.Status.PAID

    def test_a_financed_certificate_moves_to_the_bank_and_stays_whole(self, alice, shop_a, steel, taolong):
        certificate = certified(alice, shop_a, "19200.00")
        payment = pay_early(certificate, kind="bank", payer=taolong)
        assert fresh(certificate).holder_id == taolong.enterprise_id
        for attempt in (lambda: certificates.certificate_split(certificate=certificate, by=taolong,
                                                               amounts=["9600", "9600"]),
                        lambda: certificates.certificate_transfer(certificate=certificate, by=taolong,
                                                                  receiver_id=steel.enterprise_id)):
            with pytest.raises(DomainError) as refused:
                attempt()
            assert refused.value.code == "financed"
        certificates.certificate_redeem(certificate=certificate, by=alice)
        rows = book(certificate.brain_id)
        assert rows[("cash", taolong.enterprise_id)] == D("19200.00") - payment.amount
        assert fresh(payment).settled_on and fresh(certificate.payable).status == Payable.Status.PAID
        assert claims_match_debts(certificate.brain_id)


class TestAtMostOnce:
    def test_a_claim_paid_early_is_refused_a_second_time_with_a_clear_error(self, alice, shop_a, taolong):
        payable = owed(alice, shop_a)
        pay_early(payable, kind="bank", payer=taolong)
        with pytest.raises(DomainError) as again:
            pay_early(fresh(payable), kind="discount", payer=alice)
        assert again.value.code == "invalid_state"  # financed: no longer a confirmed payable
        certificate = certified(alice, shop_a)
        pay_early(certificate, kind="discount", payer=alice)
        with pytest.raises(DomainError):
            pay_early(fresh(certificate), kind="bank", payer=taolong)

    def test_a_payable_issued_as_a_certificate_is_paid_early_as_the_certificate(self, alice, shop_a):
        certificate = certified(alice, shop_a)
        with pytest.raises(DomainError) as refused:
            pay_early(certificate.payable, kind="discount", payer=alice)
        assert refused.value.code == "invalid_state" and fresh(certificate.payable).status == Payable.Status.CERTIFIED

    def test_only_the_holder_and_only_before_maturity(self, alice, shop_a, shop_b):
        payable = owed(alice, shop_a)
        with pytest.raises(DomainError) as other:
            pay_early(payable, kind="discount", payer=alice, holder=shop_b.enterprise_id)
        assert other.value.code == "not_yours"
        with brain_context(payable.brain_id):
            Payable.objects.filter(pk=payable.pk).update(due_on=timezone.localdate())
        with pytest.raises(DomainError) as due:
            pay_early(fresh(payable), kind="discount", payer=alice)
        assert due.value.code == "matured"

    def test_the_database_refuses_a_second_early_payment_and_a_row_naming_two_claims_or_none(
            self, alice, shop_a):
        first = pay_early(owed(alice, shop_a, due_in=30), kind="discount", payer=alice)
        fields = {f.attname: getattr(first, f.attname) for f in EarlyPayment._meta.concrete_fields
                  if f.name not in ("id", "number", "payable", "certificate")}
        untouched, certificate = owed(alice, shop_a), certified(alice, shop_a)

        def insert(number, **claim):
            with brain_context(first.brain_id), transaction.atomic():
                EarlyPayment.objects.create(number=number, **fields, **claim)

        insert("RAW-1", payable_id=untouched.pk)  # a bypass of the services: the payable is still "confirmed"
        with pytest.raises(IntegrityError, match="one_early_payment_per_payable"):
            insert("RAW-2", payable_id=untouched.pk)
        with pytest.raises(IntegrityError, match="early_payment_names_one_claim"):
            insert("RAW-3", payable_id=owed(alice, shop_a).pk, certificate_id=certificate.pk)
        with pytest.raises(IntegrityError):
            insert("RAW-4")

    def test_the_database_refuses_changing_what_was_paid(self, alice, shop_a):
        payment = pay_early(owed(alice, shop_a, due_in=30), kind="discount", payer=alice)
        with brain_context(payment.brain_id), pytest.raises(IntegrityError, match="never changes"), \
                transaction.atomic():
            EarlyPayment.objects.filter(pk=payment.pk).update(amount=D("1.00"), discount=payment.face - D("1.00"))
