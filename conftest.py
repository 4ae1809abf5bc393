"""Fixtures shared by every app's tests.

Two brains, and people in the habit of the Healthchecks fixtures: alice administers 精诚模具 (a buyer
in the mould brain), bob works on alice's team, charlie administers 东方泵业 in the pump-valve brain
and must see nothing of alice's; olga operates the mould brain; root administers the platform.
"""

import os

import pytest
from rest_framework.test import APIClient

from tenants.context import brain_context, cross_brain
from tenants.demo import demo_credit_code
from tenants.models import Brain, BrainStaff, Enterprise, Membership, Process, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

PASSWORD = "s3cret-测试"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_brain(slug, name_zh, processes=(("CNC", "CNC铣削", "CNC milling"), ("HT", "热处理", "Heat treatment"))):
    brain = Brain.objects.create(slug=slug, name_zh=name_zh, name_en=slug.title(), sector=slug)
    with brain_context(brain.pk):
        for order, (code, zh, en) in enumerate(processes):
            Process.objects.create(brain=brain, code=code, name_zh=zh, name_en=en, sort_order=order)
    return brain


def make_enterprise(index, name, region="331003"):
    return Enterprise.objects.create(credit_code=demo_credit_code(900 + index, region), legal_name=name,
                                     region_code=region)


def make_user(username, *, enterprise=None, role="admin", mobile=None, **extra):
    user = User(username=username, enterprise=enterprise, enterprise_role=role if enterprise else "",
                mobile=mobile, full_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def join(brain, enterprise, roles=("buyer",), status=Membership.Status.ACTIVE):
    with brain_context(brain.pk):
        return Membership.objects.create(brain=brain, enterprise=enterprise, roles=list(roles), status=status)


@pytest.fixture
def mould(db):
    return make_brain("mould", "模具（塑料）产业大脑")


@pytest.fixture
def pump(db):
    return make_brain("pump-valve", "泵阀产业大脑", processes=(("CAST", "铸造", "Casting"),))


@pytest.fixture
def alice_ent(mould):
    enterprise = make_enterprise(1, "台州市黄岩精诚模具有限公司")
    join(mould, enterprise, roles=("buyer",))
    return enterprise


@pytest.fixture
def alice(alice_ent):
    return make_user("alice", enterprise=alice_ent, mobile="13900000001")


@pytest.fixture
def bob(alice_ent):
    return make_user("bob", enterprise=alice_ent, role="member")


@pytest.fixture
def charlie_ent(pump):
    enterprise = make_enterprise(2, "温岭市东方泵业有限公司", region="331081")
    join(pump, enterprise, roles=("buyer", "supplier"))
    return enterprise


@pytest.fixture
def charlie(charlie_ent):
    return make_user("charlie", enterprise=charlie_ent)


@pytest.fixture
def olga(mould):
    user = make_user("olga")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=user, role=BrainStaff.Role.OPERATOR)
    return user


@pytest.fixture
def root(db):
    return make_user("root", is_platform_admin=True)


@pytest.fixture
def api():
    return APIClient()


def api_as(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def in_brain():
    """`with in_brain(brain):` read tenant rows in a test as the application would."""
    return lambda brain: brain_context(brain.pk)


@pytest.fixture
def everywhere():
    """`with everywhere():` read across brains (the audited path), for assertions."""
    return lambda: cross_brain(reason="test assertion")


# --- Real servers for flows that cross processes -------------------------------------------------


@pytest.fixture
def live_server_url(transactional_db):
    """The ASGI app (HTTP + WebSocket) served by uvicorn on a free port, in a thread of this process."""
    import socket
    import threading
    import time

    import uvicorn

    from config.asgi import application

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (threads pool) consuming every queue from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                      queues=["matching", "sync", "webhooks", "default"], shutdown_timeout=10) as worker:
        yield worker


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll until predicate() is truthy (for effects of another process or thread); return its value."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
