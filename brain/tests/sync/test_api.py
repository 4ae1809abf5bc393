"""The operators' sync API: sources, run now (through the outbox to a real Celery worker), runs, quarantine."""

import pytest
from rest_framework.test import APIClient

from brain import fake_registry
from brain.models import DataSource, PublicRecord, QuarantinedRecord, SyncRun
from brain.services.sync import sync_runs_queue_due
from brain.sync.engine import sync_run_execute
from conftest import api_as, wait_for
from tenants.context import brain_context
from tenants.services import api_keys as services
from tests.support import url


def source_body(registry, **overrides):
    return {"name": "市场监管局企业登记信息", "kind": "http_json", "department": "market_regulation",
            "record_type": "registration", "url": registry.url, "token": registry.token,
            "mapping": fake_registry.MAPPING, "options": {"page_size": 50, "timeout": 1},
            "authoritative_for": ["legal_name"], "priority": 60, "interval_minutes": 0, **overrides}


def test_an_operator_creates_a_source_and_the_token_is_never_shown(mould, olga, registry):
    api = api_as(olga)
    response = api.post(url("sync-source-list"), source_body(registry), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_token"] is True and "token" not in body and body["next_run_at"] is None
    changed = api.patch(url("sync-source-detail", pk=body["id"]), {"enabled": False, "priority": 70}, format="json")
    assert changed.status_code == 200 and changed.json()["priority"] == 70 and changed.json()["enabled"] is False
    with brain_context(mould.pk):
        assert DataSource.objects.get().token == registry.token  # kept when not sent


@pytest.mark.parametrize("change, field", [
    ({"mapping": {"as_of": "gxsj", "attributes": {"legal_name": "qymc"}}}, "mapping"),
    ({"authoritative_for": ["tax_credit_rating"]}, "authoritative_for"),
    ({"url": "ftp://registry.example.gov.cn/"}, "url"),
    ({"kind": "file_drop", "folder": "../outside"}, "folder"),
    ({"options": {"page_size": 0}}, "options"),
    ({"mapping": {**fake_registry.MAPPING, "attributes": {"legal_name": "qy\u0000mc"}}}, "mapping"),
])
def test_a_bad_setting_is_named(mould, olga, registry, change, field):
    response = api_as(olga).post(url("sync-source-list"), source_body(registry, **change), format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()


def test_run_now_goes_through_the_outbox_to_a_worker_and_asking_twice_runs_once(mould, olga, registry, celery_worker):
    api = api_as(olga)
    made = api.post(url("sync-source-list"), source_body(registry), format="json").json()
    first = api.post(url("sync-source-run", pk=made["id"]))
    second = api.post(url("sync-source-run", pk=made["id"]))
    assert first.status_code == 202 and first.json()["status"] in ("queued", "running", "succeeded")

    def finished():
        with brain_context(mould.pk):
            return SyncRun.objects.filter(status="succeeded").first()

    run = wait_for(finished, timeout=30)
    assert run is not None and run.pk == first.json()["id"]
    # The second ask is the same queued run, or (the worker was quicker) one more run after it: never two at once.
    assert second.status_code == 202 and second.json()["id"] >= run.pk
    detail = api.get(url("sync-run-detail", pk=run.pk)).json()
    assert (detail["rows_read"], detail["inserted"], detail["rejected"], detail["reconciled"]) == (120, 116, 4, True)
    assert PublicRecord.objects.count() == 116


def test_the_quarantine_is_listed_retried_with_a_corrected_code_and_dismissed(mould, olga, source):
    sync_run_execute(brain_id=mould.pk, source_id=source.pk)
    api = api_as(olga)
    listed = api.get(url("quarantined-record-list"), {"reason_code": "credit_code_check"}).json()["results"]
    assert len(listed) == 2 and all("GB 32100-2015" in row["reason"] for row in listed)
    wrong = listed[0]
    refused = api.post(url("quarantined-record-retry", pk=wrong["id"]), {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "credit_code_check"
    code = wrong["credit_code"][:17] + fake_registry.credit_code.check_character(wrong["credit_code"][:17])
    taken = api.post(url("quarantined-record-retry", pk=wrong["id"]), {"credit_code": code}, format="json")
    assert taken.status_code == 200 and taken.json()["status"] == "resolved"
    assert PublicRecord.objects.filter(credit_code=code).exists()
    dismissed = api.post(url("quarantined-record-dismiss", pk=listed[1]["id"]))
    assert dismissed.json()["status"] == "dismissed"
    again = api.post(url("quarantined-record-dismiss", pk=listed[1]["id"]))
    assert again.status_code == 400 and again.json()["code"] == "not_open"
    with brain_context(mould.pk):
        assert QuarantinedRecord.objects.filter(status="open").count() == 2


def test_an_enterprise_api_key_finds_no_sync_endpoint(mould, alice):
    issued = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
    assert client.get(url("sync-source-list")).status_code == 404
    assert client.post(url("sync-source-list"), {}, format="json").status_code == 404


def test_beat_queues_due_sources_once(mould, olga, registry):
    api_as(olga).post(url("sync-source-list"), source_body(registry, interval_minutes=30), format="json")
    assert sync_runs_queue_due() == 1
    assert sync_runs_queue_due() == 0  # not due again for 30 minutes
    with brain_context(mould.pk):
        assert SyncRun.objects.get().status == "queued"
