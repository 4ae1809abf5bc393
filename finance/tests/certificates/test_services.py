"""Certificates: issued on a confirmed payable by its creditor's choice, split to the fen, passed down the chain
(offer → accept / decline / withdraw / expire), redeemed at maturity. The face value is conserved by the database."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import join, make_enterprise, make_user
from finance.models import Certificate, CertificateTransfer, FinanceSettings, Payable
from finance.services import certificates, payables
from finance.services.books import BOOK
from finance.tests.conftest import fresh
from ledger.services.journal import balances
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tests.support import race


@pytest.fixture
def certificate(confirmed, shop_a):
    return certificates.certificate_issue(payable=confirmed, by=shop_a)


@pytest.fixture
def steel(mould):
    """A second-tier supplier of shop_a: the mould steel trader."""
    enterprise = make_enterprise(21, "台州市黄岩联信模具钢材有限公司")
    join(mould, enterprise, roles=("supplier",))
    return make_user("lianxin", enterprise=enterprise)


def held(brain_id):
    with brain_context(brain_id):
        return {c.number: (c.holder_id, c.amount, c.status) for c in Certificate.objects.order_by("pk")}


def claims_match_debts(brain_id):
    """The books' invariant: claims held (receivables and certificates) add up to what is owed."""
    with brain_context(brain_id):
        books = balances(brain_id=brain_id, book=BOOK)
    claims = sum(v for (kind, _e), v in books.items() if kind in ("receivable", "certificate"))
    debts = -sum(v for (kind, _e), v in books.items() if kind == "payable")
    return claims == debts


class TestIssue:
    def test_the_creditor_turns_its_confirmed_payable_into_a_certificate(self, certificate, confirmed, shop_a):
        assert (certificate.holder_id, certificate.issuer_id) == (shop_a.enterprise_id, confirmed.debtor_id)
        assert certificate.amount == D("19200.00") and certificate.matures_on == confirmed.due_on
        assert fresh(confirmed).status == Payable.Status.CERTIFIED
        with brain_context(certificate.brain_id):
            books = balances(brain_id=certificate.brain_id, book=BOOK)
        assert books[("certificate", shop_a.enterprise_id)] == D("19200.00")
        assert books[("receivable", shop_a.enterprise_id)] == 0 and claims_match_debts(certificate.brain_id)

    def test_only_the_creditor_issues_only_a_confirmed_payable_and_only_once(self, payable, alice, shop_a):
        with pytest.raises(DomainError):
            certificates.certificate_issue(payable=payable, by=shop_a)  # not confirmed yet
        payables.payable_confirm(payable=payable, by=alice)
        with pytest.raises(NotAllowed):
            certificates.certificate_issue(payable=payable, by=alice)  # the debtor cannot force one on the supplier
        certificates.certificate_issue(payable=payable, by=shop_a)
        with pytest.raises(DomainError):
            certificates.certificate_issue(payable=payable, by=shop_a)

    def test_the_database_allows_one_issue_per_payable(self, certificate):
        with brain_context(certificate.brain_id), pytest.raises(IntegrityError), transaction.atomic():
            Certificate.objects.create(brain_id=certificate.brain_id, number="X", payable_id=certificate.payable_id,
                                       issuer_id=certificate.issuer_id, holder_id=certificate.holder_id,
                                       amount=D("1"), matures_on=certificate.matures_on)


