"""Subscription periods: one `period` record per started period, dated at its start; the beat is safe to run twice."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dataproducts.models import UsageRecord
from dataproducts.services.usage import subscription_periods_charge, subscription_periods_charge_due
from dataproducts.tests.usage.conftest import make_product, subscribe
from tenants.context import brain_context


def periods(brain):
    with brain_context(brain.pk):
        return list(UsageRecord.objects.filter(kind="period").order_by("at").values_list("idempotency_key", "amount",
                                                                                         "at"))


def test_every_started_month_is_charged_once_dated_at_its_start(product, alice_ent, mould):
    start = timezone.now() - timedelta(days=75)  # three months started: start, +1, +2
    subscription = subscribe(product, alice_ent, starts_at=start)
    made = subscription_periods_charge(subscription=subscription)
    assert len(made) == 3
    charged = periods(mould)
    assert [amount for _key, amount, _at in charged] == [Decimal("300.00")] * 3
    assert charged[0][0] == f"period:{subscription.pk}:{timezone.localdate(start).isoformat()}"
    assert charged[0][2] == start
    assert subscription_periods_charge(subscription=subscription) == [] and len(periods(mould)) == 3


def test_the_31st_keeps_its_day_clamped_to_short_months(product, alice_ent, mould):
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(timezone.datetime(2026, 1, 31, 10, 0), zone)
    subscription = subscribe(product, alice_ent, starts_at=start, days=365)
    subscription_periods_charge(subscription=subscription, at=start + timedelta(days=60))
    assert [timezone.localdate(at).isoformat() for _k, _a, at in periods(mould)] == [
        "2026-01-31", "2026-02-28", "2026-03-31"]


def test_a_yearly_product_is_charged_per_year(mould, alice_ent):
    product = make_product(mould, "yearly", subscription_price=Decimal("1200.00"), period="year")
    subscription = subscribe(product, alice_ent, starts_at=timezone.now() - timedelta(days=400), days=800)
    assert len(subscription_periods_charge(subscription=subscription)) == 2


def test_no_period_after_the_end_or_revocation(product, alice_ent, mould, in_brain):
    start = timezone.now() - timedelta(days=100)
    ended = subscribe(product, alice_ent, starts_at=start, days=40)  # months started at 0 and +1 only
    assert len(subscription_periods_charge(subscription=ended)) == 2
    revoked = subscribe(product, alice_ent, starts_at=start)
    revoked.revoked_at = start + timedelta(days=10)
    assert len(subscription_periods_charge(subscription=revoked)) == 1


def test_metered_only_subscriptions_have_no_periods(mould, alice_ent):
    product = make_product(mould, "metered", price_per_call=Decimal("0.10"))
    assert subscription_periods_charge(subscription=subscribe(product, alice_ent)) == []


def test_the_beat_charges_every_brain_once(product, alice_ent, mould, pump, charlie_ent):
    subscribe(product, alice_ent, starts_at=timezone.now() - timedelta(days=40))
    subscribe(make_product(pump, "pump-index", subscription_price=Decimal("50.00")), charlie_ent)
    assert subscription_periods_charge_due() == 3
    assert subscription_periods_charge_due() == 0
    with brain_context(pump.pk):
        assert UsageRecord.objects.in_brain(pump.pk).filter(kind="period").count() == 1
