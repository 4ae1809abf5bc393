"""The webhook pages: an enterprise administrator's endpoints and delivery log in one brain, nobody else's."""

import pytest
from django.urls import reverse

from conftest import join, make_enterprise, make_user
from tenants import webhooks
from tenants.context import brain_context
from tenants.models import WebhookDelivery, WebhookEndpoint

HOOK = "https://erp.example.com/hooks/ib"


@pytest.fixture
def endpoint(mould, alice):
    return webhooks.webhook_endpoint_create(brain=mould, by=alice, url=HOOK, event_types=["rfq.published"])


def test_it_adds_an_endpoint_and_shows_its_secret_on_its_page(client, mould, alice):
    client.force_login(alice)
    response = client.post(reverse("webhooks", args=["mould"]),
                           {"url": HOOK, "description": "用友U8", "event_types": ["rfq.awarded", "work_order.progress"]})
    with brain_context(mould.pk):
        endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("webhook-endpoint", args=["mould", endpoint.pk])
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page and endpoint.description == "用友U8"
    assert endpoint.event_types == ["rfq.awarded", "work_order.progress"]
    listing = client.get(reverse("webhooks", args=["mould"])).content.decode()
    assert HOOK in listing and endpoint.secret not in listing


def test_a_refused_url_is_said_on_the_form_and_nothing_is_added(client, mould, alice, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    client.force_login(alice)
    response = client.post(reverse("webhooks", args=["mould"]), {"url": "http://192.168.1.20/hook",
                                                                 "event_types": ["*"]})
    assert response.status_code == 400 and "192.168.1.20" in response.content.decode()
    with brain_context(mould.pk):
        assert not WebhookEndpoint.objects.exists()


def test_a_member_who_is_not_an_administrator_sees_no_webhook_pages(client, bob, endpoint):
    client.force_login(bob)
    assert client.get(reverse("webhooks", args=["mould"])).status_code == 404
    assert client.get(reverse("webhook-endpoint", args=["mould", endpoint.pk])).status_code == 404


def test_another_enterprises_endpoint_is_404_and_untouched(client, mould, endpoint):
    other = make_enterprise(31, "台州市黄岩精工模架有限公司")
    join(mould, other, roles=("supplier",))
    client.force_login(make_user("jinggong", enterprise=other))
    page = reverse("webhook-endpoint", args=["mould", endpoint.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "delete"}).status_code == 404
    assert endpoint.pk not in [e.pk for e in client.get(reverse("webhooks", args=["mould"])).context["endpoints"]]
    with brain_context(mould.pk):
        assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_other_brains_pages_are_404(client, charlie, pump, endpoint):
    client.force_login(charlie)
    assert client.get(reverse("webhook-endpoint", args=["pump", endpoint.pk])).status_code == 404
    assert client.get(reverse("webhook-endpoint", args=["mould", endpoint.pk])).status_code == 404


def test_ping_switch_rotate_and_replay_from_the_page(client, mould, alice, endpoint):
    client.force_login(alice)
    page = reverse("webhook-endpoint", args=["mould", endpoint.pk])
    assert client.post(page, {"action": "ping"}).status_code == 302
    with brain_context(mould.pk):
        ping = WebhookDelivery.objects.get(endpoint=endpoint)
        WebhookDelivery.objects.filter(pk=ping.pk).update(status="failed", next_attempt_at=None)
    assert ping.event_type == "ping"
    client.post(page, {"action": "replay", "delivery": ping.pk})
    client.post(page, {"action": "switch"})
    client.post(page, {"action": "rotate"})
    with brain_context(mould.pk):
        ping.refresh_from_db()
        changed = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert ping.status == "pending" and ping.replay_requested
    assert changed.is_active is False and changed.secret != endpoint.secret
    shown = client.get(page).content.decode()
    assert "ping" in shown and ping.webhook_id in shown


def test_an_unknown_action_is_404(client, alice, endpoint):
    client.force_login(alice)
    assert client.post(reverse("webhook-endpoint", args=["mould", endpoint.pk]), {"action": "explode"}).status_code == 404
