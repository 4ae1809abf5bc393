"""The usage pages: a subscriber's month to date and statements, the operators' issue form and a statement's lines."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from dataproducts.models import UsageStatement
from dataproducts.services.usage import month_bounds, usage_record
from dataproducts.tests.usage.conftest import subscribe
from tenants.context import brain_context

LAST_MONTH = timezone.localdate().replace(day=1) - relativedelta(months=1)


def client_of(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(name="usage", *args):
    return reverse(f"dataproducts:{name}", args=["mould", *args])


def test_a_subscriber_sees_its_month_to_date_by_product(subscription, product, dora_ent, alice):
    usage_record(subscription=subscription, kind="call", idempotency_key="a", rows=3)  # 0.08
    usage_record(subscription=subscription, kind="download", idempotency_key="b", rows=100)  # 1.00
    usage_record(subscription=subscribe(product, dora_ent), kind="download", idempotency_key="x", rows=5000)
    response = client_of(alice).get(page())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="mtd-total">¥1.08<' in html and "模具价格指数" in html
    assert "¥50.00" not in html and 'data-testid="issue"' not in html  # dora's, and the operators' form


def test_an_operator_issues_last_months_statements_from_the_page(subscription, olga, mould, alice):
    usage_record(subscription=subscription, kind="call", idempotency_key="a", rows=3,
                 at=month_bounds(LAST_MONTH)[1] + timedelta(days=2))
    client = client_of(olga)
    assert 'data-testid="issue"' in client.get(page()).content.decode()
    response = client.post(page(), {"month": LAST_MONTH.strftime("%Y-%m")}, follow=True)
    assert response.status_code == 200 and "1 " in response.content.decode()
    with brain_context(mould.pk):
        statement = UsageStatement.objects.get()
    detail = client_of(alice).get(page("usage-statement", statement.pk)).content.decode()
    assert 'data-testid="statement-total"><strong>¥0.08<' in detail and "模具价格指数" in detail


def test_a_member_cannot_issue_and_bad_months_are_refused(subscription, alice, olga, mould):
    assert client_of(alice).post(page(), {"month": LAST_MONTH.strftime("%Y-%m")}).status_code == 403
    assert client_of(olga).post(page(), {"month": "not a month"}).status_code == 400
    not_over = client_of(olga).post(page(), {"month": timezone.localdate().strftime("%Y-%m")})
    assert not_over.status_code == 400
    with brain_context(mould.pk):
        assert not UsageStatement.objects.exists()


def test_another_subscribers_statement_is_not_found(subscription, olga, mould, alice_ent, dora):
    from dataproducts.services.usage import usage_statement_issue

    usage_record(subscription=subscription, kind="call", idempotency_key="a",
                 at=month_bounds(LAST_MONTH)[1] + timedelta(days=2))
    statement = usage_statement_issue(brain=mould, enterprise=alice_ent, month=LAST_MONTH, by=olga)
    assert client_of(dora).get(page("usage-statement", statement.pk)).status_code == 404
