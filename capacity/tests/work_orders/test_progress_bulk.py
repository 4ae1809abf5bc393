"""Bulk progress reports (`POST progress-reports/bulk/`): an MES posts a shift's reports in one call, all or none.

宏达 (shop_a) makes alice's cavity (CNC, then HT) and her 40 pins (HT) in one accepted work order; 永盛 (shop_b), a
supplier of the same brain, and charlie's enterprise in the pump-valve brain must not reach it, and nothing of
theirs may be reached through it.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from capacity.models import ProgressReport, WorkOrderLine
from capacity.services import work_orders
from capacity.tests.conftest import operation_of
from capacity.tests.work_orders.test_api import lines_by_part
from conftest import api_as
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import IdempotencyRecord, Membership, OutboxEvent
from tenants.services import api_keys as tenant_services
from tests.support import url


@pytest.fixture
def shift(accepted, parts):
    """The accepted work order, its lines and their operations, and a report maker for them."""
    work_order, _lines = accepted
    lines = lines_by_part(work_order)
    ops = {"CAV-CNC": operation_of(parts["cavity"], "CNC"), "CAV-HT": operation_of(parts["cavity"], "HT"),
           "EJ-HT": operation_of(parts["pin"], "HT")}

    def item(line, operation, status="in_progress", **fields):
        return {"work_order": work_order.pk, "line": lines[line].pk, "operation": ops[operation].pk, "status": status,
                **fields}

    return work_order, lines, ops, item


def post(user, reports, **headers):
    """In English, so messages read as in the code (Chinese is the default language)."""
    return api_as(user).post(url("progress-report-bulk"), {"reports": reports}, format="json", HTTP_ACCEPT_LANGUAGE="en", **headers)


def written(work_order):
    """What a bulk call may have left behind: reports, progress events, and the lines' states."""
    with brain_context(work_order.brain_id):
        return (ProgressReport.objects.count(),
                OutboxEvent.objects.filter(name="work_order.progress").count(),
                sorted(WorkOrderLine.objects.filter(work_order=work_order)
                       .values_list("pk", "progress_status", "progress_percent", "last_reported_at")))


def nothing_written(work_order, before):
    count, events, lines = written(work_order)
    return count == 0 and events == 0 and lines == before[2]


