"""Access over the API: a member asks, sees its own requests and subscriptions only; operators decide (approve is
idempotent under its key), decline with a reason, revoke; the audit trail comes with each; bad input is a 400 that
changes nothing."""

import uuid

import pytest
from rest_framework.test import APIClient

from conftest import api_as
from dataproducts.models import AccessEvent, AccessRequest, Subscription
from dataproducts.services import access_requests
from dataproducts.tests.access_requests.conftest import approved, ask
from tenants.context import brain_context
from tenants.services import api_keys
from tests.support import ids, url


def key_client(user, brain, scope="write"):
    client = APIClient()
    secret = api_keys.api_key_create(by=user, name="ERP", scope=scope, brains=[brain]).secret
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


def counts(brain):
    with brain_context(brain.pk):
        return AccessRequest.objects.count(), Subscription.objects.count(), AccessEvent.objects.count()


def test_a_member_asks_and_an_operator_approves_once_under_its_key(paid, alice, olga, mould):
    made = api_as(alice).post(url("access-request-list"), {"product": paid.pk, "purpose": "核算外协报价", "days": 30},
                              format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["purpose"], body["days"], body["enterprise"]["id"]) == (
        "pending", "核算外协报价", 30, alice.enterprise_id)
    assert [e["action"] for e in body["events"]] == ["requested"]
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    operator = api_as(olga)
    first = operator.post(url("access-request-approve", body["id"]), {"reason": "同意"}, format="json", **key)
    again = operator.post(url("access-request-approve", body["id"]), {"reason": "同意"}, format="json", **key)
    assert first.status_code == again.status_code == 200, (first.content, again.content)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert first.json()["status"] == "approved" and first.json()["subscription"]
    assert [e["action"] for e in first.json()["events"]] == ["requested", "approved", "granted"]
    with brain_context(mould.pk):
        assert Subscription.objects.count() == 1
    subscription = api_as(alice).get(url("subscription-detail", first.json()["subscription"])).json()
    assert (subscription["price_per_call"], subscription["price_per_row"], subscription["subscription_price"],
            subscription["vat_rate"], subscription["active"]) == ("0.50", "0.02", "300.00", "6.00", True)
    assert [e["action"] for e in subscription["events"]] == ["requested", "approved", "granted"]
    # without the key, a second approval is refused, not granted twice
    refused = operator.post(url("access-request-approve", body["id"]), {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_state"


def test_each_sees_its_own_and_operators_the_queue(on_request, alice, hongda, olga, gov, mould):
    mine, theirs = ask(on_request, alice), ask(on_request, hongda)
    assert ids(api_as(alice).get(url("access-request-list"))) == [mine.pk]
    assert api_as(alice).get(url("access-request-detail", theirs.pk)).status_code == 404
    assert sorted(ids(api_as(olga).get(url("access-request-list", status="pending")))) == sorted([mine.pk, theirs.pk])
    assert ids(api_as(gov).get(url("access-request-list"))) == []
    access_requests.access_request_approve(request=mine, by=olga)
    with brain_context(mould.pk):
        subscription = Subscription.objects.get(request=mine)
    assert ids(api_as(hongda).get(url("subscription-list"))) == []
    assert api_as(hongda).get(url("subscription-detail", subscription.pk)).status_code == 404
    assert ids(api_as(alice).get(url("subscription-list"))) == [subscription.pk]
    # another enterprise may not withdraw what it cannot see
    assert api_as(hongda).post(url("access-request-withdraw", mine.pk)).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"purpose": "参考", "days": 30}, "product"),
    ({"product": 0, "purpose": "", "days": 30}, "purpose"),
    ({"product": 0, "purpose": "参考", "days": 0}, "days"),
    ({"product": 0, "purpose": "参考", "days": "三十"}, "days"),
    ({"product": 0, "purpose": "参考", "days": 400}, "days"),
])
def test_bad_input_names_its_field_and_changes_nothing(on_request, alice, mould, body, field):
    body = {**body, **({"product": on_request.pk} if body.get("product") == 0 else {})}
    before = counts(mould)
    answer = api_as(alice).post(url("access-request-list"), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["fields"], answer.json()
    assert counts(mould) == before


def test_asking_twice_or_for_an_open_product_is_refused_clearly(on_request, open_product, alice, mould):
    client = api_as(alice)
    assert client.post(url("access-request-list"), {"product": on_request.pk, "purpose": "参考", "days": 30},
                       format="json").status_code == 201
    twice = client.post(url("access-request-list"), {"product": on_request.pk, "purpose": "参考", "days": 30},
                        format="json")
    assert twice.status_code == 400 and twice.json()["code"] == "pending" and "product" in twice.json()["fields"]
    opened = client.post(url("access-request-list"), {"product": open_product.pk, "purpose": "参考", "days": 30},
                         format="json")
    assert opened.status_code == 400 and opened.json()["code"] == "open"


def test_decline_needs_a_reason_and_members_cannot_decide(on_request, alice, olga, mould):
    request = ask(on_request, alice)
    assert api_as(alice).post(url("access-request-approve", request.pk), {}, format="json").status_code == 403
    before = counts(mould)
    blank = api_as(olga).post(url("access-request-decline", request.pk), {"reason": ""}, format="json")
    assert blank.status_code == 400 and blank.json()["fields"] == {"reason": [blank.json()["detail"]]}
    assert counts(mould) == before
    declined = api_as(olga).post(url("access-request-decline", request.pk), {"reason": "用途不符"}, format="json")
    assert declined.status_code == 200 and (declined.json()["status"], declined.json()["reason"]) == (
        "declined", "用途不符")
    assert api_as(alice).get(url("access-request-detail", request.pk)).json()["reason"] == "用途不符"


def test_the_requester_withdraws_over_an_api_key(on_request, alice, mould):
    request = ask(on_request, alice)
    answer = key_client(alice, mould).post(url("access-request-withdraw", request.pk))
    assert answer.status_code == 200 and answer.json()["status"] == "withdrawn"
    read_only = key_client(alice, mould, scope="read")
    assert read_only.post(url("access-request-list"), {"product": on_request.pk, "purpose": "参考", "days": 3},
                          format="json").status_code == 403


def test_an_operator_revokes_with_a_reason(on_request, alice, olga, mould):
    subscription = approved(on_request, alice, olga)
    assert api_as(alice).post(url("subscription-revoke", subscription.pk), {"reason": "x"},
                              format="json").status_code == 403
    blank = api_as(olga).post(url("subscription-revoke", subscription.pk), {}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    revoked = api_as(olga).post(url("subscription-revoke", subscription.pk), {"reason": "违反使用约定"}, format="json")
    assert revoked.status_code == 200, revoked.content
    assert (revoked.json()["active"], revoked.json()["revoke_reason"]) == (False, "违反使用约定")
    assert revoked.json()["events"][-1]["action"] == "revoked"
    assert ids(api_as(alice).get(url("subscription-list", revoked="true"))) == [subscription.pk]
