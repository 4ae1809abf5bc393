"""RFQ pages follow their RFQ over a real WebSocket; nobody follows an RFQ they may not see."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.services import rfqs
from capacity.tests.conftest import lines_of, price
from tests.support import follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_buyer_hears_of_a_quote_without_its_price(live_server_url, celery_worker, open_rfq, alice, shop_a):
    def quote():
        rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "16666")])

    subscribed, received = follow(live_server_url, alice, topic="rfq", id=open_rfq.pk, then=quote)
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
    allowed, _ = follow(live_server_url, shop_a, topic="rfq", id=rfq.pk)
    refused, _ = follow(live_server_url, shop_b, topic="rfq", id=rfq.pk)
    buyer, _ = follow(live_server_url, alice, topic="rfq", id=rfq.pk)
    assert buyer["ok"] is True and allowed["ok"] is False and refused["ok"] is False


def test_nobody_follows_a_draft_but_its_buyer(live_server_url, project, parts, alice, shop_a):
    draft = rfqs.rfq_create(project=project, by=alice, title="草稿", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk}])
    assert follow(live_server_url, shop_a, topic="rfq", id=draft.pk)[0]["ok"] is False
    assert follow(live_server_url, alice, topic="rfq", id=draft.pk)[0]["ok"] is True
