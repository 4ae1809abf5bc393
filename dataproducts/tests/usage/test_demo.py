"""The usage demo: on the demo's paid subscription, last month billed by an issued statement, this month's reads
not billed yet; a second load changes nothing."""

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from dataproducts.demo import usage_demo
from dataproducts.models import UsageRecord, UsageStatement
from ledger.services.journal import balances
from tenants.context import brain_context


def snapshot(brain):
    with brain_context(brain.pk):
        return (list(UsageRecord.objects.order_by("pk").values()), list(UsageStatement.objects.values()),
                balances(brain_id=brain.pk, book="dataproducts"))


def test_the_demo_bills_last_month_once(subscription, mould, olga, alice_ent):
    usage_demo(brain=mould, users={"operator": olga})
    first = snapshot(mould)
    last_month = timezone.localdate().replace(day=1) - relativedelta(months=1)
    with brain_context(mould.pk):
        statement = UsageStatement.objects.get()
        billed = UsageRecord.objects.filter(statement=statement)
        assert statement.month == last_month and statement.enterprise_id == alice_ent.pk
        assert billed.filter(kind="period").count() == 1 and billed.filter(kind="call").count() == 12
        # 300.00 a month + 12 calls (0.60, and 285 rows at 0.01: 2.85) + a download of 240 rows (2.40)
        assert statement.total == Decimal("305.85")
        assert UsageRecord.objects.filter(statement__isnull=True, kind="period").count() == 1  # this month's
    assert first[2][("receivable", alice_ent.pk)] == statement.total
    usage_demo(brain=mould, users={"operator": olga})
    assert snapshot(mould) == first


def test_without_a_paid_subscription_the_demo_does_nothing(mould, olga):
    usage_demo(brain=mould, users={"operator": olga})
    assert snapshot(mould) == ([], [], {})
