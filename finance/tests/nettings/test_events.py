"""Netting events: through the outbox, as webhooks to the parties only (the payload names no party), as in-app
notifications to each party's users with its own netted amount; the beat task makes expired proposals void."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import api_as
from finance import tasks
from finance.models import Netting
from finance.services import nettings
from finance.tests.nettings.conftest import fresh, propose
from tenants.context import brain_context
from tenants.models import Notification, OutboxEvent, WebhookDelivery
from tenants.webhooks import webhook_endpoint_create, webhooks_fan_out

NAMED = {"netting.proposed", "netting.confirmed", "netting.settled", "netting.voided"}


def subscribe(brain, admin):
    return webhook_endpoint_create(brain=brain, by=admin, url=f"https://erp-{admin.username}.example.com/hooks",
                                   event_types=["*"])


def netting_events(brain):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.filter(name__startswith="netting.").order_by("pk").values_list("pk", "name"))


def test_the_netting_event_types_are_in_the_catalogue(alice):
    types = {t["name"] for t in api_as(alice).get(reverse("webhook-event-types")).json()}
    assert NAMED <= types


def test_each_event_reaches_the_parties_only_and_names_none(cycle, olga, alice, hongda, hengtong, shop_b, mould):
    for admin in (alice, hongda, shop_b):
        subscribe(mould, admin)
    netting = propose(olga)
    for user in (alice, hongda, hengtong):
        nettings.netting_confirm(netting=netting, by=user)
    for event_id, _name in netting_events(mould):
        webhooks_fan_out(brain_id=mould.pk, event_id=event_id)
    with brain_context(mould.pk):
        delivered = list(WebhookDelivery.objects.order_by("pk").values_list("endpoint__enterprise_id", "event_type",
                                                                             "body"))
    assert {enterprise for enterprise, _kind, _body in delivered} == {alice.enterprise_id, hongda.enterprise_id}
    kinds = [kind for enterprise, kind, _body in delivered if enterprise == alice.enterprise_id]
    assert kinds == ["netting.proposed", "netting.confirmed", "netting.confirmed", "netting.confirmed",
                     "netting.settled"]
    settled = next(json.loads(body) for _e, kind, body in delivered if kind == "netting.settled")
    assert settled["data"] == {"netting": netting.pk, "number": netting.number, "netted": "180000.00"}
    for _e, _kind, body in delivered:
        data = json.loads(body)["data"]
        assert not {"debtor", "creditor", "enterprise", "parties_ids"} & set(data)
        assert str(hengtong.enterprise_id) not in json.dumps(data)


def test_the_parties_are_told_in_the_app_each_with_its_own_amount(cycle, olga, alice, hongda, hengtong, mould):
    netting = propose(olga)
    nettings.netting_reject(netting=netting, by=hengtong, reason="另有约定")
    for event_id, name in netting_events(mould):
        if name in nettings.NOTIFIED:
            tasks.notify_netting_event(mould.pk, event_id)
            tasks.notify_netting_event(mould.pk, event_id)  # a redelivery tells nobody twice
    with brain_context(mould.pk):
        told = {(n.user.username, n.kind): n for n in Notification.objects.select_related("user")}
    assert {kind for _user, kind in told} == {"netting.proposed", "netting.voided"}
    assert {user for user, _kind in told} == {"alice", "hongda", "hengtong", "olga"}
    assert ("olga", "netting.proposed") not in told  # the operator proposed it; it is told how it ended
    assert told[("alice", "netting.proposed")].params["netted"] == "60,000.00"
    assert told[("alice", "netting.proposed")].link == f"/b/mould/finance/nettings/{netting.pk}/"
    assert len(told) == 7


def test_the_beat_task_makes_expired_proposals_void(cycle, olga, mould):
    netting = propose(olga)
    with brain_context(mould.pk):
        Netting.objects.filter(pk=netting.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_nettings() == 1
    assert fresh(netting).voided_because == Netting.Voided.EXPIRED
    assert netting_events(mould)[-1][1] == "netting.voided"
