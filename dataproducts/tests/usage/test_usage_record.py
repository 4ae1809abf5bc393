"""usage_record: prices from the subscription's snapshot, fen-exact, counted once per key under retries and races."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from dataproducts.models import UsageRecord
from dataproducts.services.usage import usage_record
from dataproducts.tests.usage.conftest import fresh
from tenants.context import brain_context
from tenants.errors import DomainError
from tests.support import race


def records(brain):
    with brain_context(brain.pk):
        return list(UsageRecord.objects.order_by("id"))


def test_a_call_costs_the_call_price_and_its_rows(subscription):
    record, created = usage_record(subscription=subscription, kind="call", idempotency_key="k1", rows=3)
    assert created and record.amount == Decimal("0.08")  # 0.05 + 3 × 0.01
    assert record.enterprise_id == subscription.enterprise_id and record.brain_id == subscription.brain_id


def test_a_download_costs_its_rows_and_a_period_the_subscription_price(subscription):
    download, _ = usage_record(subscription=subscription, kind="download", idempotency_key="d", rows=1234)
    period, _ = usage_record(subscription=subscription, kind="period", idempotency_key="p")
    assert (download.amount, period.amount) == (Decimal("12.34"), Decimal("300.00"))


def test_the_snapshot_prices_not_the_products_current_ones(subscription, product, in_brain):
    with in_brain(product.brain):
        type(product).objects.filter(pk=product.pk).update(price_per_call=Decimal("9.99"))
    record, _ = usage_record(subscription=fresh(subscription), kind="call", idempotency_key="k")
    assert record.amount == Decimal("0.05")


def test_an_unpriced_read_is_recorded_at_zero(free_subscription):
    record, created = usage_record(subscription=free_subscription, kind="call", idempotency_key="k", rows=50)
    assert created and record.amount == Decimal("0.00")


def test_an_installation_costs_the_listings_install_price(installation):
    record, created = usage_record(installation=installation, kind="install", idempotency_key="install:1")
    assert created and record.amount == Decimal("99.00") and record.subscription_id is None


def test_a_retry_with_the_same_key_returns_the_first_record(subscription, mould):
    first, created = usage_record(subscription=subscription, kind="call", idempotency_key="k", rows=2)
    again, created_again = usage_record(subscription=subscription, kind="call", idempotency_key="k", rows=2)
    assert created and not created_again and again.pk == first.pk
    assert len(records(mould)) == 1


def test_the_same_key_with_another_payload_is_refused(subscription, mould):
    usage_record(subscription=subscription, kind="call", idempotency_key="k", rows=2)
    with pytest.raises(DomainError) as error:
        usage_record(subscription=subscription, kind="call", idempotency_key="k", rows=3)
    assert error.value.code == "idempotency_key_reused" and error.value.field == "idempotency_key"
    with pytest.raises(DomainError):
        usage_record(subscription=subscription, kind="download", idempotency_key="k", rows=2)
    assert [r.rows for r in records(mould)] == [2]


def test_keys_are_per_subscription(subscription, free_subscription, mould):
    usage_record(subscription=subscription, kind="call", idempotency_key="k")
    _, created = usage_record(subscription=free_subscription, kind="call", idempotency_key="k")
    assert created and len(records(mould)) == 2


@pytest.mark.parametrize("kwargs, code", [
    ({"kind": "install"}, "invalid_kind"),
    ({"kind": "bogus"}, "invalid_kind"),
    ({"kind": "call", "idempotency_key": ""}, "invalid_key"),
    ({"kind": "call", "idempotency_key": "x" * 121}, "invalid_key"),
    ({"kind": "call", "rows": -1}, "invalid"),
])
def test_bad_input_is_refused_and_changes_nothing(subscription, mould, kwargs, code):
    with pytest.raises(DomainError) as error:
        usage_record(subscription=subscription, **{"idempotency_key": "k", **kwargs})
    assert error.value.code == code and records(mould) == []


def test_a_record_is_of_one_thing(subscription, installation, mould):
    with pytest.raises(DomainError):
        usage_record(subscription=subscription, installation=installation, kind="call", idempotency_key="k")
    with pytest.raises(DomainError):
        usage_record(installation=installation, kind="call", idempotency_key="k")
    assert records(mould) == []


def test_too_much_for_one_entry_is_refused(subscription, mould):
    subscription.price_per_row = Decimal("1000.00")
    with pytest.raises(DomainError) as error:
        usage_record(subscription=subscription, kind="download", idempotency_key="k", rows=2_000_000_000)
    assert error.value.code == "too_large" and records(mould) == []


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_records_with_one_key_count_once(subscription, mould):
    results = race(*[lambda: usage_record(subscription=subscription, kind="call", idempotency_key="same", rows=1)
                     for _ in range(8)])
    assert all(isinstance(result, tuple) for result in results), results
    assert sum(created for _record, created in results) == 1
    assert len({record.pk for record, _created in results}) == 1
    with brain_context(mould.pk):
        assert UsageRecord.objects.aggregate(total=Sum("amount"))["total"] == Decimal("0.06")


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_records_with_different_keys_all_count(subscription, mould):
    results = race(*[lambda n=n: usage_record(subscription=subscription, kind="call", idempotency_key=f"k{n}", rows=1)
                     for n in range(8)])
    assert all(created for _record, created in results), results
    with brain_context(mould.pk):
        assert UsageRecord.objects.count() == 8
        assert UsageRecord.objects.aggregate(total=Sum("amount"))["total"] == Decimal("0.48")
