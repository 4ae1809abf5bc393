"""The access pages: a member asks from the product's access box, sees its request and trail and may withdraw;
an operator decides from the queue (a decline needs a reason) and revokes; downloads follow the entitlement; other
members and brains see nothing."""

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from dataproducts.models import AccessRequest, Subscription
from dataproducts.tests.access_requests.conftest import approved, ask, fresh
from tenants.context import brain_context


def page(user, name, *args, brain="mould"):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # English pages: the messages asserted on stay as written here
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"dataproducts:{name}", args=[brain, *args])


def test_a_member_asks_from_the_access_box_and_withdraws(on_request, alice, mould):
    client, box = page(alice, "product-access", on_request.pk)
    shown = client.get(box).content.decode()
    assert 'data-testid="request-form"' in shown and "download-csv" not in shown
    bad = client.post(box, {"purpose": "", "days": "30"})
    assert bad.status_code == 400
    with brain_context(mould.pk):
        assert not AccessRequest.objects.exists()
    made = client.post(box, {"purpose": "核算外协报价的参考价", "days": "30"})
    assert made.status_code == 302
    with brain_context(mould.pk):
        request = AccessRequest.objects.get()
    detail = client.get(made["Location"]).content.decode()
    assert "核算外协报价的参考价" in detail and 'data-testid="trail-requested"' in detail
    assert "withdraw-button" in detail and "approve-button" not in detail
    assert 'data-testid="pending"' in client.get(box).content.decode()
    assert client.post(made["Location"], {"action": "withdraw"}).status_code == 302
    assert fresh(request).status == "withdrawn"


def test_the_operator_decides_from_the_queue(on_request, alice, hongda, olga, mould):
    mine, theirs = ask(on_request, alice), ask(on_request, hongda)
    client, queue = page(olga, "access")
    listing = client.get(queue).content.decode()
    assert "台州市黄岩宏达精密机械加工厂" in listing and listing.count('data-testid="request-link"') == 2
    _c, detail = page(olga, "access-request", theirs.pk)
    refused = client.post(detail, {"action": "decline", "reason": ""})
    assert refused.status_code == 400 and fresh(theirs).status == "pending"
    assert client.post(detail, {"action": "decline", "reason": "用途不符"}).status_code == 302
    _c, detail = page(olga, "access-request", mine.pk)
    approved_page = client.post(detail, {"action": "approve", "reason": ""})
    assert approved_page.status_code == 302
    with brain_context(mould.pk):
        subscription = Subscription.objects.get(request=mine)
    assert approved_page["Location"].endswith(f"/access/subscriptions/{subscription.pk}/")
    shown = client.get(approved_page["Location"]).content.decode()
    assert "revoke-button" in shown and 'data-testid="trail-granted"' in shown
    assert client.post(approved_page["Location"], {"action": "revoke", "reason": ""}).status_code == 400
    assert client.post(approved_page["Location"], {"action": "revoke", "reason": "违反使用约定"}).status_code == 302
    assert fresh(subscription).revoked_at is not None


def test_members_see_their_own_only_and_cannot_decide(on_request, alice, hongda, charlie, olga, mould):
    request = ask(on_request, alice)
    client, detail = page(hongda, "access-request", request.pk)
    assert client.get(detail).status_code == 404
    client, detail = page(alice, "access-request", request.pk)
    assert client.post(detail, {"action": "approve"}).status_code == 403 and fresh(request).status == "pending"
    subscription = approved(on_request, hongda, olga)
    client, other = page(alice, "subscription", subscription.pk)
    assert client.get(other).status_code == 404
    stranger, box = page(charlie, "product-access", on_request.pk)
    assert stranger.get(box).status_code == 404


def test_downloads_follow_the_entitlement(on_request, alice, olga, mould):
    client, csv_url = page(alice, "download", on_request.pk, "csv")
    refused = client.get(csv_url)
    assert refused.status_code == 403 and 'data-testid="refused"' in refused.content.decode()
    approved(on_request, alice, olga)
    answer = client.get(csv_url)
    assert answer.status_code == 200 and answer.content.startswith("\ufeff".encode())
    _c, box = page(alice, "product-access", on_request.pk)
    assert "download-xlsx" in client.get(box).content.decode()
    assert client.get(reverse("dataproducts:download", args=["mould", on_request.pk, "pdf"])).status_code == 404
