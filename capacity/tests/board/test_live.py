"""The project board follows its project over a real WebSocket: a supplier's report reaches an open board
through the outbox, a real Celery worker and channels-redis; nobody but the buyer follows a board."""

import pytest

from capacity.services import work_orders
from capacity.tests.conftest import operation_of
from tenants.context import brain_context
from tests.support import follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_suppliers_report_reaches_the_open_board(live_server_url, celery_worker, accepted, project, parts, alice,
                                                   shop_a):
    work_order, (cavity, _pin) = accepted
    with brain_context(work_order.brain_id):
        line = work_order.lines.select_related("work_order", "part").get(award__rfq_line=cavity)

    def report():
        work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                    status="in_progress", percent=35)

    # earlier events (the fixture's acceptance) may be pushed first when the worker drains the outbox
    subscribed, received = follow(live_server_url, alice, topic="board", id=project.pk, then=report,
                                  until=lambda m: m["type"] == "update" and m["what"] == "work_order.progress")
    assert subscribed == {"type": "subscribed", "topic": "board", "ok": True}
    update = received[-1]
    assert update == {"type": "update", "topic": "board", "id": project.pk, "what": "work_order.progress",
                      "parts": [parts["cavity"].pk]}  # the row to re-fetch


def test_only_the_buyers_users_follow_a_board(live_server_url, project, parts, alice, bob, shop_a, olga):
    for user, ok in ((alice, True), (bob, True), (shop_a, False), (olga, False)):
        subscribed, _received = follow(live_server_url, user, topic="board", id=project.pk)
        assert subscribed["ok"] is ok, user


def test_an_idle_live_page_outlives_the_channel_layers_wait():
    """An idle socket used to die after 5 s: redis-py read with a 5 s timeout while channels-redis blocks 5 s in
    BRPOP for the next message. The layer must read longer than it blocks."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    [host] = layer.hosts
    assert host["socket_timeout"] > layer.brpop_timeout
