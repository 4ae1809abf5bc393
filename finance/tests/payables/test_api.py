"""Payables over the API, as a buyer's or supplier's ERP uses them: list what is owed, confirm with a dispute,
record a payment once under retries (Idempotency-Key), and nothing of anyone else's."""

from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from conftest import api_as, make_user
from finance.models import Payable
from finance.tests.conftest import fresh
from ledger.models import Entry
from tenants.context import brain_context
from tenants.models import BrainStaff
from tenants.services import api_keys as services
from tests.support import ids, url


def key_client(user, brain, scope="write"):
    client = APIClient()
    secret = services.api_key_create(by=user, name="ERP", scope=scope, brains=[brain]).secret
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


def test_it_lists_a_payable_to_its_debtor_and_creditor_only(payable, alice, shop_a, shop_b, olga, mould):
    assert ids(api_as(alice).get(url("payable-list"))) == [payable.pk]
    assert ids(api_as(shop_a).get(url("payable-list"))) == [payable.pk]
    assert ids(api_as(shop_b).get(url("payable-list"))) == []
    assert ids(api_as(olga).get(url("payable-list"))) == [payable.pk]
    body = api_as(alice).get(url("payable-detail", payable.pk)).json()
    assert body["amount"] == "19200.00" and body["tax"] == "2208.85" and body["status"] == "pending"
    assert body["creditor"]["id"] == shop_a.enterprise_id and body["beyond_legal_terms"] is False
    assert api_as(shop_b).get(url("payable-detail", payable.pk)).status_code == 404


def test_the_debtor_confirms_part_and_the_rest_is_disputed(payable, alice):
    response = api_as(alice).post(url("payable-confirm", payable.pk),
                                  {"amount": "19000.00", "reason": "两件顶针有毛刺"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed" and response.json()["amount"] == "19000.00"
    rest = api_as(alice).get(url("payable-list", status="disputed")).json()["results"]
    assert [(r["amount"], r["split_from"], r["dispute_reason"]) for r in rest] == [("200.00", payable.pk,
                                                                                   "两件顶针有毛刺")]


@pytest.mark.parametrize("body, field", [
    ({"amount": "abc"}, "amount"), ({"amount": "19000.00"}, "reason"), ({"amount": "99999.00", "reason": "x"},
                                                                        "amount"),
    ({"due_on": "2099-01-01"}, "due_on"), ({"amount": "1e400", "reason": "x"}, "amount"),
])
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(payable, alice, body, field):
    response = api_as(alice).post(url("payable-confirm", payable.pk), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert fresh(payable).status == Payable.Status.PENDING


def test_the_creditor_cannot_confirm_its_own_claim(payable, shop_a):
    response = api_as(shop_a).post(url("payable-confirm", payable.pk), {}, format="json")
    assert response.status_code == 403 and fresh(payable).status == Payable.Status.PENDING


def test_a_payment_retried_with_its_idempotency_key_is_recorded_once(confirmed, alice, mould):
    client = key_client(alice, mould)
    first = client.post(url("payable-pay", confirmed.pk), {"reference": "ICBC-1"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="pay-ap-1")
    again = client.post(url("payable-pay", confirmed.pk), {"reference": "ICBC-1"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="pay-ap-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert fresh(confirmed).status == Payable.Status.PAID
    with brain_context(mould.pk):
        assert Entry.objects.filter(kind="payment").count() == 1


def test_a_read_only_key_reads_but_does_not_confirm(payable, alice, mould):
    client = key_client(alice, mould, scope="read")
    assert ids(client.get(url("payable-list"))) == [payable.pk]
    assert client.post(url("payable-confirm", payable.pk), {}, format="json").status_code in (403, 404)
    assert fresh(payable).status == Payable.Status.PENDING


def test_a_government_viewer_sees_no_payable(payable, mould):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    assert ids(api_as(viewer).get(url("payable-list"))) == []
    assert api_as(viewer).get(url("payable-detail", payable.pk)).status_code == 404


def test_lists_filter_by_due_date_and_status(payable, alice):
    assert ids(api_as(alice).get(url("payable-list", due_before="2000-01-01"))) == []
    assert ids(api_as(alice).get(url("payable-list", status="pending"))) == [payable.pk]
    assert D(api_as(alice).get(url("payable-list")).json()["results"][0]["amount"]) == D("19200.00")
