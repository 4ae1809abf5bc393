"""Access events: through the outbox as webhooks to the requesting enterprise only (ids, nobody named), as in-app
notifications — operators of a new request, the requester's users of the decision, revocation and expiry — once
per event and user; the beat task audits expiry once."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import api_as
from dataproducts import tasks
from dataproducts.models import Subscription
from dataproducts.services import access_requests, subscriptions
from dataproducts.tests.access_requests.conftest import approved, ask
from tenants.context import brain_context
from tenants.models import Notification, OutboxEvent, WebhookDelivery
from tenants.webhooks import webhook_endpoint_create, webhooks_fan_out

NAMED = {"access_request.made", "access_request.approved", "access_request.declined", "subscription.revoked",
         "subscription.expired"}


def access_events(brain):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.filter(name__in=NAMED).order_by("pk").values_list("pk", "name"))


def test_the_event_types_are_in_the_catalogue(alice):
    assert NAMED <= {t["name"] for t in api_as(alice).get(reverse("webhook-event-types")).json()}


def test_each_event_reaches_the_requester_only_and_names_nobody(on_request, alice, hongda, olga, mould):
    for admin in (alice, hongda):
        webhook_endpoint_create(brain=mould, by=admin, url=f"https://erp-{admin.username}.example.com/hooks",
                                event_types=["*"])
    subscription = approved(on_request, alice, olga)
    subscriptions.subscription_revoke(subscription=subscription, by=olga, reason="违反使用约定")
    for event_id, _name in access_events(mould):
        webhooks_fan_out(brain_id=mould.pk, event_id=event_id)
    with brain_context(mould.pk):
        delivered = list(WebhookDelivery.objects.order_by("pk").values_list("endpoint__enterprise_id", "event_type",
                                                                             "body"))
    assert {enterprise for enterprise, _t, _b in delivered} == {alice.enterprise_id}
    assert [kind for _e, kind, _b in delivered] == ["access_request.made", "access_request.approved",
                                                    "subscription.revoked"]
    revoked = json.loads(delivered[-1][2])["data"]
    assert revoked == {"subscription": subscription.pk, "product": on_request.pk}


def test_operators_hear_of_requests_and_the_requester_of_decisions(on_request, paid, alice, bob, olga, otto,
                                                                      mould):
    request = ask(on_request, alice, purpose="比价参考")
    access_requests.access_request_decline(request=request, by=olga, reason="用途不符")
    subscription = approved(paid, alice, olga)
    with brain_context(mould.pk):
        Subscription.objects.filter(pk=subscription.pk).update(starts_at=timezone.now() - timedelta(days=31),
                                                               ends_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_subscriptions() == 1 and tasks.expire_subscriptions() == 0
    for event_id, _name in access_events(mould):
        tasks.notify_access_event(mould.pk, event_id)
        tasks.notify_access_event(mould.pk, event_id)  # a redelivery tells nobody twice
    with brain_context(mould.pk):
        told = sorted((n.user.username, n.kind) for n in Notification.objects.select_related("user"))
        made = Notification.objects.get(user=olga, event__payload__access_request=request.pk)
        declined = Notification.objects.get(user=alice, kind="access_request.declined")
    assert told == sorted([(op, "access_request.made") for op in ("olga", "otto", "operator-mould") for _ in (1, 2)]
                          + [(u, kind) for u in ("alice", "bob") for kind in (
                              "access_request.declined", "access_request.approved", "subscription.expired")])
    assert made.params["note"] == "比价参考" and made.link == f"/b/mould/data/access/requests/{request.pk}/"
    assert declined.params["note"] == "用途不符"
