"""The operators' sync pages: sources, one source, a run, the quarantine."""

import json

from brain import fake_registry
from brain.models import DataSource, QuarantinedRecord, SyncRun
from brain.sync.engine import sync_run_execute
from tenants.context import brain_context


def test_the_operator_adds_a_source_from_the_form(client, mould, olga, registry):
    client.force_login(olga)

    response = client.post("/b/mould/operator/sync/", {
        "name": "市场监管局企业登记信息", "kind": "http_json", "department": "market_regulation",
        "record_type": "registration", "url": registry.url, "token": registry.token,
        "mapping": json.dumps(fake_registry.MAPPING), "options": '{"page_size": 50}',
        "authoritative_for": "legal_name， status", "priority": "50", "interval_minutes": "60",
        "lookback_minutes": "10", "enabled": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    with brain_context(mould.pk):
        made = DataSource.objects.get()
    assert made.authoritative_for == ["legal_name", "status"] and made.token == registry.token
    page = client.get(response["Location"]).content.decode()
    assert "市场监管局企业登记信息" in page and registry.token not in page


def test_a_form_with_a_bad_mapping_says_why(client, mould, olga, registry):
    client.force_login(olga)
    response = client.post("/b/mould/operator/sync/", {
        "name": "x", "kind": "http_json", "department": "tax", "record_type": "tax_credit", "url": registry.url,
        "mapping": "{not json", "priority": "10", "interval_minutes": "0", "lookback_minutes": "0"})
    assert response.status_code == 400 and "JSON" in response.content.decode()


def test_run_now_queues_a_run_and_the_pages_show_counts_errors_and_quarantine(client, mould, olga, source, registry):
    client.force_login(olga)
    page = f"/b/mould/operator/sync/sources/{source.pk}/"
    assert client.post(page, {"action": "run"}).status_code == 302
    with brain_context(mould.pk):
        queued = SyncRun.objects.get()
    assert queued.status == "queued" and queued.trigger == "manual"
    registry.error_pages = {2: 1}
    done = sync_run_execute(brain_id=mould.pk, source_id=source.pk, run_id=queued.pk)
    shown = client.get(f"/b/mould/operator/sync/runs/{done.pk}/").content.decode()
    assert "HTTP 500" in shown and "credit_code" not in shown.split("data-testid=\"counts\"")[0][-10:]
    assert ">120<" in shown and ">116<" in shown and ">4<" in shown
    listed = client.get("/b/mould/operator/sync/").content.decode()
    assert source.name in listed
    quarantine = client.get("/b/mould/operator/sync/quarantine/").content.decode()
    assert "GB 32100-2015" in quarantine


def test_a_quarantined_row_is_retried_from_the_page(client, mould, olga, source):
    sync_run_execute(brain_id=mould.pk, source_id=source.pk)
    with brain_context(mould.pk):
        wrong = QuarantinedRecord.objects.filter(reason_code="credit_code_check").first()
    fixed = wrong.credit_code[:17] + fake_registry.credit_code.check_character(wrong.credit_code[:17])
    client.force_login(olga)
    response = client.post("/b/mould/operator/sync/quarantine/", {"action": "retry", "record": wrong.pk,
                                                                  "credit_code": fixed})
    assert response.status_code == 302
    with brain_context(mould.pk):
        assert QuarantinedRecord.objects.get(pk=wrong.pk).status == "resolved"


def test_the_source_is_changed_and_removed_from_its_page(client, mould, olga, source):
    client.force_login(olga)

    page = f"/b/mould/operator/sync/sources/{source.pk}/"
    assert client.get(page).status_code == 200
    response = client.post(page, {
        "action": "save", "name": "企业登记（台州）", "kind": "http_json", "department": "market_regulation",
        "record_type": "registration", "url": source.url, "mapping": json.dumps(source.mapping),
        "options": json.dumps(source.options), "authoritative_for": "legal_name", "priority": "55",
        "interval_minutes": "120", "lookback_minutes": "10", "enabled": "on", "reset_watermark": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with brain_context(mould.pk):
        changed = DataSource.objects.get()
    assert (changed.name, changed.priority, changed.token) == ("企业登记（台州）", 55, source.token)
    assert client.post(page, {"action": "delete"}).status_code == 302
    with brain_context(mould.pk):
        assert not DataSource.objects.exists()
