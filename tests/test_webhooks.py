"""Webhooks against a real local HTTP receiver: who hears of what, signing, retries, replay, the log."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from capacity.services import rfqs, work_orders
from capacity.tests.conftest import lines_of, operation_of, price
from conftest import api_as, wait_for
from tenants import webhooks
from tenants.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.support import race, url


class Receiver:
    """An ERP's webhook URL: records every request; answers with the next status of `answers` (then 200)."""

    def __init__(self):
        self.requests, self.answers, self.lock = [], [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.end_headers()
                self.wfile.write(f"已收到 {status}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ib"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    settings.WEBHOOK_REQUIRE_HTTPS = False
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


def subscribe(brain, user, url, types):
    return webhooks.webhook_endpoint_create(brain=brain, by=user, url=url, event_types=types)


def events(brain, name, in_brain):
    with in_brain(brain):
        return list(OutboxEvent.objects.in_brain(brain).filter(name=name).order_by("id"))


def fan_out(brain, name, in_brain):
    return sum(webhooks.webhooks_fan_out(brain_id=brain.pk, event_id=e.pk) for e in events(brain, name, in_brain))


def deliveries(brain, in_brain, **filters):
    with in_brain(brain):
        return list(WebhookDelivery.objects.in_brain(brain).filter(**filters).select_related("endpoint").order_by("id"))


def attempt_all(brain, in_brain):
    return [webhooks.webhook_attempt(brain_id=brain.pk, delivery_id=d.pk) for d in deliveries(brain, in_brain)]


def verify(secret: str, header: str, body: str) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


# --- Who hears of what ------------------------------------------------------------------------------


def test_it_tells_the_buyer_only_that_a_quote_came_and_the_supplier_its_own(
        mould, alice, shop_a, shop_b, open_rfq, receiver, in_brain):
    buyer = subscribe(mould, alice, receiver.url + "?buyer", ["quote.submitted"])
    own = subscribe(mould, shop_a, receiver.url + "?a", ["*"])
    rival = subscribe(mould, shop_b, receiver.url + "?b", ["quote.submitted"])
    cavity, pin = lines_of(open_rfq)
    rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000")])

    assert fan_out(mould, "quote.submitted", in_brain) == 2
    made = {d.endpoint_id: json.loads(d.body) for d in deliveries(mould, in_brain)}
    assert set(made) == {buyer.pk, own.pk}, "the rival supplier hears nothing of another's quote"
    assert made[buyer.pk]["data"] == {"rfq": open_rfq.pk}, "sealed: the buyer does not learn who quoted"
    assert made[own.pk]["data"]["supplier"] == shop_a.enterprise_id and made[own.pk]["data"]["revision"] == 1
    assert made[own.pk]["type"] == "quote.submitted" and made[own.pk]["brain"] == "mould"
    assert rival.pk not in made


def test_it_writes_no_second_delivery_when_the_event_is_handled_twice(mould, alice, open_rfq, receiver, in_brain):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    assert fan_out(mould, "rfq.published", in_brain) == 1
    assert fan_out(mould, "rfq.published", in_brain) == 0
    assert len(deliveries(mould, in_brain)) == 1


def test_it_tells_a_supplier_of_an_rfq_it_may_quote_on_and_not_of_one_it_may_not(
        mould, alice, shop_a, project, parts, receiver, in_brain):
    subscribe(mould, shop_a, receiver.url, ["rfq.published"])
    invited_only = rfqs.rfq_create(project=project, by=alice, title="仅邀请", open_to_all=False,
                                   deadline=timezone.now() + timedelta(days=2), lines=[{"part": parts["cavity"].pk}])
    rfqs.rfq_publish(rfq=invited_only, by=alice)
    assert fan_out(mould, "rfq.published", in_brain) == 0, "not invited, not open to all: not its business"


def test_it_tells_each_winner_of_its_own_purchase_order_only(mould, alice, shop_a, shop_b, awarded, receiver, in_brain):
    work_order, (cavity, pin), _ = awarded
    subscribe(mould, alice, receiver.url, ["rfq.awarded"])
    subscribe(mould, shop_a, receiver.url, ["rfq.awarded"])
    subscribe(mould, shop_b, receiver.url, ["rfq.awarded"])
    fan_out(mould, "rfq.awarded", in_brain)
    made = {d.endpoint.enterprise_id: json.loads(d.body)["data"] for d in deliveries(mould, in_brain)}
    assert set(made) == {alice.enterprise_id, shop_a.enterprise_id}, "shop_b won nothing"
    assert made[shop_a.enterprise_id]["purchase_orders"] == [work_order.purchase_order_id]
    assert sorted(made[shop_a.enterprise_id]["lines"]) == sorted([cavity.pk, pin.pk])
    assert "winners" not in made[alice.enterprise_id]


def test_a_supplier_hears_of_its_work_order_without_the_buyers_project(
        mould, alice, shop_a, shop_b, accepted, receiver, in_brain):
    work_order, (cavity, pin) = accepted
    subscribe(mould, alice, receiver.url, ["work_order.progress"])
    subscribe(mould, shop_a, receiver.url, ["work_order.progress"])
    subscribe(mould, shop_b, receiver.url, ["work_order.progress"])
    with in_brain(mould):
        line = work_order.lines.get(part=cavity.part)
    work_orders.progress_report(line=line, operation=operation_of(cavity.part, "CNC"), by=shop_a, status="in_progress",
                                percent=40)
    fan_out(mould, "work_order.progress", in_brain)
    made = {d.endpoint.enterprise_id: json.loads(d.body)["data"] for d in deliveries(mould, in_brain)}
    assert set(made) == {alice.enterprise_id, shop_a.enterprise_id}
    assert made[alice.enterprise_id]["project"] == cavity.part.project_id
    assert "project" not in made[shop_a.enterprise_id] and made[shop_a.enterprise_id]["work_order"] == work_order.pk


def test_a_suspended_member_hears_no_more_but_of_its_suspension(mould, olga, shop_a, open_rfq, receiver, in_brain):
    from tenants.models import Membership
    from tenants.services.memberships import membership_decide

    subscribe(mould, shop_a, receiver.url, ["*"])
    with in_brain(mould):
        membership = Membership.objects.get(enterprise_id=shop_a.enterprise_id)
    membership_decide(membership=membership, decision="suspend", note="资质过期", by=olga)
    assert fan_out(mould, "membership.suspended", in_brain) == 1
    assert fan_out(mould, "rfq.published", in_brain) == 0
    [delivery] = deliveries(mould, in_brain)
    assert json.loads(delivery.body)["data"] == {"membership": membership.pk, "note": "资质过期"}


def test_delivery_accepted_is_sent_only_for_accepted_pieces(mould, alice, shop_a, accepted, receiver, in_brain):
    from capacity.services import deliveries as delivery_services

    work_order, (cavity, pin) = accepted
    subscribe(mould, alice, receiver.url, ["delivery.accepted", "delivery.inspected"])
    with in_brain(mould):
        line = work_order.lines.get(part=pin.part)
    delivery = delivery_services.delivery_record(work_order=work_order, by=shop_a, note_number="SH-001",
                                                 delivered_on=timezone.localdate(), lines={line.pk: 40})
    with in_brain(mould):
        row = delivery.lines.get()
    delivery_services.delivery_inspect(delivery_line=row, by=alice, outcome="rework", rejected_quantity=40,
                                       reason="硬度不够")
    fan_out(mould, "delivery.inspected", in_brain)
    assert [d.event_type for d in deliveries(mould, in_brain)] == ["delivery.inspected"]


# --- Sending, signing, retrying ----------------------------------------------------------------------


def test_it_posts_the_body_signed_with_the_endpoints_secret(mould, alice, open_rfq, receiver, in_brain):
    endpoint = subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    [attempt] = attempt_all(mould, in_brain)
    [request] = receiver.requests
    headers = request["headers"]
    assert attempt.status_code == 200 and attempt.response_body == "已收到 200" and attempt.number == 1
    assert verify(endpoint.secret, headers["IB-Signature"], request["body"])
    assert not verify("whsec_another", headers["IB-Signature"], request["body"])
    body = json.loads(request["body"])
    assert body["type"] == headers["IB-Event-Type"] == "rfq.published"
    assert body["id"] == headers["IB-Webhook-Id"] and body["data"] == {"rfq": open_rfq.pk}
    [delivery] = deliveries(mould, in_brain)
    assert delivery.status == "succeeded" and delivery.succeeded_at and delivery.next_attempt_at is None


def test_it_retries_a_failing_receiver_with_growing_waits_then_gives_up(
        mould, alice, open_rfq, receiver, in_brain, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    receiver.answers = [500, 503, 502]
    [delivery] = deliveries(mould, in_brain)
    before = timezone.now()
    webhooks.webhook_attempt(brain_id=mould.pk, delivery_id=delivery.pk)
    [delivery] = deliveries(mould, in_brain)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    assert timedelta(seconds=29) < delivery.next_attempt_at - before < timedelta(seconds=35)
    assert webhooks.webhook_attempt(brain_id=mould.pk, delivery_id=delivery.pk) is None, "not due yet"
    for expected_wait in (90, None):
        with in_brain(mould):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        webhooks.webhook_attempt(brain_id=mould.pk, delivery_id=delivery.pk)
        [delivery] = deliveries(mould, in_brain)
        if expected_wait:
            assert timedelta(seconds=expected_wait - 1) < delivery.next_attempt_at - before < timedelta(seconds=95)
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.next_attempt_at is None
    with in_brain(mould):
        log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number").values_list("number", "status_code"))
    assert log == [(1, 500), (2, 503), (3, 502)]
    assert len(receiver.requests) == 3 and len({r["body"] for r in receiver.requests}) == 1, "the same body each time"


def test_the_retry_schedule_spans_more_than_a_day():
    from django.conf import settings

    waits = [webhooks.retry_delay(n) for n in range(1, settings.WEBHOOK_MAX_ATTEMPTS)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=90), timedelta(seconds=270)]
    assert all(a <= b for a, b in zip(waits, waits[1:])) and max(waits) == timedelta(hours=6)
    assert sum(waits, timedelta()) > timedelta(hours=24)


def test_a_receiver_that_is_down_loses_nothing(mould, alice, open_rfq, receiver, in_brain):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    receiver.close()  # connection refused
    [attempt] = attempt_all(mould, in_brain)
    assert attempt.status_code is None and "ConnectError" in attempt.error
    [delivery] = deliveries(mould, in_brain)
    assert delivery.status == "pending" and delivery.next_attempt_at > timezone.now()


def test_a_replay_by_hand_sends_the_same_delivery_again(mould, alice, open_rfq, receiver, in_brain, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    receiver.answers = [500]
    attempt_all(mould, in_brain)
    [delivery] = deliveries(mould, in_brain)
    assert delivery.status == "failed"
    webhooks.webhook_delivery_replay(delivery=delivery, by=alice)
    [attempt] = attempt_all(mould, in_brain)
    assert attempt.manual and attempt.number == 2 and attempt.status_code == 200
    first, second = receiver.requests
    assert first["body"] == second["body"] and first["headers"]["IB-Webhook-Id"] == second["headers"]["IB-Webhook-Id"]
    assert deliveries(mould, in_brain)[0].status == "succeeded"


def test_two_workers_never_send_one_delivery_twice(mould, alice, open_rfq, receiver, transactional_db, in_brain):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    [delivery] = deliveries(mould, in_brain)
    results = race(*[lambda: webhooks.webhook_attempt(brain_id=mould.pk, delivery_id=delivery.pk)] * 2)
    assert not any(isinstance(r, Exception) for r in results), results
    assert len(receiver.requests) == 1 and sum(r is not None for r in results) == 1


def test_a_switched_off_endpoint_keeps_its_deliveries_until_it_is_on_again(
        mould, alice, open_rfq, receiver, in_brain):
    endpoint = subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    webhooks.webhook_endpoint_update(endpoint=endpoint, by=alice, is_active=False)
    assert attempt_all(mould, in_brain) == [None] and receiver.requests == []
    webhooks.webhook_endpoint_update(endpoint=endpoint, by=alice, is_active=True)
    [attempt] = attempt_all(mould, in_brain)
    assert attempt.status_code == 200 and len(receiver.requests) == 1


def test_a_rotated_secret_signs_the_next_attempt(mould, alice, open_rfq, receiver, in_brain):
    endpoint = subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    rotated = webhooks.webhook_endpoint_rotate_secret(endpoint=endpoint, by=alice)
    attempt_all(mould, in_brain)
    [request] = receiver.requests
    assert rotated.secret != endpoint.secret
    assert verify(rotated.secret, request["headers"]["IB-Signature"], request["body"])
    assert not verify(endpoint.secret, request["headers"]["IB-Signature"], request["body"])


# --- Subscribing: rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url, code", [
    ("ftp://erp.example.com/hook", "invalid_url"),
    ("http://127.0.0.1:9/hook", "invalid_url"),
    ("http://10.1.2.3/hook", "invalid_url"),
    ("https://user:pw@erp.example.com/hook", "invalid_url"),
    ("", "required"),
])
def test_it_refuses_urls_that_would_reach_the_platforms_own_network(mould, alice, settings, url, code, in_brain):
    from tenants.errors import DomainError

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(DomainError) as refused:
        subscribe(mould, alice, url, ["rfq.published"])
    assert refused.value.code == code and refused.value.field == "url"
    with in_brain(mould):
        assert not WebhookEndpoint.objects.exists()


def test_it_refuses_plain_http_where_https_is_required(mould, alice, settings):
    from tenants.errors import DomainError

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = True, True
    with pytest.raises(DomainError, match="https"):
        subscribe(mould, alice, "http://127.0.0.1:9/hook", ["rfq.published"])


def test_the_private_network_check_is_made_again_at_send_time(mould, alice, open_rfq, receiver, in_brain, settings):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    [attempt] = attempt_all(mould, in_brain)
    assert attempt.status_code is None and "127.0.0.1" in attempt.error and receiver.requests == []


def test_only_an_enterprise_administrator_subscribes(mould, bob, alice_ent):
    from tenants.errors import NotAllowed

    with pytest.raises(NotAllowed):
        subscribe(mould, bob, "https://erp.example.com/hook", ["rfq.published"])


def test_unknown_event_types_are_refused_by_name(mould, alice):
    from tenants.errors import DomainError

    with pytest.raises(DomainError, match="rfq.teleported"):
        subscribe(mould, alice, "https://erp.example.com/hook", ["rfq.published", "rfq.teleported"])


# --- The API ------------------------------------------------------------------------------------------


def test_api_create_answers_the_secret_once_and_lists_hide_it(mould, alice, receiver):
    client = api_as(alice)
    created = client.post(url("webhook-endpoint-list", brain=mould),
                          {"url": receiver.url, "event_types": ["rfq.published", "work_order.progress"],
                           "description": "金蝶云星空"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["rfq.published", "work_order.progress"]
    listed = client.get(url("webhook-endpoint-list", brain=mould)).json()["results"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    assert client.get(url("webhook-endpoint-secret", brain=mould, pk=body["id"])).json()["secret"] == body["secret"]


def test_api_bad_input_names_the_field_and_writes_nothing(mould, alice, in_brain):
    client = api_as(alice)
    response = client.post(url("webhook-endpoint-list", brain=mould), {"url": "https://erp.example.com/h",
                                                                 "event_types": ["nope"]}, format="json")
    assert response.status_code == 400 and "event_types" in response.json()["fields"]
    response = client.post(url("webhook-endpoint-list", brain=mould), {"url": "not a url", "event_types": ["*"]},
                           format="json")
    assert response.status_code == 400 and "url" in response.json()["fields"]
    with in_brain(mould):
        assert not WebhookEndpoint.objects.exists()


def test_api_another_enterprises_endpoint_does_not_exist_for_you(mould, alice, shop_a, receiver):
    theirs = subscribe(mould, shop_a, receiver.url, ["*"])
    client = api_as(alice)
    assert client.get(url("webhook-endpoint-list", brain=mould)).json()["results"] == []
    for name in ("webhook-endpoint-detail", "webhook-endpoint-secret"):
        assert client.get(url(name, brain=mould, pk=theirs.pk)).status_code == 404
    assert client.post(url("webhook-endpoint-rotate-secret", brain=mould, pk=theirs.pk)).status_code == 404
    assert client.delete(url("webhook-endpoint-detail", brain=mould, pk=theirs.pk)).status_code == 404


def test_api_a_read_only_key_reads_but_does_not_subscribe(mould, alice, receiver):
    from rest_framework.test import APIClient

    from tenants.services.api_keys import api_key_create

    issued = api_key_create(by=alice, name="MES", scope="read", brains=[mould])
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
    assert client.get(url("webhook-endpoint-list", brain=mould)).status_code == 200
    response = client.post(url("webhook-endpoint-list", brain=mould), {"url": receiver.url, "event_types": ["*"]},
                           format="json")
    assert response.status_code == 403 and response.json()["code"] == "read_only_key"


def test_api_delivery_log_shows_each_attempt_and_replays(mould, alice, open_rfq, receiver, in_brain):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    receiver.answers = [500]
    attempt_all(mould, in_brain)
    client = api_as(alice)
    [row] = client.get(url("webhook-delivery-list", brain=mould), {"status": "pending"}).json()["results"]
    assert row["attempts"] == 1 and row["last_status_code"] == 500 and row["body"]["data"] == {"rfq": open_rfq.pk}
    assert row["attempt_log"][0]["response_body"] == "已收到 500"
    replayed = client.post(url("webhook-delivery-replay", brain=mould, pk=row["id"]))
    assert replayed.status_code == 202 and replayed.json()["next_attempt_at"]
    attempt_all(mould, in_brain)
    detail = client.get(url("webhook-delivery-detail", brain=mould, pk=row["id"])).json()
    assert detail["status"] == "succeeded" and [a["number"] for a in detail["attempt_log"]] == [2, 1]
    assert detail["attempt_log"][0]["manual"] is True


def test_api_event_types_list_names_and_meanings(alice):
    types = {t["name"]: t["description"] for t in api_as(alice).get(reverse("webhook-event-types")).json()}
    for name in ("rfq.published", "quote.submitted", "rfq.awarded", "work_order.progress", "delivery.accepted", "ping"):
        assert types[name]


# --- End to end: a real worker, a real broker ---------------------------------------------------------------


def test_a_progress_report_reaches_the_buyers_erp_through_the_worker(
        mould, alice, shop_a, accepted, receiver, celery_worker):
    work_order, (cavity, pin) = accepted
    endpoint = subscribe(mould, alice, receiver.url, ["work_order.progress"])
    client = api_as(shop_a)
    from tenants.context import brain_context

    with brain_context(mould.pk):
        line = work_order.lines.get(part=pin.part)
    response = client.post(reverse("work-order-report", kwargs={"brain_slug": "mould", "pk": work_order.pk}),
                           {"line": line.pk, "operation": operation_of(pin.part, "HT").pk, "status": "done"},
                           format="json")
    assert response.status_code == 201, response.json()
    assert wait_for(lambda: receiver.requests, timeout=15)
    [request] = receiver.requests
    body = json.loads(request["body"])
    assert body["type"] == "work_order.progress" and body["data"]["line"] == line.pk
    assert verify(endpoint.secret, request["headers"]["IB-Signature"], request["body"])


def test_the_worker_retries_until_the_receiver_answers(mould, alice, open_rfq, receiver, celery_worker, settings):
    from tenants.context import brain_context

    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.2
    receiver.answers = [500, 500]
    subscribe(mould, alice, receiver.url, ["ping"])
    with brain_context(mould.pk):
        endpoint = WebhookEndpoint.objects.get()
    delivery = webhooks.webhook_endpoint_ping(endpoint=endpoint, by=alice)

    def delivered():
        webhooks.webhooks_due()  # what beat does every 15 s
        with brain_context(mould.pk):
            return WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded"

    assert wait_for(delivered, timeout=20, interval=0.3)
    assert len(receiver.requests) == 3
    assert [r["headers"]["IB-Attempt"] for r in receiver.requests] == ["1", "2", "3"]


def test_the_verification_snippet_in_the_docs_accepts_our_signature_and_nothing_else():
    """docs/api.md's snippet is what integrators copy: it must verify what we send, and refuse the rest."""
    import re
    import time
    from pathlib import Path

    text = Path(__file__).resolve().parent.parent.joinpath("docs", "api.md").read_text()
    code = re.search(r"<!-- verify-snippet -->\n```python\n(.*?)```", text, re.S).group(1)
    scope = {}
    exec(compile(code, "docs/api.md", "exec"), scope)
    verify_documented = scope["verify"]
    body = '{"type":"ping","data":{"note":"模具"}}'
    header = webhooks.signature(secret="whsec_s3cret", timestamp=int(time.time()), body=body)
    assert verify_documented("whsec_s3cret", header, body.encode())
    assert not verify_documented("whsec_other", header, body.encode())
    assert not verify_documented("whsec_s3cret", header, body.replace("模具", "模架").encode())
    stale = webhooks.signature(secret="whsec_s3cret", timestamp=int(time.time()) - 3600, body=body)
    assert not verify_documented("whsec_s3cret", stale, body.encode())
    assert not verify_documented("whsec_s3cret", "garbage", body.encode())


# --- Found in review -------------------------------------------------------------------------------------------


def test_it_connects_to_the_address_it_checked_and_names_the_host(mould, alice, open_rfq, receiver, in_brain):
    """The name is resolved once per attempt and that address is the one connected to (no second lookup a
    rebinding DNS could answer differently); the receiver still sees its own host name."""
    named = receiver.url.replace("127.0.0.1", "localhost")
    subscribe(mould, alice, named, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    [attempt] = attempt_all(mould, in_brain)
    [request] = receiver.requests
    assert attempt.status_code == 200 and request["headers"]["Host"].startswith("localhost:")


def test_only_the_first_2_kb_of_a_long_answer_is_read_and_kept(mould, alice, open_rfq, in_brain, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS, settings.WEBHOOK_REQUIRE_HTTPS = True, False

    class Flood(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()
            for _ in range(2000):  # 2 MB of answer
                self.wfile.write(b"x" * 1024)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Flood)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        subscribe(mould, alice, f"http://127.0.0.1:{server.server_address[1]}/", ["rfq.published"])
        fan_out(mould, "rfq.published", in_brain)
        [attempt] = attempt_all(mould, in_brain)
    finally:
        server.shutdown()
        server.server_close()
    assert attempt.status_code == 200 and len(attempt.response_body) == webhooks.RESPONSE_KEPT


def test_an_attempt_that_outlived_its_lease_is_logged_but_decides_nothing(mould, alice, open_rfq, receiver, in_brain):
    subscribe(mould, alice, receiver.url, ["rfq.published"])
    fan_out(mould, "rfq.published", in_brain)
    [delivery] = deliveries(mould, in_brain)
    with in_brain(mould):  # a second worker claimed attempt 2 after the first one's lease ran out
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=2, locked_until=timezone.now())
    late = webhooks.attempt_record(brain_id=mould.pk, delivery_id=delivery.pk, number=1,
                                   outcome=webhooks.Outcome(200, "ok", "", 40000))
    [delivery] = deliveries(mould, in_brain)
    assert late.number == 1 and delivery.status == "pending" and delivery.locked_until is not None


def test_a_port_out_of_range_is_refused_not_a_crash(mould, alice):
    response = api_as(alice).post(url("webhook-endpoint-list", brain=mould),
                                  {"url": "https://erp.example.com:99999/hook", "event_types": ["*"]}, format="json")
    assert response.status_code == 400 and "url" in response.json()["fields"]


def test_a_read_only_key_cannot_read_the_signing_secret(mould, alice, receiver):
    from rest_framework.test import APIClient

    from tenants.services.api_keys import api_key_create

    endpoint = subscribe(mould, alice, receiver.url, ["*"])
    reader = APIClient(HTTP_AUTHORIZATION=f"Api-Key {api_key_create(by=alice, name='BI', scope='read', brains=[mould]).secret}")
    writer = APIClient(HTTP_AUTHORIZATION=f"Api-Key {api_key_create(by=alice, name='ERP', scope='write', brains=[mould]).secret}")
    refused = reader.get(url("webhook-endpoint-secret", brain=mould, pk=endpoint.pk))
    assert refused.status_code == 403 and endpoint.secret not in refused.content.decode()
    assert writer.get(url("webhook-endpoint-secret", brain=mould, pk=endpoint.pk)).json()["secret"] == endpoint.secret


def test_an_endpoint_whose_host_no_longer_resolves_can_still_be_switched_off(mould, alice, settings):
    endpoint = subscribe(mould, alice, "https://erp.example.com/hook", ["*"])
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False  # the check now resolves names; this one resolves nowhere here
    off = webhooks.webhook_endpoint_update(endpoint=endpoint, by=alice, is_active=False)
    assert off.is_active is False
    from tenants.errors import DomainError

    with pytest.raises(DomainError):
        webhooks.webhook_endpoint_update(endpoint=endpoint, by=alice, is_active=True)
