"""Access under real concurrency (threads with their own connections, committed for real): two operators approving
one request at once grant one subscription; two metered reads under one key count once."""

import pytest

from dataproducts.models import AccessEvent, AccessRequest, Subscription, UsageRecord
from dataproducts.services import access_requests
from dataproducts.tests.access_requests.conftest import approved, ask
from tenants.context import brain_context
from tenants.errors import DomainError
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_operators_approving_at_once_grant_one_subscription(paid, alice, olga, otto, mould):
    request = ask(paid, alice)
    results = race(lambda: access_requests.access_request_approve(request=request, by=olga),
                   lambda: access_requests.access_request_approve(request=request, by=otto))
    won = [r for r in results if isinstance(r, AccessRequest)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], DomainError) and lost[0].code == "invalid_state"
    with brain_context(mould.pk):
        assert Subscription.objects.count() == 1
        assert AccessEvent.objects.filter(action__in=["approved", "granted"]).count() == 2


def test_an_approval_racing_a_withdrawal_ends_one_way(on_request, alice, olga, mould):
    request = ask(on_request, alice)
    race(lambda: access_requests.access_request_approve(request=request, by=olga),
         lambda: access_requests.access_request_withdraw(request=request, by=alice))
    with brain_context(mould.pk):
        status = AccessRequest.objects.get(pk=request.pk).status
        assert (status, Subscription.objects.count()) in (("approved", 1), ("withdrawn", 0))


def test_two_reads_with_one_key_at_once_are_metered_once(paid, alice, olga, mould):
    from conftest import api_as
    from tests.support import url

    approved(paid, alice, olga)

    def read():
        return api_as(alice).get(url("data-product-rows-detail", paid.pk), HTTP_IDEMPOTENCY_KEY="erp-read-0001")

    results = race(read, read)
    assert [r.status_code for r in results] == [200, 200], results
    with brain_context(mould.pk):
        assert UsageRecord.objects.filter(idempotency_key="erp-read-0001").count() == 1
