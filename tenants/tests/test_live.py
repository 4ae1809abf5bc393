"""Live pushes over a real WebSocket, through a real Celery worker and channels-redis."""

import asyncio
import json

import pytest
import websockets
from django.test import Client

from conftest import PASSWORD
from tenants import services


def session_cookie(live_server_url, user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _receive(url, origin, cookie, until, timeout=10):
    async with websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": origin}) as socket:
        hello = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        await until()
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        return hello, message


@pytest.mark.django_db(transaction=True)
def test_an_operator_sees_a_new_application_arrive_live(live_server_url, celery_worker, mould, olga, charlie,
                                                        charlie_ent):
    cookie = session_cookie(live_server_url, olga)
    ws_url = live_server_url.replace("http://", "ws://") + "/ws/b/mould/live/"

    async def apply():
        from asgiref.sync import sync_to_async

        await sync_to_async(services.membership_apply)(
            brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie
        )

    hello, message = asyncio.run(_receive(ws_url, live_server_url, cookie, apply))
    assert hello == {"type": "hello", "brain": "mould"}
    assert message["type"] == "notification" and message["kind"] == "membership.applied"


@pytest.mark.django_db(transaction=True)
def test_a_socket_for_a_brain_the_user_cannot_enter_is_refused(live_server_url, pump, alice):
    cookie = session_cookie(live_server_url, alice)
    ws_url = live_server_url.replace("http://", "ws://") + "/ws/b/pump-valve/live/"

    async def connect():
        async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": live_server_url}):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        asyncio.run(connect())
    assert refused.value.response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_socket_is_refused(live_server_url, mould):
    ws_url = live_server_url.replace("http://", "ws://") + "/ws/b/mould/live/"

    async def connect():
        async with websockets.connect(ws_url, additional_headers={"Origin": live_server_url}):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus):
        asyncio.run(connect())
