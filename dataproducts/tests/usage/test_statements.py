"""Monthly statements: fen-exact lines and VAT per line, posted once to the journal, nothing billed twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Sum
from django.utils import timezone

from dataproducts.models import UsageRecord, UsageStatement
from dataproducts.services.usage import (
    month_bounds,
    usage_record,
    usage_statement_issue,
    usage_statements_issue_due,
    usage_statements_issue_month,
)
from ledger.services.journal import balances
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent
from tests.support import race

THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = THIS_MONTH - relativedelta(months=1)
TWO_AGO = THIS_MONTH - relativedelta(months=2)


def on(month, day=10):
    return month_bounds(month)[1] + timedelta(days=day - 1, hours=9)


def use(subscription=None, installation=None, *, kind="call", key, rows=0, at=None):
    return usage_record(subscription=subscription, installation=installation, kind=kind, idempotency_key=key,
                        rows=rows, at=at or on(LAST_MONTH))[0]


@pytest.fixture
def last_months_usage(subscription, installation):
    """alice's last month: a period (300.00), three calls of one row (0.06 each), a download of 3 rows (0.03 = ¥0.01
    × 3) and an app installed (99.00): 399.21 in all."""
    use(subscription, kind="period", key="p")
    for n in range(3):
        use(subscription, key=f"c{n}", rows=1)
    use(subscription, kind="download", key="d", rows=3)
    use(installation=installation, kind="install", key="i")


def statements(brain):
    with brain_context(brain.pk):
        return list(UsageStatement.objects.order_by("month", "enterprise_id"))


def test_lines_total_and_vat_per_line_to_the_fen(last_months_usage, mould, alice_ent, olga, subscription,
                                                 installation):
    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    assert statement.month == LAST_MONTH and statement.issued_by == olga
    assert statement.total == Decimal("399.21")
    # VAT per line: 300.21 → net 283.22, VAT 16.99; 99.00 → net 93.40, VAT 5.60. (On the whole 399.21 it would be
    # 22.60: the level matters, and it is the line's, as on a VAT invoice.)
    assert statement.vat == Decimal("22.59")
    with brain_context(mould.pk):
        lines = {(line.subscription_id, line.installation_id): line for line in statement.lines.all()}
        assert UsageRecord.objects.filter(statement=statement).count() == 6
    sub_line, app_line = lines[subscription.pk, None], lines[None, installation.pk]
    assert (sub_line.amount, sub_line.calls, sub_line.downloads, sub_line.rows, sub_line.periods) == (
        Decimal("300.21"), 3, 1, 6, 1)
    assert app_line.amount == Decimal("99.00")


def test_the_charge_is_posted_once_and_balances(last_months_usage, mould, alice_ent, olga):
    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    with brain_context(mould.pk):
        books = balances(brain_id=mould.pk, book="dataproducts")
    assert books == {("receivable", alice_ent.pk): Decimal("399.21"), ("revenue", None): Decimal("-376.62"),
                     ("output_vat", None): Decimal("-22.59")}
    assert sum(books.values()) == 0 and statement.entry_id is not None


def test_reissue_is_refused_and_changes_nothing(last_months_usage, mould, alice_ent, olga):
    usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    with pytest.raises(DomainError) as error:
        usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    assert error.value.code == "already_issued"
    assert len(statements(mould)) == 1
    with brain_context(mould.pk):
        assert balances(brain_id=mould.pk, book="dataproducts")[("receivable", alice_ent.pk)] == Decimal("399.21")


def test_records_after_issue_go_to_the_next_statement(subscription, mould, alice_ent, olga):
    use(subscription, key="early", rows=1, at=on(TWO_AGO))
    first = usage_statement_issue(brain=mould, enterprise=alice_ent, month=TWO_AGO, by=olga)
    use(subscription, key="late", rows=2, at=on(TWO_AGO, 20))  # came in after the statement, dated in its month
    use(subscription, key="next", rows=0, at=on(LAST_MONTH))
    second = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    assert (first.total, second.total) == (Decimal("0.06"), Decimal("0.12"))  # 0.07 late + 0.05
    use(subscription, key="now", rows=0, at=timezone.now())  # this month: billed with this month's statement
    with brain_context(mould.pk):
        assert UsageRecord.objects.filter(statement__isnull=True).count() == 1


def test_a_month_not_over_is_refused(subscription, mould, alice_ent, olga):
    use(subscription, key="now", at=timezone.now())
    with pytest.raises(DomainError) as error:
        usage_statement_issue(brain=mould, enterprise=alice_ent, month=THIS_MONTH, by=olga)
    assert error.value.code == "month_not_over" and statements(mould) == []


def test_free_reads_are_never_billed(free_subscription, mould, alice_ent, olga):
    use(free_subscription, key="free", rows=500)
    with pytest.raises(DomainError) as error:
        usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    assert error.value.code == "nothing_to_bill" and statements(mould) == []
    assert usage_statements_issue_month(brain=mould, month=LAST_MONTH) == []


def test_only_operators_issue(last_months_usage, mould, alice_ent, alice):
    with pytest.raises(NotAllowed):
        usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=alice)
    assert statements(mould) == []


def test_the_issue_is_announced(last_months_usage, mould, alice_ent, olga):
    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    with brain_context(mould.pk):
        event = OutboxEvent.objects.get(name="usage_statement.issued")
    assert event.payload == {"usage_statement": statement.pk, "enterprise": alice_ent.pk,
                             "month": LAST_MONTH.isoformat(), "total": "399.21", "vat": "22.59"}


def test_the_monthly_beat_issues_every_subscriber_once(last_months_usage, product, mould, alice_ent, dora_ent, pump,
                                                       charlie_ent):
    from dataproducts.tests.usage.conftest import make_product, subscribe

    use(subscribe(product, dora_ent), key="dora", rows=4)  # 0.09
    use(subscribe(make_product(pump, "pump-index", price_per_call=Decimal("1.00")), charlie_ent), key="c")
    assert usage_statements_issue_due() == 3
    assert usage_statements_issue_due() == 0
    assert {s.enterprise_id: s.total for s in statements(mould)} == {alice_ent.pk: Decimal("399.21"),
                                                                     dora_ent.pk: Decimal("0.09")}
    assert [s.total for s in statements(pump)] == [Decimal("1.00")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_bill_every_record_once(subscription, mould, alice_ent, olga):
    use(subscription, key="a", rows=1, at=on(TWO_AGO))
    use(subscription, key="b", rows=2, at=on(LAST_MONTH))
    results = race(*[lambda: usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
                     for _ in range(3)],
                   lambda: usage_statement_issue(brain=mould, enterprise=alice_ent, month=TWO_AGO, by=olga))
    issued = [r for r in results if isinstance(r, UsageStatement)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(issued) + len(refused) == 4 and len(issued) in (1, 2), results
    assert {error.code for error in refused} <= {"already_issued", "nothing_to_bill"}, results
    assert sum(1 for r in results[:3] if isinstance(r, DomainError) and r.code == "already_issued") == 2, results
    with brain_context(mould.pk):
        assert UsageStatement.objects.filter(month=LAST_MONTH).count() == 1
        assert UsageRecord.objects.filter(statement__isnull=True).count() == 0
        billed = UsageStatement.objects.aggregate(total=Sum("total"))["total"]
        assert billed == Decimal("0.13")  # 0.06 + 0.07: each record once, whichever statement took it
        assert balances(brain_id=mould.pk, book="dataproducts")[("receivable", alice_ent.pk)] == billed


def test_only_the_subscriber_hears_of_its_statement_by_webhook(last_months_usage, mould, alice_ent, dora_ent, olga):
    from tenants.webhooks import EVENT_TYPES

    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    with brain_context(mould.pk):
        event = OutboxEvent.objects.get(name="usage_statement.issued")
        heard = EVENT_TYPES["usage_statement.issued"].audience(event, {alice_ent.pk, dora_ent.pk})
    assert set(heard) == {alice_ent.pk} and heard[alice_ent.pk]["usage_statement"] == statement.pk