class TestSplit:
    def test_a_split_makes_children_that_add_up_to_the_fen(self, certificate, shop_a):
        children = certificates.certificate_split(certificate=certificate, by=shop_a,
                                                  amounts=["10000.01", "9199.99"])
        assert [c.amount for c in children] == [D("10000.01"), D("9199.99")]
        assert fresh(certificate).status == Certificate.Status.SPLIT and {c.depth for c in children} == {1}
        assert claims_match_debts(certificate.brain_id)

    @pytest.mark.parametrize("amounts, field", [
        (["19200.00"], "amounts"), (["10000", "9000"], "amounts"), (["100.001", "19099.999"], "amounts"),
        (["99.99", "19100.01"], "amounts"), (["-1", "19201"], "amounts"), ("19200", "amounts"),
    ])
    def test_bad_splits_are_refused_and_change_nothing(self, certificate, shop_a, amounts, field):
        with pytest.raises(DomainError) as error:
            certificates.certificate_split(certificate=certificate, by=shop_a, amounts=amounts)
        assert error.value.field == field
        assert fresh(certificate).status == Certificate.Status.HELD
        with brain_context(certificate.brain_id):
            assert Certificate.objects.count() == 1

    def test_the_brain_limits_depth_and_the_smallest_part(self, certificate, shop_a, mould):
        with brain_context(mould.pk):
            FinanceSettings.objects.create(brain=mould, max_depth=2, min_split_amount=D("1000.00"))
        with pytest.raises(DomainError):
            certificates.certificate_split(certificate=certificate, by=shop_a, amounts=["999.99", "18200.01"])
        first, _ = certificates.certificate_split(certificate=certificate, by=shop_a, amounts=["10000", "9200"])
        second, _ = certificates.certificate_split(certificate=first, by=shop_a, amounts=["5000", "5000"])
        with pytest.raises(DomainError) as deep:
            certificates.certificate_split(certificate=second, by=shop_a, amounts=["2500", "2500"])
        assert deep.value.code == "too_deep"

    def test_only_the_holder_splits_a_held_certificate(self, certificate, alice, charlie):
        for other in (alice, charlie):
            with pytest.raises(NotAllowed):
                certificates.certificate_split(certificate=certificate, by=other, amounts=["9600", "9600"])

    def test_the_database_refuses_children_that_do_not_add_up(self, certificate):
        with brain_context(certificate.brain_id), pytest.raises(IntegrityError, match="face value"), \
                transaction.atomic():
            Certificate.objects.create(brain_id=certificate.brain_id, number="X-1", payable_id=certificate.payable_id,
                                       parent=certificate, depth=1, issuer_id=certificate.issuer_id,
                                       holder_id=certificate.holder_id, amount=D("19199.99"),
                                       matures_on=certificate.matures_on)
            with transaction.get_connection().cursor() as cursor:
                cursor.execute("SET CONSTRAINTS finance_certificate_conserved IMMEDIATE")

    def test_the_database_refuses_a_change_of_face_value(self, certificate):
        with brain_context(certificate.brain_id), pytest.raises(IntegrityError, match="never change"), \
                transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(amount=D("1.00"))


@pytest.mark.django_db(transaction=True)
class TestSplitRace:
    def test_two_splits_of_one_certificate_at_once_make_one_set_of_children(self, certificate, shop_a):
        results = race(
            lambda: certificates.certificate_split(certificate=certificate, by=shop_a, amounts=["9600", "9600"]),
            lambda: certificates.certificate_split(certificate=certificate, by=shop_a, amounts=["19000", "200"]))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], DomainError)
        with brain_context(certificate.brain_id):
            children = Certificate.objects.filter(parent=certificate)
            assert sum(c.amount for c in children) == D("19200.00") and children.count() == 2

    def test_without_the_service_lock_the_database_still_refuses_the_second_split(self, certificate):
        """Two writers that skip the services' lock (a bug, a script): the parent-locking constraint trigger lets
        one set of children commit, never two."""

        def split_raw(amounts, suffix):
            with transaction.atomic(), brain_context(certificate.brain_id):
                for index, amount in enumerate(amounts):
                    Certificate.objects.create(
                        brain_id=certificate.brain_id, number=f"{certificate.number}-{suffix}{index}",
                        payable_id=certificate.payable_id, parent_id=certificate.pk, depth=1,
                        issuer_id=certificate.issuer_id, holder_id=certificate.holder_id, amount=D(amount),
                        matures_on=certificate.matures_on)

        results = race(lambda: split_raw(["9600", "9600"], "a"), lambda: split_raw(["19000", "200"], "b"))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
        with brain_context(certificate.brain_id):
            assert sum(Certificate.objects.filter(parent=certificate).values_list("amount", flat=True)) == D("19200")

    def test_a_transfer_accepted_while_the_expiry_runs_ends_one_way(self, certificate, shop_a, steel):
        transfer = certificates.certificate_transfer(certificate=certificate, by=shop_a,
                                                     receiver_id=steel.enterprise_id, amount="5000")
        with brain_context(transfer.brain_id):  # its last second
            CertificateTransfer.objects.filter(pk=transfer.pk).update(expires_at=timezone.now() + timedelta(
                milliseconds=300))
        race(lambda: certificates.certificate_transfer_accept(transfer=transfer, by=steel),
                  lambda: certificates.certificate_transfers_expire())
        done = fresh(transfer)
        with brain_context(transfer.brain_id):
            part = Certificate.objects.get(pk=transfer.certificate_id)
        assert done.outcome in (CertificateTransfer.Outcome.ACCEPTED, CertificateTransfer.Outcome.PENDING)
        assert part.status == (Certificate.Status.HELD if done.outcome == "accepted" else Certificate.Status.OFFERED)
        assert part.holder_id == (steel.enterprise_id if done.outcome == "accepted" else shop_a.enterprise_id)
        assert claims_match_debts(transfer.brain_id)


