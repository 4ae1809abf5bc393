"""RFQ pages follow their RFQ over a real WebSocket; nobody follows an RFQ they may not see."""

import asyncio
import json
from datetime import timedelta

import pytest
import websockets
from django.utils import timezone

from capacity.services import rfqs
from capacity.tests.conftest import lines_of, price
from tenants.tests.test_live import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def follow(url, origin, cookie, rfq_id, then=None, timeout=10):
    async with websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": origin}) as socket:
        await asyncio.wait_for(socket.recv(), timeout)  # hello
        await socket.send(json.dumps({"subscribe": "rfq", "id": rfq_id}))
        subscribed = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if then is None:
            return subscribed, []
        await then()
        received = []  # the buyer's notification of the same event may come before the update
        while not any(m["type"] == "update" for m in received):
            received.append(json.loads(await asyncio.wait_for(socket.recv(), timeout)))
        return subscribed, received


def test_the_buyer_hears_of_a_quote_without_its_price(live_server_url, celery_worker, open_rfq, alice, shop_a):
    from asgiref.sync import sync_to_async

    async def quote():
        await sync_to_async(rfqs.quote_submit)(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "16666")])

    ws = live_server_url.replace("http", "ws") + "/ws/b/mould/live/"
    subscribed, received = asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, alice),
                                              open_rfq.pk, quote))
    assert subscribed == {"type": "subscribed", "topic": "rfq", "ok": True}
    [update] = [m for m in received if m["type"] == "update"]
    assert update["topic"] == "rfq" and update["id"] == open_rfq.pk
    assert "16666" not in json.dumps(received)


def test_suppliers_cannot_follow_an_rfq_not_even_when_invited(live_server_url, project, parts, alice, shop_a,
                                                               shop_b):
    """The feed tells when quotes arrive: competitors must not learn that."""
    rfq = rfqs.rfq_create(project=project, by=alice, title="定向询价", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": parts["pin"].pk}], invited=[shop_a.enterprise_id], open_to_all=False)
    rfqs.rfq_publish(rfq=rfq, by=alice)
    ws = live_server_url.replace("http", "ws") + "/ws/b/mould/live/"
    allowed, _ = asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, shop_a), rfq.pk))
    refused, _ = asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, shop_b), rfq.pk))
    buyer, _ = asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, alice), rfq.pk))
    assert buyer["ok"] is True and allowed["ok"] is False and refused["ok"] is False


def test_nobody_follows_a_draft_but_its_buyer(live_server_url, project, parts, alice, shop_a):
    draft = rfqs.rfq_create(project=project, by=alice, title="草稿", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk}])
    ws = live_server_url.replace("http", "ws") + "/ws/b/mould/live/"
    assert asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, shop_a), draft.pk))[0]["ok"] is False
    assert asyncio.run(follow(ws, live_server_url, session_cookie(live_server_url, alice), draft.pk))[0]["ok"] is True
