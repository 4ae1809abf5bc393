"""The certificate pages: the holder splits and offers a part, the receiver accepts on its phone, the issuer pays."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, join, make_enterprise, make_user
from finance.models import Certificate, CertificateTransfer
from finance.services import certificates
from finance.tests.conftest import fresh
from tenants.context import brain_context


@pytest.fixture
def steel(mould):
    enterprise = make_enterprise(21, "台州市黄岩联信模具钢材有限公司")
    join(mould, enterprise, roles=("supplier",))
    return make_user("lianxin", enterprise=enterprise)


@pytest.fixture
def certificate(confirmed, shop_a):
    return certificates.certificate_issue(payable=confirmed, by=shop_a)


def client_of(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def detail(certificate, brain="mould"):
    return reverse("finance:certificate", args=[brain, certificate.pk])


def test_the_holder_splits_and_offers_a_part_and_the_receiver_accepts(certificate, shop_a, steel):
    holder = client_of(shop_a)
    page = holder.get(detail(certificate)).content.decode()
    assert "split-button" in page and "transfer-button" in page and "台州市黄岩联信模具钢材有限公司" in page
    bad = holder.post(detail(certificate), {"action": "split", "amounts": "100, 200"})
    assert bad.status_code == 400 and fresh(certificate).status == Certificate.Status.HELD
    assert holder.post(detail(certificate), {"action": "transfer", "receiver": steel.enterprise_id,
                                             "amount": "5000.00", "note": "钢材款"}).status_code == 302
    with brain_context(certificate.brain_id):
        part = CertificateTransfer.objects.select_related("certificate").get().certificate
    receiver = client_of(steel)
    assert "accept-button" in receiver.get(detail(part)).content.decode()
    assert receiver.post(detail(part), {"action": "accept"}).status_code == 302
    assert fresh(part).holder_id == steel.enterprise_id and fresh(part).amount == D("5000.00")


def test_only_the_issuer_records_payment_and_others_see_no_forms(certificate, alice, shop_a, shop_b):
    assert "redeem-button" in client_of(alice).get(detail(certificate)).content.decode()
    assert "redeem-button" not in client_of(shop_a).get(detail(certificate)).content.decode()
    assert client_of(shop_b).get(detail(certificate)).status_code == 404
    assert client_of(shop_b).post(detail(certificate), {"action": "split", "amounts": "9600,9600"}).status_code == 404
    response = client_of(alice).post(detail(certificate), {"action": "redeem", "reference": "ICBC-1"})
    assert response.status_code == 302 and fresh(certificate).status == Certificate.Status.REDEEMED


def test_another_brains_member_gets_404(certificate, charlie):
    assert client_of(charlie).get(detail(certificate, brain="pump-valve")).status_code == 404
