"""What every app's tests share beyond fixtures: brain API URLs, racing two callers, following a live socket.

Fixtures (brains, people, API clients) stay in the root conftest.py; these are plain functions to import:

    from tests.support import follow, race, url
"""

import asyncio
import json
import threading

import websockets
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

# --- The brain API ----------------------------------------------------------------------------------------


def url(name, pk=None, *, brain="mould", **query):
    """The brain API route `name` (a router name: "rfq-list", "rfq-detail", "rfq-publish") in `brain` (a slug or
    a Brain), for object `pk`, with `query` appended as given (values are not escaped: pass them encoded)."""
    kwargs = {"brain_slug": getattr(brain, "slug", brain)}
    if pk is not None:
        kwargs["pk"] = pk
    path = reverse(name, kwargs=kwargs)
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def ids(response):
    """The ids of a list answer's page (asserting it is a 200)."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Two callers at once ------------------------------------------------------------------------------------


def race(*calls, timeout=30):
    """Run the calls at the same moment, each in a thread with its own database connection; return what each
    returned, or the exception it raised (the loser's error is usually what a test asserts on)."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            results[index] = call()
        except Exception as error:  # noqa: BLE001  (handed back to the test as the call's result)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


# --- Live pages over a real WebSocket ------------------------------------------------------------------------


def session_cookie(live_server_url, user):
    """A logged-in session of `user` on the live server, as a Cookie header value."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return f"sessionid={client.cookies['sessionid'].value}"


def update(message):
    return message["type"] == "update"


def follow(live_server_url, user, *, brain="mould", topic=None, id=None, then=None, until=update, timeout=10):
    """Open `brain`'s live socket as `user` (None: anonymous), as an open page does.

    With a `topic`, subscribe to (topic, id) and answer the subscription's reply; without, answer the hello.
    If `then` is given (a plain callable, run as the page waits), also collect the messages pushed after it up
    to the first one `until` accepts: (first reply, messages). A refused handshake raises websockets'
    InvalidStatus."""
    socket_url = live_server_url.replace("http", "ws", 1) + f"/ws/b/{getattr(brain, 'slug', brain)}/live/"
    headers = {"Origin": live_server_url}
    if user is not None:
        headers["Cookie"] = session_cookie(live_server_url, user)

    async def listen():
        async with websockets.connect(socket_url, additional_headers=headers) as socket:
            first = json.loads(await asyncio.wait_for(socket.recv(), timeout))  # hello
            if topic is not None:
                await socket.send(json.dumps({"subscribe": topic, "id": id}))
                first = json.loads(await asyncio.wait_for(socket.recv(), timeout))
            if then is None:
                return first, []
            await sync_to_async(then)()
            received = []  # other pushes (a notification of the same event, an earlier one) may come first
            while not any(until(message) for message in received):
                received.append(json.loads(await asyncio.wait_for(socket.recv(), timeout)))
            return first, received

    return asyncio.run(listen())
