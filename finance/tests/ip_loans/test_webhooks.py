"""IP-loan events as webhooks and in-app notifications: each reaches the applicant and the bank it applied to, and
nobody else; the six the issue names are in the catalogue."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import api_as, make_user
from finance import tasks
from finance.models import IpLoanInstalment
from finance.services import ip_loans
from finance.tests.ip_loans.conftest import instalments
from tenants.context import brain_context
from tenants.models import Notification, OutboxEvent, WebhookDelivery
from tenants.webhooks import webhook_endpoint_create, webhooks_fan_out

NAMED = {"ip_loan.submitted", "ip_loan.documents_requested", "ip_loan.approved", "ip_loan.declined",
         "ip_loan.repayment_due", "ip_loan.repaid"}


def subscribe(brain, admin):
    return webhook_endpoint_create(brain=brain, by=admin, url=f"https://erp-{admin.username}.example.com/hooks",
                                   event_types=["*"])


def fan_out(brain):
    with brain_context(brain.pk):
        ids = list(OutboxEvent.objects.filter(name__startswith="ip_loan.").order_by("pk").values_list("pk", flat=True))
    for event_id in ids:
        webhooks_fan_out(brain_id=brain.pk, event_id=event_id)
    with brain_context(brain.pk):
        return list(WebhookDelivery.objects.order_by("pk").values_list("endpoint__enterprise__legal_name",
                                                                       "event_type", "body"))


def test_the_ip_loan_event_types_are_in_the_catalogue(kaihua):
    types = {t["name"] for t in api_as(kaihua).get(reverse("webhook-event-types")).json()}
    assert NAMED <= types


def test_each_event_reaches_the_applicant_and_its_bank_only(active, kaihua, bank, other_bank, alice, mould):
    bank_admin = make_user("tailong-erp", enterprise=bank.enterprise)
    for admin in (kaihua, bank_admin, other_bank, alice):
        subscribe(mould, admin)
    ip_loans.ip_loan_reminders_send(today=instalments(active)[0].due_on - timedelta(days=7))
    delivered = fan_out(mould)
    told = {(name, kind) for name, kind, _body in delivered}
    for kind in ("ip_loan.submitted", "ip_loan.approved", "ip_loan.disbursed", "ip_loan.repayment_due"):
        assert told >= {("浙江黄岩凯华模具有限公司", kind), ("浙江泰隆商业银行台州分行", kind)}, kind
    assert {name for name, _kind, _body in delivered} == {"浙江黄岩凯华模具有限公司", "浙江泰隆商业银行台州分行"}
    due = next(json.loads(body) for _name, kind, body in delivered if kind == "ip_loan.repayment_due")
    assert due["data"]["ip_loan"] == active.pk and due["data"]["days_before"] == 7
    assert due["data"]["amount"] == str(instalments(active)[0].amount)


def test_the_daily_beat_reminds_once_and_the_borrower_is_told_in_the_app(active, kaihua, mould):
    """The Celery tasks themselves, run as the worker would: beat's reminder run, then the event's notifications."""
    with brain_context(mould.pk):
        IpLoanInstalment.objects.filter(application=active, sequence=1).update(
            due_on=timezone.localdate() + timedelta(days=3))
    assert tasks.send_ip_loan_reminders() == 1
    assert tasks.send_ip_loan_reminders() == 0  # the same day again: nothing twice
    with brain_context(mould.pk):
        event = OutboxEvent.objects.get(name="ip_loan.repayment_due")
    assert tasks.notify_ip_loan_event(mould.pk, event.pk) == 1
    assert tasks.notify_ip_loan_event(mould.pk, event.pk) == 1  # redelivered: the same notification
    with brain_context(mould.pk):
        [told] = Notification.objects.filter(kind="ip_loan.repayment_due")
    assert told.user_id == kaihua.pk and told.link.endswith(f"/finance/ip-loans/{active.pk}/")
