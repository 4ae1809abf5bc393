"""Access requests and subscriptions, service by service: who may ask, approve, decline, withdraw, revoke; what a
grant snapshots; renewals; the beat's expiry; and the entitlement every read asks (can_read)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from dataproducts.selectors.subscriptions import can_read, subscription_active
from dataproducts.services import access_requests, subscriptions
from dataproducts.tests.access_requests.conftest import approved, ask, fresh, make_product
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent


def trail(brain, **match):
    with brain_context(brain.pk):
        return list(AccessEvent.objects.filter(**match).order_by("at", "id").values_list("action", "by__username",
                                                                                       "note"))


def events(brain):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.filter(name__regex=r"^(access_request|subscription)\.")
                    .order_by("pk").values_list("name", flat=True))


def counts(brain):
    with brain_context(brain.pk):
        return (AccessRequest.objects.count(), Subscription.objects.count(), AccessEvent.objects.count(),
                OutboxEvent.objects.count())


def reads(product, user, at=None) -> bool:
    """can_read as a request in the product's brain asks it."""
    with brain_context(product.brain_id):
        return can_read(product=product, viewer=brain_access(user=user, brain=product.brain), at=at)


def active(product, enterprise_id, at=None):
    with brain_context(product.brain_id):
        return subscription_active(product=product, enterprise_id=enterprise_id, at=at)


# --- asking ---------------------------------------------------------------------------------------------------


def test_a_member_asks_with_purpose_and_days_and_it_is_audited(on_request, alice, mould):
    request = ask(on_request, alice, purpose="  核算外协报价的参考价  ", days=45)
    assert (request.status, request.purpose, request.days, request.enterprise_id) == (
        "pending", "核算外协报价的参考价", 45, alice.enterprise_id)
    assert trail(mould, request=request) == [("requested", "alice", "核算外协报价的参考价")]
    assert events(mould) == ["access_request.made"]