class TestTransfer:
    def test_a_part_passes_to_the_next_tier_when_accepted(self, certificate, shop_a, steel):
        transfer = certificates.certificate_transfer(certificate=certificate, by=shop_a,
                                                     receiver_id=steel.enterprise_id, amount="5000.00", note="钢材货款")
        part = fresh(transfer.certificate)
        assert part.amount == D("5000.00") and part.status == Certificate.Status.OFFERED
        assert part.offered_to_id == steel.enterprise_id and part.holder_id == shop_a.enterprise_id
        certificates.certificate_transfer_accept(transfer=transfer, by=steel)
        part = fresh(part)
        assert part.holder_id == steel.enterprise_id and part.status == Certificate.Status.HELD
        with brain_context(certificate.brain_id):
            books = balances(brain_id=certificate.brain_id, book=BOOK)
        assert books[("certificate", steel.enterprise_id)] == D("5000.00")
        assert books[("certificate", shop_a.enterprise_id)] == D("14200.00")
        assert claims_match_debts(certificate.brain_id)

    def test_a_declined_or_withdrawn_offer_returns_to_the_sender(self, certificate, shop_a, steel):
        offer = certificates.certificate_transfer(certificate=certificate, by=shop_a, receiver_id=steel.enterprise_id)
        with pytest.raises(NotAllowed):
            certificates.certificate_transfer_accept(transfer=offer, by=shop_a)
        certificates.certificate_transfer_decline(transfer=offer, by=steel, reason="要现金")
        assert fresh(certificate).holder_id == shop_a.enterprise_id
        assert fresh(certificate).status == Certificate.Status.HELD
        again = certificates.certificate_transfer(certificate=certificate, by=shop_a, receiver_id=steel.enterprise_id)
        certificates.certificate_transfer_withdraw(transfer=again, by=shop_a)
        assert fresh(again).outcome == CertificateTransfer.Outcome.WITHDRAWN
        with pytest.raises(DomainError):
            certificates.certificate_transfer_accept(transfer=again, by=steel)

    def test_an_offer_unanswered_by_its_expiry_returns_and_cannot_be_accepted(self, certificate, shop_a, steel):
        offer = certificates.certificate_transfer(certificate=certificate, by=shop_a, receiver_id=steel.enterprise_id)
        assert offer.expires_at > timezone.now() + timedelta(days=6)
        with brain_context(offer.brain_id):
            CertificateTransfer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(DomainError) as late:
            certificates.certificate_transfer_accept(transfer=offer, by=steel)
        assert late.value.code == "expired"
        assert certificates.certificate_transfers_expire() == 1
        assert fresh(offer).outcome == CertificateTransfer.Outcome.EXPIRED
        assert fresh(certificate).status == Certificate.Status.HELD
        assert certificates.certificate_transfers_expire() == 0

    def test_the_receiver_must_be_another_active_member_of_this_brain(self, certificate, shop_a, charlie):
        for receiver in (shop_a.enterprise_id, charlie.enterprise_id, 999999):
            with pytest.raises(DomainError) as error:
                certificates.certificate_transfer(certificate=certificate, by=shop_a, receiver_id=receiver)
            assert error.value.field == "receiver"
        assert fresh(certificate).status == Certificate.Status.HELD


class TestRedemption:
    def test_the_issuer_pays_each_holder_and_the_payable_is_paid_with_the_last(self, certificate, shop_a, steel,
                                                                                alice):
        transfer = certificates.certificate_transfer(certificate=certificate, by=shop_a,
                                                     receiver_id=steel.enterprise_id, amount="5000")
        certificates.certificate_transfer_accept(transfer=transfer, by=steel)
        with brain_context(certificate.brain_id):
            live = list(Certificate.objects.filter(status="held").order_by("pk"))
        with pytest.raises(NotAllowed):
            certificates.certificate_redeem(certificate=live[0], by=shop_a)
        certificates.certificate_redeem(certificate=live[0], by=alice)
        assert fresh(certificate.payable).status == Payable.Status.CERTIFIED
        certificates.certificate_redeem(certificate=live[1], by=alice)
        assert fresh(certificate.payable).status == Payable.Status.PAID
        with brain_context(certificate.brain_id):
            books = balances(brain_id=certificate.brain_id, book=BOOK)
        assert books[("cash", steel.enterprise_id)] == D("5000.00")
        assert books[("cash", shop_a.enterprise_id)] == D("14200.00")
        assert books[("cash", alice.enterprise_id)] == D("-19200.00")
        assert all(v == 0 for (kind, _e), v in books.items() if kind in ("certificate", "payable", "receivable"))
