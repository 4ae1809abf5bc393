"""The usage API: who sees which records and statements, a statement's lines, the operators' issue action."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from conftest import api_as, make_user
from dataproducts.models import UsageStatement
from dataproducts.services.usage import month_bounds, usage_record, usage_statement_issue
from dataproducts.tests.usage.conftest import subscribe
from tenants.context import brain_context
from tenants.models import BrainStaff
from tests.support import ids, url

LAST_MONTH = timezone.localdate().replace(day=1) - relativedelta(months=1)
AT = month_bounds(LAST_MONTH)[1] + timedelta(days=4)


@pytest.fixture
def usage(subscription, product, dora_ent):
    """alice: a call of 3 rows (0.08) and a download of 10 rows (0.10) last month; dora: a call (0.05)."""
    mine = [usage_record(subscription=subscription, kind="call", idempotency_key="c", rows=3, at=AT)[0],
            usage_record(subscription=subscription, kind="download", idempotency_key="d", rows=10, at=AT)[0]]
    theirs = usage_record(subscription=subscribe(product, dora_ent), kind="call", idempotency_key="c", at=AT)[0]
    return mine, theirs


def test_a_subscriber_lists_its_own_records_only(usage, alice):
    mine, theirs = usage
    response = api_as(alice).get(url("usage-record-list"))
    assert set(ids(response)) == {r.pk for r in mine}
    row = next(r for r in response.json()["results"] if r["kind"] == "download")
    assert (row["amount"], row["rows"], row["statement"]) == ("0.10", 10, None)
    assert api_as(alice).get(url("usage-record-detail", theirs.pk)).status_code == 404


def test_operators_list_every_record_and_filter(usage, olga, product):
    mine, theirs = usage
    client = api_as(olga)
    assert set(ids(client.get(url("usage-record-list")))) == {r.pk for r in [*mine, theirs]}
    assert ids(client.get(url("usage-record-list", kind="download"))) == [mine[1].pk]
    assert set(ids(client.get(url("usage-record-list", enterprise=theirs.enterprise_id)))) == {theirs.pk}
    assert set(ids(client.get(url("usage-record-list", product=product.pk, billed="false")))) == {
        r.pk for r in [*mine, theirs]}


def test_a_government_viewer_sees_no_usage_and_a_stranger_no_brain(usage, mould, olga, charlie):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    usage_statement_issue(brain=mould, enterprise=usage[0][0].enterprise, month=LAST_MONTH, by=olga)
    assert ids(api_as(viewer).get(url("usage-record-list"))) == []
    assert ids(api_as(viewer).get(url("usage-statement-list"))) == []
    assert api_as(charlie).get(url("usage-record-list")).status_code == 404  # not of this brain at all


def test_operators_issue_a_month_once_with_an_idempotency_key(usage, olga, alice_ent, dora_ent, mould):
    client = api_as(olga)
    body = {"month": LAST_MONTH.strftime("%Y-%m")}
    first = client.post(url("usage-statement-issue"), body, format="json", HTTP_IDEMPOTENCY_KEY="issue-1")
    assert first.status_code == 201, first.content
    assert {(s["enterprise"]["id"], s["total"], s["vat"]) for s in first.json()} == {
        (alice_ent.pk, "0.18", "0.01"), (dora_ent.pk, "0.05", "0.00")}
    again = client.post(url("usage-statement-issue"), body, format="json", HTTP_IDEMPOTENCY_KEY="issue-1")
    assert (again.status_code, again.json()) == (201, first.json())
    fresh = client.post(url("usage-statement-issue"), body, format="json", HTTP_IDEMPOTENCY_KEY="issue-2")
    assert (fresh.status_code, fresh.json()) == (201, [])  # everyone issued already: nothing more
    with brain_context(mould.pk):
        assert UsageStatement.objects.count() == 2


def test_issuing_one_subscriber_and_refusals(usage, olga, alice_ent, mould):
    client = api_as(olga)
    month = LAST_MONTH.strftime("%Y-%m")
    made = client.post(url("usage-statement-issue"), {"month": month, "enterprise": alice_ent.pk}, format="json")
    assert made.status_code == 201 and [s["total"] for s in made.json()] == ["0.18"]
    again = client.post(url("usage-statement-issue"), {"month": month, "enterprise": alice_ent.pk}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_issued"
    not_over = client.post(url("usage-statement-issue"), {"month": timezone.localdate().strftime("%Y-%m")},
                           format="json")
    assert not_over.status_code == 400 and not_over.json()["code"] == "month_not_over"
    bad = client.post(url("usage-statement-issue"), {"month": "2026-13"}, format="json")
    assert bad.status_code == 400 and "month" in str(bad.json())
    with brain_context(mould.pk):
        assert UsageStatement.objects.count() == 1


def test_a_member_may_not_issue(usage, alice, mould):
    response = api_as(alice).post(url("usage-statement-issue"), {"month": LAST_MONTH.strftime("%Y-%m")},
                                  format="json")
    assert response.status_code == 403
    with brain_context(mould.pk):
        assert UsageStatement.objects.count() == 0


def test_a_statement_in_detail_has_its_lines_and_vat(usage, alice, alice_ent, olga, mould, dora):
    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    response = api_as(alice).get(url("usage-statement-detail", statement.pk))
    assert response.status_code == 200
    data = response.json()
    assert (data["total"], data["vat"], data["month"], data["line_count"]) == ("0.18", "0.01",
                                                                               LAST_MONTH.isoformat(), 1)
    [line] = data["lines"]
    assert (line["calls"], line["downloads"], line["rows"], line["amount"], line["vat"], line["net"]) == (
        1, 1, 13, "0.18", "0.01", "0.17")
    assert ids(api_as(alice).get(url("usage-statement-list"))) == [statement.pk]
    assert api_as(dora).get(url("usage-statement-detail", statement.pk)).status_code == 404
    assert ids(api_as(dora).get(url("usage-statement-list"))) == []
    records = api_as(alice).get(url("usage-record-list", statement=statement.pk))
    assert len(ids(records)) == 2 and Decimal(data["total"]) == Decimal("0.18")
