"""Certificates over the API: issue, split, transfer part down the chain, the receiver accepts, the issuer pays."""

from decimal import Decimal as D

import pytest

from conftest import api_as, join, make_enterprise, make_user
from finance.models import Certificate
from finance.tests.conftest import fresh
from tenants.context import brain_context
from tests.support import ids, url


@pytest.fixture
def steel(mould):
    enterprise = make_enterprise(21, "台州市黄岩联信模具钢材有限公司")
    join(mould, enterprise, roles=("supplier",))
    return make_user("lianxin", enterprise=enterprise)


def test_the_chain_over_the_api(confirmed, alice, shop_a, shop_b, steel):
    supplier = api_as(shop_a)
    issued = supplier.post(url("certificate-list"), {"payable": confirmed.pk}, format="json")
    assert issued.status_code == 201, issued.content
    certificate = issued.json()
    assert certificate["amount"] == "19200.00" and certificate["holder"]["id"] == shop_a.enterprise_id

    parts = supplier.post(url("certificate-split", certificate["id"]), {"amounts": ["15000.00", "4200.00"]},
                          format="json")
    assert parts.status_code == 201 and [p["amount"] for p in parts.json()] == ["15000.00", "4200.00"]
    small = parts.json()[1]["id"]

    offer = supplier.post(url("certificate-transfer", small), {"receiver": steel.enterprise_id, "amount": "1200.00",
                                                               "note": "钢材款"}, format="json")
    assert offer.status_code == 201, offer.content
    transfer = offer.json()
    assert transfer["certificate"]["amount"] == "1200.00" and transfer["outcome"] == "pending"
    # the receiver sees the offer and the offered certificate; a bystander sees neither
    assert ids(api_as(steel).get(url("certificate-transfer-list"))) == [transfer["id"]]
    assert transfer["certificate"]["id"] in ids(api_as(steel).get(url("certificate-list")))
    assert ids(api_as(shop_b).get(url("certificate-list"))) == []

    accepted = api_as(steel).post(url("certificate-transfer-accept", transfer["id"]), format="json")
    assert accepted.status_code == 200 and accepted.json()["outcome"] == "accepted"
    held = api_as(steel).get(url("certificate-detail", transfer["certificate"]["id"])).json()
    assert held["holder"]["id"] == steel.enterprise_id and held["status"] == "held"

    # at maturity the issuer pays the steel trader's part
    paid = api_as(alice).post(url("certificate-redeem", held["id"]), {"reference": "ICBC-77"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "redeemed"


def test_a_split_that_does_not_add_up_is_a_400_and_changes_nothing(confirmed, shop_a):
    certificate = api_as(shop_a).post(url("certificate-list"), {"payable": confirmed.pk}, format="json").json()
    response = api_as(shop_a).post(url("certificate-split", certificate["id"]), {"amounts": ["100.00", "200.00"]},
                                   format="json")
    assert response.status_code == 400 and "amounts" in response.json()["fields"]
    assert fresh(Certificate(pk=certificate["id"], brain_id=confirmed.brain_id)).status == "held"


def test_issuing_someone_elses_payable_is_refused(confirmed, shop_b, alice):
    for user in (shop_b, alice):
        response = api_as(user).post(url("certificate-list"), {"payable": confirmed.pk}, format="json")
        assert response.status_code in (400, 403)
    with brain_context(confirmed.brain_id):
        assert not Certificate.objects.exists()


def test_the_receiver_declines_and_the_sender_withdraws(confirmed, shop_a, steel):
    certificate = api_as(shop_a).post(url("certificate-list"), {"payable": confirmed.pk}, format="json").json()
    offer = api_as(shop_a).post(url("certificate-transfer", certificate["id"]), {"receiver": steel.enterprise_id},
                                format="json").json()
    assert api_as(shop_a).post(url("certificate-transfer-accept", offer["id"])).status_code == 403
    declined = api_as(steel).post(url("certificate-transfer-decline", offer["id"]), {"reason": "只收现金"},
                                  format="json")
    assert declined.status_code == 200 and declined.json()["outcome"] == "declined"
    again = api_as(shop_a).post(url("certificate-transfer", certificate["id"]), {"receiver": steel.enterprise_id},
                                format="json").json()
    withdrawn = api_as(shop_a).post(url("certificate-transfer-withdraw", again["id"]))
    assert withdrawn.status_code == 200 and withdrawn.json()["outcome"] == "withdrawn"
    assert D(api_as(shop_a).get(url("certificate-detail", certificate["id"])).json()["amount"]) == D("19200.00")
