"""A worker killed mid-run loses and duplicates nothing: the sync runs in a real `manage.py brain_sync` process,
is killed with SIGKILL while it waits for a slow page, and a re-run finishes the job."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from brain import fake_registry
from brain.models import DataSource, PublicRecord, QuarantinedRecord, SyncRun
from brain.sync.engine import sync_run_execute
from brain.tests.conftest import http_source
from tenants.context import brain_context

ROOT = Path(__file__).resolve().parents[3]


def child_env() -> dict:
    """The environment of a child process that talks to this test's database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    return {**os.environ, "DATABASE_URL": url, "GOV_SYNC_RETRY_BASE_SECONDS": "0.01",
            "GOV_DATA_DROP_DIR": str(settings.GOV_DATA_DROP_DIR)}


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(transactional_db, mould, olga):
    rows = fake_registry.registry_rows(300, bad_every=40)
    expected_good = {r["tyshxydm"] for r in rows} - {r["tyshxydm"] for i, r in enumerate(rows) if i % 40 == 39}
    with fake_registry.FakeRegistry(rows) as registry:
        source = http_source(mould, olga, registry, options={"page_size": 50, "timeout": 60, "retries": 0})
        registry.slow_pages = {4: 60}  # the worker waits here, with three batches durable
        worker = subprocess.Popen([sys.executable, "manage.py", "brain_sync", str(source.pk), "--batch-size", "50"],
                                  cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with brain_context(mould.pk):
                    killed = SyncRun.objects.filter(source=source).first()
                if killed and killed.batches >= 3:
                    break
                assert worker.poll() is None, worker.communicate()
                time.sleep(0.1)
            else:
                raise AssertionError("the worker never got three batches in")
            time.sleep(0.3)  # into the slow page, mid-batch
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        with brain_context(mould.pk):
            killed.refresh_from_db()
            watermark = DataSource.objects.get(pk=source.pk).watermark
        assert killed.status == "running" and killed.batches == 3 and killed.reconciled
        assert watermark == killed.watermark_to
        assert PublicRecord.objects.count() == 150 - 3  # three batches, three bad codes among them

        registry.slow_pages = {}
        resumed = sync_run_execute(brain_id=mould.pk, source_id=source.pk, batch_size=50)

    assert resumed.status == "succeeded", resumed.error
    assert resumed.since == watermark - timedelta(minutes=10)
    with brain_context(mould.pk):
        killed.refresh_from_db()
        assert killed.status == "abandoned" and killed.finished_at is not None
        quarantined = list(QuarantinedRecord.objects.filter(source=source).values_list("credit_code", flat=True))
    assert set(PublicRecord.objects.values_list("credit_code", flat=True)) == expected_good
    assert PublicRecord.objects.count() == len(expected_good) == 300 - 7
    assert len(quarantined) == len(set(quarantined)) == 7  # re-read by the look-back, quarantined once
    assert resumed.inserted == 300 - 7 - 147 and resumed.reconciled
