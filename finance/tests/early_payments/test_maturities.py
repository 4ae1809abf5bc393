"""Maturity reminders: 7, 3 and 1 days before a claim is due and on the day, payment.due to its debtor and its
payee (the bank, for a financed claim), once per claim and day however often beat runs."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import MaturityReminder
from finance.services import maturities
from finance.tests.claims import certified, owed
from finance.tests.early_payments.test_services import pay_early
from tenants.context import brain_context
from tenants.models import OutboxEvent
from tenants.webhooks import EVENT_TYPES


def reminders(brain_id):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name="payment.due").order_by("pk"))


def test_each_claim_is_reminded_once_per_reminder_day_to_whom_it_concerns(alice, shop_a, shop_b, taolong):
    financed = owed(alice, shop_a, due_in=7)
    pay_early(financed, kind="bank", payer=taolong)
    certificate = certified(alice, shop_b, due_in=3)
    owed(alice, shop_b, due_in=5)  # no reminder day
    assert maturities.maturity_reminders_send() == 2
    assert maturities.maturity_reminders_send() == 0
    sent = {("payable", e.payload["payable"]) if "payable" in e.payload else ("certificate", e.payload["certificate"]):
            e.payload for e in reminders(financed.brain_id)}
    assert sent[("payable", financed.pk)]["payee"] == taolong.enterprise_id
    assert sent[("payable", financed.pk)]["days_before"] == 7
    assert sent[("certificate", certificate.pk)]["payee"] == shop_b.enterprise_id
    assert sent[("certificate", certificate.pk)]["days_before"] == 3
    later = timezone.localdate() + timedelta(days=4)  # the payable is 3 days off then, the certificate due
    assert maturities.maturity_reminders_send(today=later) == 2


def test_the_audience_is_the_debtor_and_the_payee(alice, shop_a, shop_b, taolong):
    payable = owed(alice, shop_a, due_in=1)
    pay_early(payable, kind="bank", payer=taolong)
    maturities.maturity_reminders_send()
    [event] = reminders(payable.brain_id)
    heard = EVENT_TYPES["payment.due"].audience(event, {alice.enterprise_id, shop_a.enterprise_id,
                                                        shop_b.enterprise_id, taolong.enterprise_id})
    assert set(heard) == {alice.enterprise_id, taolong.enterprise_id}


def test_the_database_keeps_one_reminder_per_claim_and_day(alice, shop_a):
    payable = owed(alice, shop_a, due_in=3)
    maturities.maturity_reminders_send()
    with brain_context(payable.brain_id), pytest.raises(IntegrityError), transaction.atomic():
        MaturityReminder.objects.create(brain_id=payable.brain_id, payable=payable, days_before=3,
                                        due_on=payable.due_on)