def errors_of(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_reports", body
    return [(e["index"], e["field"], e["code"]) for e in body["errors"]]


class TestItRecordsEveryReport:
    def test_it_records_every_report_in_order_and_the_lines_follow(self, shift, shop_a, alice):
        work_order, lines, ops, item = shift
        planned = (timezone.localdate() + timedelta(days=8)).isoformat()
        response = post(shop_a, [
            item("CAV-01", "CAV-CNC", "done", note="粗精加工完成"),
            item("CAV-01", "CAV-HT", percent=50, planned_completion=planned),
            item("EJ-01", "EJ-HT", quantity_done=20),
        ])
        assert response.status_code == 201, response.content
        body = response.json()
        assert [(r["work_order"], r["line"], r["process"], r["status"]) for r in body] == [
            (work_order.pk, lines["CAV-01"].pk, "CNC", "done"),
            (work_order.pk, lines["CAV-01"].pk, "HT", "in_progress"),
            (work_order.pk, lines["EJ-01"].pk, "HT", "in_progress")]
        assert body[0]["note"] == "粗精加工完成" and body[0]["reported_by"] == "hongda" and body[2]["files"] == []
        # the same representation as the list, which the buyer sees too
        listed = api_as(alice).get(url("progress-report-list")).json()["results"]
        assert sorted(listed, key=lambda r: r["id"]) == sorted(body, key=lambda r: r["id"])
        with brain_context(work_order.brain_id):
            cavity = WorkOrderLine.objects.get(pk=lines["CAV-01"].pk)
            pins = WorkOrderLine.objects.get(pk=lines["EJ-01"].pk)
            events = OutboxEvent.objects.filter(name="work_order.progress").count()
        assert (cavity.progress_status, cavity.progress_percent, cavity.current_operation_id,
                cavity.planned_completion.isoformat()) == ("in_progress", 75, ops["CAV-HT"].pk, planned)
        assert (pins.progress_status, pins.progress_percent) == ("in_progress", 50)  # 20 of 40
        assert events == 3  # one per report, as single reports record: the board and webhooks follow each

    def test_the_same_operation_twice_is_two_reports_and_the_later_one_is_current(self, shift, shop_a):
        work_order, lines, ops, item = shift
        response = post(shop_a, [item("CAV-01", "CAV-CNC", "done"), item("CAV-01", "CAV-CNC", percent=30,
                                                                         note="返工")])
        assert response.status_code == 201, response.content
        with brain_context(work_order.brain_id):
            cavity = WorkOrderLine.objects.get(pk=lines["CAV-01"].pk)
            assert ProgressReport.objects.filter(line=cavity, operation=ops["CAV-CNC"]).count() == 2
        assert (cavity.progress_status, cavity.progress_percent, cavity.current_operation_id) == (
            "in_progress", 15, ops["CAV-CNC"].pk)  # CNC back at 30 % of two equal operations

    def test_an_mes_with_an_api_key(self, shift, shop_a, mould):
        _work_order, _lines, _ops, item = shift
        secret = tenant_services.api_key_create(by=shop_a, name="MES 车间", scope="write", brains=[mould]).secret
        mes = api_as(shop_a)
        mes.logout()
        mes.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        response = mes.post(url("progress-report-bulk"), {"reports": [item("EJ-01", "EJ-HT", "done")]}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()[0]["reported_by"] == "hongda" and response.json()[0]["quantity_done"] == 40

    def test_a_read_only_key_cannot(self, shift, shop_a, mould):
        _work_order, _lines, _ops, item = shift
        secret = tenant_services.api_key_create(by=shop_a, name="看板", scope="read", brains=[mould]).secret
        client = api_as(shop_a)
        client.logout()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        response = client.post(url("progress-report-bulk"), {"reports": [item("EJ-01", "EJ-HT", "done")]}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "read_only_key"

    def test_a_multipart_body_is_refused(self, shift, shop_a):
        response = api_as(shop_a).post(url("progress-report-bulk"), {"reports": "[]"}, format="multipart")
        assert response.status_code == 415


class TestAllOrNothing:
    def test_one_bad_item_among_good_ones_is_named_and_nothing_is_written(self, shift, shop_a):
        work_order, _lines, _ops, item = shift
        before = written(work_order)
        response = post(shop_a, [
            item("CAV-01", "CAV-CNC", "done"),
            item("EJ-01", "EJ-HT", quantity_done=10),
            item("CAV-01", "EJ-HT"),  # the pins' heat treatment is no operation of the cavity's line
            item("EJ-01", "EJ-HT", "done"),
        ])
        assert errors_of(response) == [(2, "operation", "invalid")]
        body = response.json()
        assert body["detail"] == "Nothing was recorded: 1 report was refused."
        assert body["fields"] == {"reports": {"2": {"operation": ["That operation is not part of this line."]}}}
        assert body["errors"][0]["detail"] == "That operation is not part of this line."
        assert nothing_written(work_order, before)

    def test_a_domain_error_on_a_later_item_undoes_the_earlier_ones(self, shift, shop_a, mould):
        """The service, called directly: items 0 and 1 are written by progress_report before item 2 is refused
        by it (more pieces than the line has); the whole call is undone."""
        work_order, _lines, _ops, item = shift
        before = written(work_order)
        reports = [work_orders.ProgressItem(index=i, **data) for i, data in enumerate([
            item("CAV-01", "CAV-CNC", "done"),
            item("CAV-01", "CAV-HT", percent=40),
            item("EJ-01", "EJ-HT", quantity_done=41),
        ])]
        with pytest.raises(work_orders.ProgressReportsRefused) as refused, translation.override("en"):
            work_orders.progress_report_bulk(brain=mould, by=shop_a, reports=reports)
        assert [(e.index, e.field) for e in refused.value.errors] == [(2, "quantity_done")]
        assert refused.value.errors[0].detail == "At most 40 pieces can be done."
        assert nothing_written(work_order, before)

    def test_every_bad_item_is_named_with_its_reason(self, shift, shop_a):
        work_order, lines, ops, item = shift
        before = written(work_order)
        good = item("EJ-01", "EJ-HT")
        response = post(shop_a, [
            {k: v for k, v in good.items() if k != "status"},           # 0: input check, required
            item("CAV-01", "CAV-CNC", percent=120),                     # 1: input check, max_value
            item("CAV-01", "CAV-CNC"),                                  # 2: good
            item("CAV-01", "CAV-HT", "blocked"),                        # 3: domain rule: say what blocks it
            {**good, "line": lines["CAV-01"].pk + 10_000},              # 4: no such line on the work order
            {**good, "work_order": work_order.pk + 10_000},             # 5: no such work order
            "不是对象",                                                  # 6: not an object at all
            {**good, "operation": ops["EJ-HT"].pk + 10_000},            # 7: no such operation
            {**good, "status": "exploded", "planned_completion": "明天"},  # 8: two fields at once
        ])
        assert errors_of(response) == [
            (0, "status", "required"), (1, "percent", "max_value"), (3, "reason", "required"),
            (4, "line", "invalid"), (5, "work_order", "not_found"), (6, None, "invalid"),
            (7, "operation", "invalid"), (8, "status", "invalid_choice"), (8, "planned_completion", "invalid")]
        body = response.json()
        assert body["detail"] == "Nothing was recorded: 8 reports were refused."
        assert sorted(body["fields"]["reports"], key=int) == ["0", "1", "3", "4", "5", "6", "7", "8"]
        assert body["fields"]["reports"]["3"] == {"reason": ["Say what blocks it."]}
        assert set(body["fields"]["reports"]["8"]) == {"status", "planned_completion"}
        assert list(body["fields"]["reports"]["6"]) == ["non_field_errors"]
        assert nothing_written(work_order, before)

    def test_a_work_order_not_in_production(self, awarded, shop_a, parts):
        work_order, (_cavity, _pin), _b = awarded  # issued, not accepted yet
        line = lines_by_part(work_order)["EJ-01"]
        response = post(shop_a, [{"work_order": work_order.pk, "line": line.pk,
                                  "operation": operation_of(parts["pin"], "HT").pk, "status": "done"}])
        assert errors_of(response) == [(0, None, "invalid_state")]
        with brain_context(work_order.brain_id):
            assert not ProgressReport.objects.exists()

    @pytest.mark.parametrize("body, code", [
        ({"reports": []}, "empty"),
        ({}, "required"),
        ({"reports": "全部"}, "not_a_list"),
        ({"reports": {"0": {}}}, "not_a_list"),
    ])
    def test_the_body_as_a_whole_is_checked_first(self, shift, shop_a, body, code):
        response = api_as(shop_a).post(url("progress-report-bulk"), body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code, response.content
        assert "reports" in response.json()["fields"] and "errors" not in response.json()

    def test_at_most_the_limit(self, shift, shop_a):
        work_order, _lines, _ops, item = shift
        before = written(work_order)
        too_many = [item("EJ-01", "EJ-HT", quantity_done=1)] * (work_orders.MAX_BULK_REPORTS + 1)
        response = post(shop_a, too_many)
        assert response.status_code == 400 and response.json()["code"] == "max_length", response.content
        assert "reports" in response.json()["fields"]
        assert nothing_written(work_order, before)

    def test_the_service_keeps_the_limit_too(self, shift, shop_a, mould):
        _work_order, _lines, _ops, item = shift
        reports = [work_orders.ProgressItem(index=i, **item("EJ-01", "EJ-HT"))
                   for i in range(work_orders.MAX_BULK_REPORTS + 1)]
        with pytest.raises(DomainError) as refused:
            work_orders.progress_report_bulk(brain=mould, by=shop_a, reports=reports)
        assert (refused.value.code, refused.value.field) == ("max_length", "reports")

    def test_the_limit_itself_is_recorded(self, shift, shop_a):
        _work_order, _lines, _ops, item = shift
        reports = [item("EJ-01", "EJ-HT", quantity_done=n % 41) for n in range(work_orders.MAX_BULK_REPORTS)]
        response = post(shop_a, reports)
        assert response.status_code == 201, response.content[:500]
        assert len(response.json()) == work_orders.MAX_BULK_REPORTS
        assert [r["quantity_done"] for r in response.json()] == [n % 41 for n in range(work_orders.MAX_BULK_REPORTS)]

    def test_lines_are_locked_at_once_in_id_order_before_any_report_is_written(self, shift, shop_a, mould):
        """Two bulk calls sharing lines cannot deadlock: each takes all its lines' locks first, in the same order,
        whatever the order of its items."""
        _work_order, lines, _ops, item = shift
        reports = [work_orders.ProgressItem(index=i, **data) for i, data in enumerate([
            item("EJ-01", "EJ-HT"), item("CAV-01", "CAV-CNC"), item("EJ-01", "EJ-HT", "done")])]
        with CaptureQueriesContext(connection) as queries:
            work_orders.progress_report_bulk(brain=mould, by=shop_a, reports=reports)
        sql = [q["sql"] for q in queries.captured_queries]
        first_insert = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "capacity_progressreport"'))
        locks = [i for i, q in enumerate(sql[:first_insert]) if "capacity_workorderline" in q and "FOR UPDATE" in q]
        lock = sql[locks[0]]  # the first: every line of the call at once (progress_report's own lock comes later)
        assert f'IN ({lines["CAV-01"].pk}, {lines["EJ-01"].pk})' in lock and "ORDER BY" in lock, lock


def test_a_call_waiting_for_one_line_holds_none_of_its_others(transactional_db, shift, shop_a, mould):
    """Real concurrency on PostgreSQL: while another transaction holds the cavity's line, a bulk call on the pins
    and the cavity (in that order) waits for the cavity without holding the pins' line, so a third call on the
    pins goes through. Had it locked in the order of its items, it would hold the pins and the third would wait:
    with the opposite order elsewhere, that is a deadlock."""
    import threading

    from django.db import connections, transaction

    from conftest import wait_for

    _work_order, lines, _ops, item = shift
    assert lines["CAV-01"].pk < lines["EJ-01"].pk  # so id order is cavity first
    held, release, done, failures = threading.Event(), threading.Event(), {}, []

    def in_thread(name, work):
        def run():
            try:
                work()
                done[name] = True
            except Exception as exc:  # noqa: BLE001  (reported by the test below)
                failures.append((name, exc))
            finally:
                connections.close_all()
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def hold_the_cavity():
        with transaction.atomic(), brain_context(mould.pk):
            WorkOrderLine.objects.select_for_update().get(pk=lines["CAV-01"].pk)
            held.set()
            release.wait(20)

    def bulk(*names):
        items = [work_orders.ProgressItem(index=i, **item(*name)) for i, name in enumerate(names)]
        return lambda: work_orders.progress_report_bulk(brain=mould, by=shop_a, reports=items)

    def waiting_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            return cursor.fetchone()[0]

    threads = [in_thread("holder", hold_the_cavity)]
    try:
        assert held.wait(10)
        threads.append(in_thread("both", bulk(("EJ-01", "EJ-HT"), ("CAV-01", "CAV-CNC"))))
        assert wait_for(lambda: waiting_for_a_lock() >= 1), "the bulk call did not wait for the cavity"
        threads.append(in_thread("pins", bulk(("EJ-01", "EJ-HT", "done"))))
        assert wait_for(lambda: "pins" in done or failures, timeout=10) and not failures, failures
        assert "both" not in done  # still waiting for the cavity
    finally:
        release.set()
        for thread in threads:
            thread.join(20)
    assert not failures and set(done) == {"holder", "both", "pins"}, (failures, done)
    with brain_context(mould.pk):
        assert ProgressReport.objects.count() == 3


class TestWhoMayReport:
    def test_a_buyer_is_refused_as_a_whole_like_a_single_report(self, shift, alice):
        work_order, _lines, _ops, item = shift
        before = written(work_order)
        response = post(alice, [item("EJ-01", "EJ-HT", "done")])
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", response.content
        assert nothing_written(work_order, before)

    def test_a_buyer_that_also_supplies_is_refused_per_item_on_what_it_buys(self, shift, alice, alice_ent, mould):
        _work_order, _lines, _ops, item = shift
        with brain_context(mould.pk):
            Membership.objects.filter(brain=mould, enterprise=alice_ent).update(roles=["buyer", "supplier"])
        response = post(alice, [item("EJ-01", "EJ-HT", "done")])
        assert errors_of(response) == [(0, None, "permission_denied")]
        assert response.json()["errors"][0]["detail"] == "Only the supplier of this work order may do this."

    def test_another_suppliers_work_order_is_not_found(self, shift, shop_b):
        work_order, _lines, _ops, item = shift
        before = written(work_order)
        response = post(shop_b, [item("EJ-01", "EJ-HT", "done")])
        assert errors_of(response) == [(0, "work_order", "not_found")]
        assert response.json()["errors"][0]["detail"] == "No such work order of yours."
        assert nothing_written(work_order, before)

    def test_another_brains_work_order_is_not_found_and_says_nothing_of_it(self, shift, shop_a, pump, charlie):
        from tests.endpoints import line_and_operation as _line_and_operation, work_order as _work_order

        work_order, _lines, _ops, item = shift
        theirs = _work_order(pump, charlie, accepted=True)
        their_line, their_operation = _line_and_operation(theirs)
        before = written(work_order)
        foreign = {"work_order": theirs.pk, "line": their_line.pk, "operation": their_operation.pk, "status": "done"}
        missing = {**foreign, "work_order": 10**12, "line": 10**12, "operation": 10**12}
        beyond = {**foreign, "work_order": 10**30}  # beyond a bigint: not found either, not a 500
        # their line and operation under our own work order do not reach them either
        smuggled = {**item("EJ-01", "EJ-HT"), "line": their_line.pk}
        response = post(shop_a, [item("EJ-01", "EJ-HT"), foreign, missing, beyond, smuggled,
                                 {**item("EJ-01", "EJ-HT"), "operation": their_operation.pk}])
        assert errors_of(response) == [(1, "work_order", "not_found"), (2, "work_order", "not_found"),
                                       (3, "work_order", "not_found"), (4, "line", "invalid"),
                                       (5, "operation", "invalid")]
        errors = response.json()["errors"]
        assert errors[0]["detail"] == errors[1]["detail"] == errors[2]["detail"]  # theirs reads as one that is not
        assert nothing_written(work_order, before)
        with brain_context(pump.pk):
            assert not ProgressReport.objects.filter(line=their_line).exists()

    def test_under_another_brains_url_it_is_404(self, shift, shop_a):
        _work_order, _lines, _ops, item = shift
        response = api_as(shop_a).post(url("progress-report-bulk", brain="pump-valve"), {"reports": [item("EJ-01", "EJ-HT")]}, format="json")
        assert response.status_code == 404


class TestIdempotencyKey:
    def test_a_replay_answers_the_same_and_writes_nothing_twice(self, shift, shop_a, mould):
        work_order, _lines, _ops, item = shift
        secret = tenant_services.api_key_create(by=shop_a, name="MES", scope="write", brains=[mould]).secret
        mes = api_as(shop_a)
        mes.logout()
        mes.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        body = {"reports": [item("CAV-01", "CAV-CNC", "done"), item("EJ-01", "EJ-HT", quantity_done=8)]}
        first = mes.post(url("progress-report-bulk"), body, format="json", HTTP_IDEMPOTENCY_KEY="mes-shift-2026-03-01-夜班")
        assert first.status_code == 201, first.content
        after_first = written(work_order)
        again = mes.post(url("progress-report-bulk"), body, format="json", HTTP_IDEMPOTENCY_KEY="mes-shift-2026-03-01-夜班")
        assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert written(work_order) == after_first and after_first[0] == 2

    def test_a_refused_call_is_not_kept_so_the_corrected_one_runs_under_the_same_key(self, shift, shop_a):
        work_order, _lines, _ops, item = shift
        client = api_as(shop_a)
        bad = client.post(url("progress-report-bulk"), {"reports": [item("EJ-01", "EJ-HT", quantity_done=99)]}, format="json",
                          HTTP_IDEMPOTENCY_KEY="mes-7")
        assert errors_of(bad) == [(0, "quantity_done", "invalid")]
        assert not IdempotencyRecord.objects.filter(key="mes-7").exists()
        good = client.post(url("progress-report-bulk"), {"reports": [item("EJ-01", "EJ-HT", quantity_done=9)]}, format="json",
                           HTTP_IDEMPOTENCY_KEY="mes-7")
        assert good.status_code == 201 and "Idempotent-Replayed" not in good
        assert written(work_order)[0] == 1
