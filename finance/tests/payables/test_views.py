"""The finance pages of payables: each party sees its side and acts on it; nobody else sees anything."""

from decimal import Decimal as D

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user
from finance.models import Certificate, Payable
from finance.tests.conftest import fresh
from tenants.context import brain_context
from tenants.models import BrainStaff


def page(user, name, *args, brain="mould"):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"finance:{name}", args=[brain, *args])


def test_the_home_shows_the_buyer_what_it_owes_and_the_supplier_what_it_is_owed(payable, alice, shop_a):
    client, home = page(alice, "home")
    body = client.get(home).content.decode()
    assert payable.number in body and "19200.00" in body
    client, home = page(shop_a, "home")
    assert payable.number in client.get(home).content.decode()


def test_a_government_viewer_sees_totals_and_no_payable(payable, mould):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client, home = page(viewer, "home")
    body = client.get(home).content.decode()
    assert payable.number not in body and "19200.00" in body  # the brain's total waiting for confirmation
    client, detail = page(viewer, "payable", payable.pk)
    assert client.get(detail).status_code == 404


def test_the_buyer_confirms_part_on_the_page_and_a_bad_amount_is_explained(payable, alice):
    client, detail = page(alice, "payable", payable.pk)
    bad = client.post(detail, {"action": "confirm", "amount": "18000.00"})
    assert bad.status_code == 400 and fresh(payable).status == Payable.Status.PENDING
    assert "disputed" in bad.content.decode() or "争议" in bad.content.decode()
    good = client.post(detail, {"action": "confirm", "amount": "18000.00", "reason": "顶针待复检"})
    assert good.status_code == 302 and fresh(payable).status == Payable.Status.CONFIRMED
    assert fresh(payable).amount == D("18000.00")


def test_the_supplier_issues_a_certificate_from_the_page(confirmed, shop_a):
    client, detail = page(shop_a, "payable", confirmed.pk)
    assert "issue-button" in client.get(detail).content.decode()
    response = client.post(detail, {"action": "issue"})
    assert response.status_code == 302
    with brain_context(confirmed.brain_id):
        made = Certificate.objects.get(payable=confirmed)
    assert response["Location"].endswith(f"/finance/certificates/{made.pk}/")


def test_a_bystander_and_another_brain_get_404(payable, shop_b, charlie):
    client, detail = page(shop_b, "payable", payable.pk)
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "confirm"}).status_code == 404
    client, detail = page(charlie, "payable", payable.pk, brain="pump-valve")
    assert client.get(detail).status_code == 404
    assert fresh(payable).status == Payable.Status.PENDING
