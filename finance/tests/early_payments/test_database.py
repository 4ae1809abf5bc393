"""The database keeps a claim paid early at most once and whole, with real commits and without the services: no
child under a financed certificate, no early payment of a split certificate, no certificate on a payable paid
early, no early payment of a payable issued as a certificate, whichever of two writers commits first."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import Certificate, EarlyPayment, Payable
from finance.services import certificates
from finance.tests.claims import certified, days, owed
from finance.tests.early_payments.test_services import pay_early
from tenants.context import brain_context
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


def child(certificate, amount, suffix):
    """A part of `certificate` inserted as a script would, skipping the services."""
    with transaction.atomic(), brain_context(certificate.brain_id):
        return Certificate.objects.create(
            brain_id=certificate.brain_id, number=f"{certificate.number}-{suffix}", payable_id=certificate.payable_id,
            parent_id=certificate.pk, depth=1, issuer_id=certificate.issuer_id, holder_id=certificate.holder_id,
            amount=D(amount), matures_on=certificate.matures_on)


def split_raw(certificate):
    with transaction.atomic():
        child(certificate, certificate.amount - D("100.00"), "a")
        child(certificate, "100.00", "b")


def issue_raw(payable):
    with transaction.atomic(), brain_context(payable.brain_id):
        return Certificate.objects.create(brain_id=payable.brain_id, number=f"RAW-{payable.pk}", payable=payable,
                                          issuer_id=payable.debtor_id, holder_id=payable.creditor_id,
                                          amount=payable.amount, matures_on=payable.due_on)


def early_raw(*, payable=None, certificate=None, payer):
    """An early payment inserted as a script would: the claim's state is left as it was."""
    claim = certificate or payable
    face = claim.amount
    with transaction.atomic(), brain_context(claim.brain_id):
        return EarlyPayment.objects.create(
            brain_id=claim.brain_id, number=f"RAW-EP-{claim.pk}", kind="bank", payable=payable,
            certificate=certificate, debtor_id=(certificate.issuer_id if certificate else payable.debtor_id),
            supplier_id=(certificate.holder_id if certificate else payable.creditor_id), payer_id=payer.enterprise_id,
            face=face, discount=D("100.00"), fee=D("0.00"), amount=face - D("100.00"), apr=D(8), days_early=30,
            paid_on=timezone.localdate(), matures_on=days(30))


def test_a_financed_certificate_gets_no_child(alice, shop_a, taolong):
    certificate = certified(alice, shop_a, "19200.00")
    pay_early(certificate, kind="bank", payer=taolong)
    with pytest.raises(IntegrityError, match="never split"):
        split_raw(certificate)
    with brain_context(certificate.brain_id):
        assert not Certificate.objects.filter(parent_id=certificate.pk).exists()


def test_a_split_certificate_is_not_paid_early(alice, shop_a, taolong):
    certificate = certified(alice, shop_a, "19200.00")
    certificates.certificate_split(certificate=certificate, by=shop_a, amounts=["9600", "9600"])
    with pytest.raises(IntegrityError, match="never split is paid early"):
        early_raw(certificate=certificate, payer=taolong)


def test_a_payable_paid_early_is_never_issued_as_a_certificate(alice, shop_a, taolong):
    payable = owed(alice, shop_a)
    pay_early(payable, kind="bank", payer=taolong)
    with brain_context(payable.brain_id):  # even if its status were put back by hand
        Payable.objects.filter(pk=payable.pk).update(status="confirmed")
    with pytest.raises(IntegrityError, match="never issued as a certificate"):
        issue_raw(payable)


def test_a_payable_issued_as_a_certificate_is_not_paid_early(alice, shop_a, taolong):
    certificate = certified(alice, shop_a)
    with brain_context(certificate.brain_id):
        Payable.objects.filter(pk=certificate.payable_id).update(status="confirmed")
    with pytest.raises(IntegrityError, match="never issued as a certificate is paid early"):
        early_raw(payable=certificate.payable, payer=taolong)


def test_a_split_and_a_financing_of_one_certificate_at_once_one_commits(alice, shop_a, taolong):
    certificate = certified(alice, shop_a, "19200.00")
    results = race(lambda: split_raw(certificate), lambda: early_raw(certificate=certificate, payer=taolong))
    errors = [result for result in results if isinstance(result, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError), results
    with brain_context(certificate.brain_id):
        split = Certificate.objects.filter(parent_id=certificate.pk).exists()
        financed = EarlyPayment.objects.filter(certificate_id=certificate.pk).exists()
    assert split != financed


def test_an_issue_and_an_early_payment_of_one_payable_at_once_one_commits(alice, shop_a, taolong):
    payable = owed(alice, shop_a)
    results = race(lambda: issue_raw(payable), lambda: early_raw(payable=payable, payer=taolong))
    errors = [result for result in results if isinstance(result, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError), results
    with brain_context(payable.brain_id):
        assert Certificate.objects.filter(payable_id=payable.pk).exists() != \
            EarlyPayment.objects.filter(payable_id=payable.pk).exists()