@pytest.mark.parametrize("purpose, days, field", [
    ("", 30, "purpose"), ("   ", 30, "purpose"), ("x" * 501, 30, "purpose"),
    ("参考", 0, "days"), ("参考", 367, "days"), ("参考", "30", "days"), ("参考", True, "days"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(on_request, alice, mould, purpose, days, field):
    before = counts(mould)
    with pytest.raises(DomainError) as refused:
        ask(on_request, alice, purpose=purpose, days=days)
    assert refused.value.field == field
    assert counts(mould) == before


def test_one_pending_request_per_enterprise_and_product(on_request, alice, bob, mould):
    ask(on_request, alice)
    before = counts(mould)
    with pytest.raises(DomainError) as refused:
        ask(on_request, bob)  # bob works for the same enterprise
    assert refused.value.code == "pending"
    assert counts(mould) == before


def test_open_products_need_no_request_and_unlisted_ones_take_none(open_product, mould, alice):
    with pytest.raises(DomainError) as refused:
        ask(open_product, alice)
    assert refused.value.code == "open"
    draft = make_product(mould, code="draft-index", status=DataProduct.Status.DRAFT)
    with pytest.raises(DomainError) as refused:
        ask(draft, alice)
    assert refused.value.code == "not_listed"


def test_only_an_active_member_may_ask(on_request, olga, charlie, mould):
    for outsider in (olga, charlie):  # an operator without an enterprise; a member of another brain
        with pytest.raises(NotAllowed):
            ask(on_request, outsider)
    assert counts(mould)[0] == 0


# --- deciding -------------------------------------------------------------------------------------------------


def test_approving_grants_a_subscription_at_the_prices_of_the_day(paid, alice, olga, mould):
    request = ask(paid, alice, days=30)
    before = timezone.now()
    request = access_requests.access_request_approve(request=request, by=olga, note="同意，按月计费")
    with brain_context(mould.pk):
        subscription = Subscription.objects.get(request=request)
    assert (request.status, request.decided_by, request.reason) == ("approved", olga, "同意，按月计费")
    assert before <= subscription.starts_at <= timezone.now()
    assert subscription.ends_at - subscription.starts_at == timedelta(days=30)
    assert (subscription.subscription_price, subscription.price_per_call, subscription.price_per_row,
            subscription.vat_rate) == (D("300.00"), D("0.50"), D("0.02"), D("6.00"))
    with brain_context(mould.pk):  # a later price change does not touch it
        DataProduct.objects.filter(pk=paid.pk).update(price_per_call=D("2.00"))
    assert fresh(subscription).price_per_call == D("0.50")
    assert [a for a, _by, _note in trail(mould, request=request)] == ["requested", "approved", "granted"]
    assert events(mould) == ["access_request.made", "access_request.approved"]


def test_only_operators_decide_and_a_decided_request_takes_no_more(on_request, alice, hongda, olga, mould):
    request = ask(on_request, alice)
    for outsider in (alice, hongda):
        with pytest.raises(NotAllowed):
            access_requests.access_request_approve(request=request, by=outsider)
        with pytest.raises(NotAllowed):
            access_requests.access_request_decline(request=request, by=outsider, reason="不行")
    access_requests.access_request_approve(request=request, by=olga)
    before = counts(mould)
    for decide in (lambda: access_requests.access_request_approve(request=request, by=olga),
                   lambda: access_requests.access_request_decline(request=request, by=olga, reason="重复"),
                   lambda: access_requests.access_request_withdraw(request=request, by=alice)):
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.code == "invalid_state"
    assert counts(mould) == before


def test_declining_needs_a_reason_the_member_reads(on_request, alice, olga, mould):
    request = ask(on_request, alice)
    before = counts(mould)
    for blank in ("", "   "):
        with pytest.raises(DomainError) as refused:
            access_requests.access_request_decline(request=request, by=olga, reason=blank)
        assert refused.value.field == "reason"
    assert counts(mould) == before and fresh(request).status == "pending"
    declined = access_requests.access_request_decline(request=request, by=olga, reason="用途与本产品无关")
    assert (declined.status, declined.reason) == ("declined", "用途与本产品无关")
    assert trail(mould, request=request)[-1] == ("declined", "olga", "用途与本产品无关")
    assert not reads(on_request, alice)
    assert events(mould)[-1] == "access_request.declined"


def test_the_requester_withdraws_and_may_ask_again(on_request, alice, bob, hongda, mould):
    request = ask(on_request, alice)
    with pytest.raises(NotAllowed):
        access_requests.access_request_withdraw(request=request, by=hongda)
    withdrawn = access_requests.access_request_withdraw(request=request, by=bob)  # alice's colleague
    assert withdrawn.status == "withdrawn"
    assert trail(mould, request=request)[-1][:2] == ("withdrawn", "bob")
    assert ask(on_request, alice).status == "pending"


def test_a_request_for_a_product_retired_since_cannot_be_approved(on_request, alice, olga, mould):
    request = ask(on_request, alice)
    with brain_context(mould.pk):
        DataProduct.objects.filter(pk=on_request.pk).update(status=DataProduct.Status.RETIRED)
    with pytest.raises(DomainError) as refused:
        access_requests.access_request_approve(request=request, by=olga)
    assert refused.value.code == "not_listed" and fresh(request).status == "pending"


# --- renewals, revocation, expiry -------------------------------------------------------------------------------


def test_a_renewal_starts_where_the_current_subscription_ends(on_request, alice, olga, mould):
    first = approved(on_request, alice, olga, days=30)
    second = approved(on_request, alice, olga, days=10)
    assert second.starts_at == first.ends_at and second.ends_at == first.ends_at + timedelta(days=10)
    assert trail(mould, subscription=second)[0][0] == "renewed"
    assert active(on_request, alice.enterprise_id) == first
    later = first.ends_at + timedelta(seconds=1)
    assert active(on_request, alice.enterprise_id, at=later) == second


def test_revoking_stops_reads_at_once_and_needs_a_reason(on_request, alice, hongda, olga, mould):
    subscription = approved(on_request, alice, olga)
    assert reads(on_request, alice)
    before = counts(mould)
    with pytest.raises(DomainError) as refused:
        subscriptions.subscription_revoke(subscription=subscription, by=olga, reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed):
        subscriptions.subscription_revoke(subscription=subscription, by=alice, reason="自己撤")
    assert counts(mould) == before
    revoked = subscriptions.subscription_revoke(subscription=subscription, by=olga, reason="违反使用约定")
    assert (revoked.revoked_by, revoked.revoke_reason) == (olga, "违反使用约定")
    assert not reads(on_request, alice)
    assert trail(mould, subscription=subscription)[-1] == ("revoked", "olga", "违反使用约定")
    with pytest.raises(DomainError) as again:
        subscriptions.subscription_revoke(subscription=subscription, by=olga, reason="再撤")
    assert again.value.code == "invalid_state"
    assert events(mould)[-1] == "subscription.revoked"


def test_expiry_is_audited_once_however_often_the_beat_runs(on_request, alice, hongda, olga, mould):
    ran_out = approved(on_request, alice, olga)
    revoked = approved(on_request, hongda, olga)
    subscriptions.subscription_revoke(subscription=revoked, by=olga, reason="违约")
    running = approved(make_product(mould, code="other-index"), alice, olga)
    with brain_context(mould.pk):
        Subscription.objects.filter(pk__in=[ran_out.pk, revoked.pk]).update(
            starts_at=timezone.now() - timedelta(days=31), ends_at=timezone.now() - timedelta(seconds=1))
    assert subscriptions.subscriptions_expire() == 1
    assert subscriptions.subscriptions_expire() == 0
    assert trail(mould, subscription=ran_out)[-1][:2] == ("expired", None)
    assert [a for a, _b, _n in trail(mould, subscription=revoked)][-1] == "revoked"
    assert "expired" not in [a for a, _b, _n in trail(mould, subscription=running)]
    assert events(mould).count("subscription.expired") == 1


def test_an_operator_grants_directly_only_for_a_listed_product_on_request(on_request, open_product, alice, olga,
                                                                          charlie, mould):
    subscription = subscriptions.subscription_grant(product=on_request, enterprise_id=alice.enterprise_id, days=7,
                                                    by=olga, note="合同 HT-2026-18")
    assert subscription.request is None and trail(mould, subscription=subscription) == [
        ("granted", "olga", "合同 HT-2026-18")]
    with pytest.raises(DomainError) as refused:
        subscriptions.subscription_grant(product=open_product, enterprise_id=alice.enterprise_id, days=7, by=olga)
    assert refused.value.code == "open"
    with pytest.raises(DomainError) as refused:  # charlie's enterprise is no member of the mould brain
        subscriptions.subscription_grant(product=on_request, enterprise_id=charlie.enterprise_id, days=7, by=olga)
    assert refused.value.code == "not_a_member"
    with pytest.raises(NotAllowed):
        subscriptions.subscription_grant(product=on_request, enterprise_id=alice.enterprise_id, days=7, by=alice)


# --- the entitlement ---------------------------------------------------------------------------------------------


def test_who_may_read(on_request, open_product, alice, hongda, olga, gov, charlie, mould):
    assert reads(open_product, alice)
    assert not reads(on_request, alice)
    assert reads(on_request, olga)  # operators: without a subscription
    assert reads(on_request, gov)  # government viewers too
    assert not reads(open_product, charlie)  # no member of this brain
    subscription = approved(on_request, alice, olga)
    assert reads(on_request, alice)
    assert not reads(on_request, hongda)  # another enterprise's subscription
    end = subscription.ends_at
    assert reads(on_request, alice, at=end - timedelta(seconds=1))
    assert not reads(on_request, alice, at=end)
    assert not reads(on_request, alice, at=end + timedelta(seconds=1))
    draft = make_product(mould, code="draft-index", status=DataProduct.Status.DRAFT)
    assert not reads(draft, gov) and reads(draft, olga)


def test_a_suspended_member_reads_nothing_even_subscribed(on_request, alice, olga, mould):
    from tenants.models import Membership

    approved(on_request, alice, olga)
    with brain_context(mould.pk):
        Membership.objects.filter(enterprise_id=alice.enterprise_id).update(status=Membership.Status.SUSPENDED)
    assert not reads(on_request, alice)

