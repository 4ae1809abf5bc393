"""A property of the whole of it: any sequence of issues, splits, transfers, early payments at a discount, bank
financings and payments conserves face value and keeps the books whole — claims held (receivables and
certificates) add up to what is owed, money only moves between members, a financed claim is paid early once and
its bank's line carries exactly what the buyer has not yet paid it. Refusals are part of the game: a refused step
must change nothing of the invariants either."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.models import Certificate, CreditLine, EarlyPayment, Payable
from finance.services import certificates, discounting, financing, payables
from finance.tests.claims import book, claims_match_debts, days, owed
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Brain, User

ACTIONS = ("issue", "split", "transfer", "discount", "finance", "pay")
steps = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 50), st.integers(1, 99)), min_size=1,
                 max_size=12)


class Rollback(Exception):
    """Undo an example's writes, so the next starts from the same brain."""


def live(brain_id):
    with brain_context(brain_id):
        return (list(Payable.objects.in_brain(brain_id).order_by("pk")),
                list(Certificate.objects.in_brain(brain_id).exclude(status="split").order_by("pk")))


def pick(rows, index):
    return rows[index % len(rows)] if rows else None


def act(step, *, brain, people, bank, programme):
    """One step on the index-th claim it fits; a DomainError is a refusal, which the caller lets pass."""
    kind, index, share = step
    payables_, certificates_ = live(brain.pk)
    user_of = {user.enterprise_id: user for user in people}
    if kind == "issue" and (payable := pick([p for p in payables_ if p.status == "confirmed"], index)):
        certificates.certificate_issue(payable=payable, by=user_of[payable.creditor_id])
    elif kind == "split" and (certificate := pick(certificates_, index)) and certificate.holder_id in user_of:
        part = (certificate.amount * share / 100).quantize(D("0.01"))
        certificates.certificate_split(certificate=certificate, by=user_of[certificate.holder_id],
                                       amounts=[part, certificate.amount - part])
    elif kind == "transfer" and (certificate := pick(certificates_, index)) and certificate.holder_id in user_of:
        receiver = pick([u for u in people[1:] if u.enterprise_id != certificate.holder_id], share)
        transfer = certificates.certificate_transfer(certificate=certificate, by=user_of[certificate.holder_id],
                                                     receiver_id=receiver.enterprise_id)
        if share % 3:  # most are accepted, some wait
            certificates.certificate_transfer_accept(transfer=transfer, by=receiver)
    elif kind in ("discount", "finance"):
        claims = [p for p in payables_ if p.status == "confirmed"] + certificates_
        claim = pick(claims, index)
        if claim is None:
            return
        holder = user_of.get(claim.holder_id if isinstance(claim, Certificate) else claim.creditor_id)
        named = {"certificate" if isinstance(claim, Certificate) else "payable": claim}
        if holder is None:
            return
        if kind == "discount":  # at the posted rate: paid at once while cash lasts
            discounting.discount_offer_make(programme=programme, by=holder, apr="20", **named)
        else:
            request = financing.financing_request_make(brain=brain, by=holder, **named)
            quote = financing.financing_quote_make(request=request, by=bank, apr=str(share % 9 + 3), fee="1.00",
                                                   valid_until=timezone.now() + timedelta(hours=1))
            financing.financing_quote_accept(quote=quote, by=holder)
    elif kind == "pay":
        debtor = people[0]
        if index % 2 and (payable := pick([p for p in payables_ if p.status in ("confirmed", "financed")], share)):
            payables.payable_pay(payable=payable, by=debtor)
        elif certificate := pick([c for c in certificates_ if c.status == "held"], share):
            certificates.certificate_redeem(certificate=certificate, by=debtor)


def check(brain):
    assert claims_match_debts(brain.pk)
    assert sum(v for (kind, _e), v in book(brain.pk).items() if kind == "cash") == 0  # money moves between members
    with brain_context(brain.pk):
        for payable in Payable.objects.in_brain(brain).filter(certificates__isnull=False).distinct():
            leaves = Certificate.objects.in_brain(brain).filter(payable=payable).exclude(status="split")
            assert leaves.aggregate(total=Sum("amount"))["total"] == payable.amount  # face conserved
        once = EarlyPayment.objects.in_brain(brain).values("payable", "certificate").annotate(n=Count("pk"))
        assert all(row["n"] == 1 for row in once)
        for line in CreditLine.objects.in_brain(brain):
            waiting = EarlyPayment.objects.in_brain(brain).filter(
                kind="bank", payer_id=line.bank_id, debtor_id=line.buyer_id, settled_on__isnull=True)
            assert line.used == (waiting.aggregate(total=Sum("face"))["total"] or 0) <= line.limit


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=steps)
@pytest.mark.django_db
def test_any_sequence_conserves_face_value_and_keeps_the_books(steps, alice, shop_a, shop_b, steel, taolong):
    brain = Brain.objects.get(slug="mould")
    people = [alice, shop_a, shop_b, steel]
    try:
        with transaction.atomic():
            for amount, creditor, due_in in (("19200.00", shop_a, 60), ("7300.55", shop_b, 30),
                                             ("100000.00", shop_a, 90)):
                owed(alice, creditor, amount, due_in=due_in)
            financing.credit_line_open(brain=brain, by=taolong, buyer_id=alice.enterprise_id, limit="120000.00",
                                       expires_on=days(365))
            programme = discounting.discount_programme_open(
                brain=brain, by=alice, cash_available="60000.00", ends_on=days(30),
                cutoff_time=timezone.localtime().time(), hurdle_apr="5", posted_apr="20")
            for step in steps:
                try:
                    with transaction.atomic():
                        act(step, brain=brain, people=people, bank=User.objects.get(pk=taolong.pk),
                            programme=programme)
                except DomainError:
                    pass
                check(brain)
            raise Rollback
    except Rollback:
        pass
