"""The buyer's project board: rows, risk classes and their edges, filters, overall percent, who may read it,
its page and API, the brain's board settings, and the stale-progress reminders and daily digests."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacity.models import BoardSettings, Reminder, WorkOrder, WorkOrderLine
from capacity.selectors.board import Risk, project_board
from capacity.services import awards, projects, rfqs, work_orders
from capacity.services import board as board_service
from capacity.tests.conftest import lines_of, operation_of, past_deadline, price, viewer_of
from conftest import api_as, join, make_enterprise, make_user
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import BrainStaff, Notification, OutboxEvent
from tests.support import race, url

TODAY = timezone.localdate


def line_of(work_order, rfq_line):
    with brain_context(work_order.brain_id):
        return work_order.lines.select_related("work_order", "part").get(award__rfq_line=rfq_line)


def update_line(line, **fields):
    with brain_context(line.brain_id):
        WorkOrderLine.objects.filter(pk=line.pk).update(**fields)


def at_local(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def rows_by_part(board):
    return {row.part.part_no: row for row in board.rows}


def stale_days(brain, days):
    with brain_context(brain.pk):
        BoardSettings.objects.update_or_create(brain=brain, defaults={"stale_after_days": days})


# --- Rows ----------------------------------------------------------------------------------------------


def test_a_part_without_a_work_order_is_not_awarded_and_assemblies_without_lines_are_no_rows(project, parts, alice):
    projects.part_save(project=project, by=alice, part_no="ASM-01", name="动模组件", quantity=1, processes=[])
    projects.part_save(project=project, by=alice, part_no="CORE-01", name="型芯镶件", quantity=2,
                       parent_no="ASM-01", processes=["CNC"])
    board = project_board(project)
    rows = rows_by_part(board)
    assert set(rows) == {"CAV-01", "EJ-01", "CORE-01"}  # the assembly is its children
    assert {row.risk for row in board.rows} == {Risk.NOT_AWARDED}
    assert rows["CAV-01"].current_operation.process.code == "CNC" and rows["CAV-01"].suppliers == []
    assert board.overall_percent == Decimal("0.0") and board.counts[Risk.NOT_AWARDED] == 3


def test_an_accepted_work_order_shows_its_supplier_and_reported_progress(accepted, shop_a, parts, project):
    work_order, (cavity, pin) = accepted
    line = line_of(work_order, cavity)
    planned = TODAY() + timedelta(days=10)
    work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                status="in_progress", percent=60, planned_completion=planned)
    row = rows_by_part(project_board(project))["CAV-01"]
    assert (row.risk, row.percent, row.progress_status) == (Risk.ON_TRACK, 30, "in_progress")
    assert row.current_operation.process.code == "CNC" and row.planned_completion == planned
    assert row.suppliers == [(shop_a.enterprise_id, str(shop_a.enterprise))]
    assert row.due_date == parts["cavity"].due_date and row.last_reported_at is not None
    assert row.started_on == TODAY() and (row.accepted_quantity, row.quantity, row.complete) == (0, 1, False)
    pin_row = rows_by_part(project_board(project))["EJ-01"]
    assert pin_row.due_date == project.due_date  # neither the line nor the part has one: the project's


class TestRiskEdges:
    """Each class at its edge, on the cavity line (due in 30 days; N = 3 unless set)."""

    def cavity(self, accepted):
        work_order, (cavity, _pin) = accepted
        return line_of(work_order, cavity)

    def risk(self, project, today=None):
        row = rows_by_part(project_board(project, today=today))["CAV-01"]
        return row.risk, row.reasons

    def test_due_today_is_not_late_and_the_day_after_is(self, accepted, project):
        line = self.cavity(accepted)
        due = line.due_date
        update_line(line, last_reported_at=at_local(due))
        assert self.risk(project, today=due) == (Risk.ON_TRACK, [])
        update_line(line, last_reported_at=at_local(due + timedelta(days=1)))
        assert self.risk(project, today=due + timedelta(days=1)) == (Risk.LATE, ["due_passed"])

    def test_planned_on_the_due_date_is_on_track_and_a_day_later_at_risk(self, accepted, project):
        line = self.cavity(accepted)
        update_line(line, last_reported_at=timezone.now(), planned_completion=line.due_date)
        assert self.risk(project) == (Risk.ON_TRACK, [])
        update_line(line, planned_completion=line.due_date + timedelta(days=1))
        assert self.risk(project) == (Risk.AT_RISK, ["planned_after_due"])

    def test_no_report_for_exactly_n_days_is_at_risk_one_day_less_is_not(self, accepted, project, mould):
        line = self.cavity(accepted)
        today = TODAY()
        update_line(line, last_reported_at=at_local(today - timedelta(days=2), hour=23))
        assert self.risk(project) == (Risk.ON_TRACK, [])
        update_line(line, last_reported_at=at_local(today - timedelta(days=3), hour=23))
        assert self.risk(project) == (Risk.AT_RISK, ["stale"])
        stale_days(mould, 4)  # the brain's N
        assert self.risk(project) == (Risk.ON_TRACK, [])

    def test_never_reported_counts_from_the_acceptance(self, accepted, project):
        work_order, _lines = accepted
        with brain_context(work_order.brain_id):
            WorkOrder.objects.filter(pk=work_order.pk).update(decided_at=at_local(TODAY() - timedelta(days=3)))
        assert self.risk(project) == (Risk.AT_RISK, ["stale"])

    def test_a_work_order_not_yet_accepted_is_not_stale(self, awarded, project):
        work_order, *_ = awarded
        with brain_context(work_order.brain_id):
            WorkOrder.objects.filter(pk=work_order.pk).update(created_at=at_local(TODAY() - timedelta(days=20)))
        row = rows_by_part(project_board(project))["CAV-01"]
        assert row.risk == Risk.ON_TRACK and row.started_on == TODAY() - timedelta(days=20)

    def test_every_operation_reported_done_waits_for_delivery_without_being_stale(self, accepted, project):
        line = self.cavity(accepted)
        update_line(line, progress_status="done", progress_percent=100,
                    last_reported_at=at_local(TODAY() - timedelta(days=10)))
        row = rows_by_part(project_board(project))["CAV-01"]
        assert (row.risk, row.percent, row.complete) == (Risk.ON_TRACK, 100, False)

    def test_blocked_says_why_and_outranks_at_risk(self, accepted, shop_a, parts, project):
        line = self.cavity(accepted)
        work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                    status="blocked", reason="等718H材料到货",
                                    planned_completion=line.due_date + timedelta(days=5))
        row = rows_by_part(project_board(project))["CAV-01"]
        assert (row.risk, row.reasons, row.blocked_reason) == (Risk.BLOCKED, ["blocked"], "等718H材料到货")

    def test_late_outranks_blocked(self, accepted, project):
        line = self.cavity(accepted)
        update_line(line, progress_status="blocked", last_reported_at=timezone.now())
        assert self.risk(project, today=line.due_date + timedelta(days=1))[0] == Risk.LATE

    def test_every_piece_accepted_is_done_even_after_the_due_date(self, accepted, project):
        line = self.cavity(accepted)
        update_line(line, accepted_quantity=1, delivered_quantity=1, progress_percent=40)
        row = rows_by_part(project_board(project, today=line.due_date + timedelta(days=5)))["CAV-01"]
        assert (row.risk, row.percent, row.complete, row.current_operation) == (Risk.DONE, 100, True, None)

    def test_a_not_awarded_part_past_its_due_date_is_late(self, project, parts):
        row = rows_by_part(project_board(project, today=parts["cavity"].due_date + timedelta(days=1)))["CAV-01"]
        assert (row.risk, row.reasons) == (Risk.LATE, ["due_passed", "not_awarded"])


def test_late_blocked_and_at_risk_come_first(accepted, project, alice):
    work_order, (cavity, pin) = accepted
    projects.part_save(project=project, by=alice, part_no="A-NEW", name="新增镶件", quantity=1, processes=["CNC"])
    projects.part_save(project=project, by=alice, part_no="B-LATE", name="逾期件", quantity=1, processes=["CNC"],
                       due_date=TODAY() - timedelta(days=1))
    update_line(line_of(work_order, cavity), last_reported_at=timezone.now(),
                planned_completion=TODAY() + timedelta(days=90))
    update_line(line_of(work_order, pin), progress_status="blocked", last_reported_at=timezone.now())
    board = project_board(project)
    assert [(row.part.part_no, row.risk) for row in board.rows] == [
        ("B-LATE", Risk.LATE), ("EJ-01", Risk.BLOCKED), ("CAV-01", Risk.AT_RISK), ("A-NEW", Risk.NOT_AWARDED)]
    assert board.counts == {"late": 1, "blocked": 1, "at_risk": 1, "not_awarded": 1, "on_track": 0, "done": 0}


@pytest.fixture
def split(project, parts, alice, shop_a, shop_b):
    """The cavity's CNC awarded to shop_a and its heat treatment to shop_b, both accepted."""
    cnc, ht = operation_of(parts["cavity"], "CNC"), operation_of(parts["cavity"], "HT")
    rfq = rfqs.rfq_publish(rfq=rfqs.rfq_create(
        project=project, by=alice, title="型腔分工序外协", deadline=timezone.now() + timedelta(days=1),
        lines=[{"part": parts["cavity"].pk, "operation": cnc.pk}, {"part": parts["cavity"].pk, "operation": ht.pk}]),
        by=alice)
    line_cnc, line_ht = lines_of(rfq)
    quote_a = rfqs.quote_submit(rfq=rfq, by=shop_a, lines=[price(line_cnc, "9000")])
    quote_b = rfqs.quote_submit(rfq=rfq, by=shop_b, lines=[price(line_ht, "1500")])
    past_deadline(rfq)
    with brain_context(rfq.brain_id):
        decisions = {line_cnc.pk: quote_a.lines.get().pk, line_ht.pk: quote_b.lines.get().pk}
    orders = awards.award_lines(rfq=rfq, decisions=decisions, by=alice)
    made = {}
    for order, user in zip(sorted(orders, key=lambda o: o.supplier_id != shop_a.enterprise_id), (shop_a, shop_b)):
        with brain_context(rfq.brain_id):
            work_order = WorkOrder.objects.get(purchase_order=order)
        work_orders.work_order_accept(work_order=work_order, by=user)
        made[user.username] = line_of(work_order, line_cnc if user == shop_a else line_ht)
    return made, cnc, ht


def test_a_part_split_between_two_suppliers_is_one_row_combining_its_lines(split, project, shop_a, shop_b):
    lines, cnc, ht = split
    work_orders.progress_report(line=lines["hongda"], operation=cnc, by=shop_a, status="done")
    row = rows_by_part(project_board(project))["CAV-01"]
    assert row.percent == 50 and row.progress_status == "in_progress"  # one of two operations done
    assert row.current_operation == ht and {s[0] for s in row.suppliers} == {shop_a.enterprise_id,
                                                                                shop_b.enterprise_id}
    work_orders.progress_report(line=lines["yongsheng"], operation=ht, by=shop_b, status="blocked", reason="炉子检修")
    row = rows_by_part(project_board(project))["CAV-01"]
    assert row.risk == Risk.BLOCKED and row.blocked_reason == "炉子检修"
    # shop_a's line is done and accepted; the part still waits for the heat treatment
    update_line(lines["hongda"], accepted_quantity=1, delivered_quantity=1)
    row = rows_by_part(project_board(project))["CAV-01"]
    assert row.risk == Risk.BLOCKED and not row.complete and [bl.complete for bl in row.lines] == [True, False]


def test_a_declined_work_order_leaves_its_parts_not_awarded(awarded, shop_a, project):
    work_order, *_ = awarded
    work_orders.work_order_decline(work_order=work_order, by=shop_a, reason="产能已满")
    assert {row.risk for row in project_board(project).rows} == {Risk.NOT_AWARDED}


def test_overall_percent_weighs_each_part_by_pieces_times_operations(accepted, project):
    work_order, (cavity, pin) = accepted
    update_line(line_of(work_order, pin), progress_percent=50, progress_status="in_progress")
    # cavity: 1 piece × 2 operations at 0 %; pins: 40 pieces × 1 operation at 50 %
    assert project_board(project).overall_percent == Decimal("47.6")
    update_line(line_of(work_order, cavity), accepted_quantity=1, delivered_quantity=1)
    assert project_board(project).overall_percent == Decimal("52.4")  # (2 × 100 + 40 × 50) / 42


def test_filters_narrow_the_rows_not_the_totals(split, project, parts, alice, shop_a, shop_b, mould):
    projects.part_save(project=project, by=alice, part_no="GUIDE-01", name="导柱", quantity=4, processes=["HT"])
    with brain_context(mould.pk):
        ht = parts["pin"].operations.get().process_id
        cnc = parts["cavity"].operations.get(process__code="CNC").process_id
    by = lambda **f: sorted(row.part.part_no for row in project_board(project, **f).rows)  # noqa: E731
    assert by(supplier=shop_b.enterprise_id) == ["CAV-01"]
    assert by(process=ht) == ["CAV-01", "EJ-01", "GUIDE-01"] and by(process=cnc) == ["CAV-01"]
    assert by(status=Risk.NOT_AWARDED) == ["EJ-01", "GUIDE-01"]
    assert by(status=Risk.NOT_AWARDED, process=cnc) == []
    board = project_board(project, supplier=shop_a.enterprise_id)
    assert board.total == 3 and len(board.rows) == 1 and sum(board.counts.values()) == 3
    with pytest.raises(DomainError) as error:
        project_board(project, status="lost")
    assert error.value.field == "status"


def test_only_the_projects_buyer_reads_its_board(project, parts, alice, bob, shop_a, olga, charlie, mould):
    rows = [project_board(project, viewer=viewer_of(user, project)).rows for user in (alice, bob)]
    assert len(rows[0]) == len(rows[1]) == 2
    rival = make_user("huayu", enterprise=make_enterprise(31, "黄岩华宇塑料制品有限公司"))
    join(mould, rival.enterprise, roles=("buyer", "supplier"))
    for stranger in (shop_a, olga, charlie, rival):
        with pytest.raises(NotAllowed):
            project_board(project, viewer=viewer_of(stranger, project))


def _project_of(n, mould, alice, shop_a, code):
    """A project of n parts, every one awarded to shop_a and accepted, a third of them blocked."""
    project = projects.project_create(brain=mould, by=alice, code=code, name="查询数测试",
                                      due_date=TODAY() + timedelta(days=40))
    parts = [projects.part_save(project=project, by=alice, part_no=f"P-{i:03}", name="零件", quantity=2,
                                processes=["CNC", "HT"]) for i in range(n)]
    rfq = rfqs.rfq_publish(rfq=rfqs.rfq_create(project=project, by=alice, title="整单外协",
                                               deadline=timezone.now() + timedelta(days=1),
                                               lines=[{"part": p.pk} for p in parts]), by=alice)
    quote = rfqs.quote_submit(rfq=rfq, by=shop_a, lines=[price(line, "100") for line in lines_of(rfq)])
    past_deadline(rfq)
    with brain_context(rfq.brain_id):
        decisions = {ql.rfq_line_id: ql.pk for ql in quote.lines.all()}
    [order] = awards.award_lines(rfq=rfq, decisions=decisions, by=alice)
    with brain_context(rfq.brain_id):
        work_order = WorkOrder.objects.get(purchase_order=order)
    work_orders.work_order_accept(work_order=work_order, by=shop_a)
    with brain_context(rfq.brain_id):
        ids = list(work_order.lines.order_by("pk").values_list("pk", flat=True))
        WorkOrderLine.objects.filter(pk__in=ids[::3]).update(progress_status="blocked")
    return project


def test_the_board_takes_the_same_queries_for_5_and_60_parts(alice, shop_a, mould, client):
    small, large = _project_of(5, mould, alice, shop_a, "Q-5"), _project_of(60, mould, alice, shop_a, "Q-60")
    counts = {}
    for project in (small, large):
        viewer = viewer_of(alice, project)
        with CaptureQueriesContext(connection) as queries:
            board = project_board(project, viewer=viewer)
        counts[project.code] = len(queries)
        assert len(board.rows) == board.total and board.counts[Risk.BLOCKED] == len(range(0, board.total, 3))
    assert counts["Q-5"] == counts["Q-60"] <= 12, counts
    client.force_login(alice)
    page = {}
    for project in (small, large):
        client.get(f"/b/mould/capacity/projects/{project.pk}/board/")  # warm caches (session, brain)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/b/mould/capacity/projects/{project.pk}/board/").status_code == 200
        page[project.code] = len(queries)
    assert page["Q-5"] == page["Q-60"], page


# --- Web page and API -------------------------------------------------------------------------------------


class TestBoardPage:
    def test_the_buyer_sees_rows_timeline_and_overall_percent(self, client, accepted, project, shop_a, parts):
        work_order, (cavity, pin) = accepted
        work_orders.progress_report(line=line_of(work_order, pin), operation=operation_of(parts["pin"], "HT"),
                                    by=shop_a, status="blocked", reason="氮化炉检修")
        client.force_login(project.created_by)
        html = client.get(f"/b/mould/capacity/projects/{project.pk}/board/").content.decode()
        assert 'data-live-topic="board"' in html and f'data-live-id="{project.pk}"' in html
        assert 'data-testid="timeline"' in html and 'class="today"' in html and 'class="due"' in html
        assert html.index('data-testid="row-EJ-01"') < html.index('data-testid="row-CAV-01"')  # blocked first
        assert "氮化炉检修" in html and str(shop_a.enterprise) in html
        assert 'data-testid="overall-percent">0.0%' in html or 'data-testid="overall-percent">0%' in html

    def test_filters_and_the_live_fragment(self, client, accepted, project, shop_a):
        client.force_login(project.created_by)
        url = f"/b/mould/capacity/projects/{project.pk}/board/"
        fragment = client.get(url, {"status": "blocked"}, headers={"HX-Request": "true"}).content.decode()
        assert "<html" not in fragment and 'data-testid="row-CAV-01"' not in fragment
        full = client.get(url, {"supplier": shop_a.enterprise_id}).content.decode()
        assert 'data-testid="row-CAV-01"' in full and 'data-testid="row-EJ-01"' in full
        bad = client.get(url, {"status": "lost", "supplier": "x"})  # a bad filter filters nothing
        assert bad.status_code == 200 and 'data-testid="row-CAV-01"' in bad.content.decode()

    def test_a_live_update_fetches_only_the_rows_it_touched_with_the_head(self, client, accepted, project, parts):
        client.force_login(project.created_by)
        url = f"/b/mould/capacity/projects/{project.pk}/board/"
        changed = client.get(url, {"changed": f"{parts['cavity'].pk},x"}, headers={"HX-Request": "true"}).content.decode()
        assert f'id="board-row-{parts["cavity"].pk}"' in changed and f'id="board-bar-{parts["cavity"].pk}"' in changed
        assert 'data-testid="row-EJ-01"' not in changed and 'id="board-head"' in changed
        assert 'data-testid="count-on_track"' in changed  # the counts and overall percent come along

    def test_the_parts_an_event_touched(self, accepted, project, parts, mould):
        from capacity.selectors.board import board_parts_touched

        work_order, (cavity, _pin) = accepted
        with brain_context(mould.pk):
            line = WorkOrderLine.objects.get(award__rfq_line=cavity)
        assert board_parts_touched(mould.pk, {"line": line.pk, "work_order": work_order.pk}) == [parts["cavity"].pk]
        assert board_parts_touched(mould.pk, {"work_order": work_order.pk}) == sorted(
            [parts["cavity"].pk, parts["pin"].pk])
        assert board_parts_touched(mould.pk, {"part": 7}) == [7] and board_parts_touched(mould.pk, {"trial": 1}) == []

    def test_only_the_buyer_opens_it(self, client, project, parts, alice, bob, shop_a, olga, charlie):
        url = f"/b/mould/capacity/projects/{project.pk}/board/"
        for user, status in ((alice, 200), (bob, 200), (shop_a, 404), (olga, 404), (charlie, 404)):
            client.force_login(user)
            assert client.get(url).status_code == status, user

    def test_the_project_page_and_list_link_to_it(self, client, project, alice):
        client.force_login(alice)
        url = f"/b/mould/capacity/projects/{project.pk}/board/"
        assert url in client.get(f"/b/mould/capacity/projects/{project.pk}/").content.decode()
        assert url in client.get("/b/mould/capacity/projects/").content.decode()


class TestBoardApi:
    def test_rows_counts_and_filters(self, accepted, project, alice, shop_a):
        work_order, (cavity, pin) = accepted
        update_line(line_of(work_order, pin), progress_status="blocked", progress_percent=20)
        body = api_as(alice).get(url("project-board", project.pk)).json()
        assert body["project"] == project.pk and body["stale_after_days"] == 3 and body["total"] == 2
        assert body["counts"]["blocked"] == 1 and body["overall_percent"] == "19.0"  # 40 × 20 / 42
        first = body["rows"][0]
        assert first["part"]["part_no"] == "EJ-01" and first["risk"] == "blocked" and first["reasons"] == ["blocked"]
        assert first["suppliers"] == [{"id": shop_a.enterprise_id, "name": str(shop_a.enterprise)}]
        assert first["lines"][0]["work_order"] == work_order.pk and first["lines"][0]["operation"] is not None
        assert first["current_operation"]["process"]["code"] == "HT"
        only = api_as(alice).get(url("project-board", project.pk), {"status": "on_track"}).json()
        assert [r["part"]["part_no"] for r in only["rows"]] == ["CAV-01"] and only["filters"]["status"] == "on_track"

    def test_bad_filters_are_400_in_the_error_format(self, project, parts, alice):
        response = api_as(alice).get(url("project-board", project.pk), {"status": "lost", "supplier": "x"})
        assert response.status_code == 400 and set(response.json()["fields"]) == {"status", "supplier"}

    def test_an_erp_reads_it_with_an_api_key_and_nobody_else_sees_it(self, api, project, parts, alice, shop_a, mould):
        from tenants.services import api_keys as tenant_services

        issued = tenant_services.api_key_create(by=alice, name="MES", scope="read", brains=[mould])
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
        assert api.get(url("project-board", project.pk)).status_code == 200
        assert api_as(shop_a).get(url("project-board", project.pk)).status_code == 404

    def test_the_schema_documents_the_board_and_the_settings(self, alice):
        schema = api_as(alice).get("/api/schema/", {"format": "json"}).json()
        board = schema["paths"]["/api/v1/brains/{brain_slug}/projects/{id}/board/"]["get"]
        assert {p["name"] for p in board["parameters"]} >= {"supplier", "status", "process"}
        assert board["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Board")
        assert set(schema["paths"]["/api/v1/brains/{brain_slug}/board-settings/"]) >= {"get", "put"}


# --- Board settings ------------------------------------------------------------------------------------


class TestBoardSettings:
    def test_an_operator_sets_n_and_the_board_follows(self, accepted, project, mould, olga):
        work_order, (cavity, _pin) = accepted
        update_line(line_of(work_order, cavity), last_reported_at=at_local(TODAY() - timedelta(days=5)))
        assert rows_by_part(project_board(project))["CAV-01"].risk == Risk.AT_RISK
        saved = board_service.board_settings_save(brain=mould, by=olga, stale_after_days=7)
        assert saved.stale_after_days == 7 and project_board(project).stale_after_days == 7
        assert rows_by_part(project_board(project))["CAV-01"].risk == Risk.ON_TRACK
        board_service.board_settings_save(brain=mould, by=olga, stale_after_days=2)
        with brain_context(mould.pk):
            assert BoardSettings.objects.count() == 1
            assert OutboxEvent.objects.filter(name="board_settings.saved").count() == 2

    @pytest.mark.parametrize("days", [0, 61, "3", True, None])
    def test_bad_days_are_refused(self, mould, olga, days):
        with pytest.raises(DomainError) as error:
            board_service.board_settings_save(brain=mould, by=olga, stale_after_days=days)
        assert error.value.field == "stale_after_days"
        with brain_context(mould.pk):
            assert not BoardSettings.objects.exists()

    def test_members_may_not_change_them(self, mould, alice, shop_a):
        for user in (alice, shop_a):
            with pytest.raises(NotAllowed):
                board_service.board_settings_save(brain=mould, by=user, stale_after_days=5)

    def test_web_form_for_operators_only(self, client, mould, olga, alice):
        client.force_login(alice)
        assert client.get("/b/mould/capacity/board-settings/").status_code == 404
        assert client.post("/b/mould/capacity/board-settings/", {"stale_after_days": 5}).status_code == 404
        assert "/b/mould/capacity/board-settings/" not in client.get("/b/mould/").content.decode()
        client.force_login(olga)
        assert "/b/mould/capacity/board-settings/" in client.get("/b/mould/").content.decode()
        assert 'value="3"' in client.get("/b/mould/capacity/board-settings/").content.decode()
        assert client.post("/b/mould/capacity/board-settings/", {"stale_after_days": 0}).status_code == 400
        assert client.post("/b/mould/capacity/board-settings/", {"stale_after_days": 5}).status_code == 302
        assert board_service.board_settings_of(mould).stale_after_days == 5

    def test_api_members_read_operators_write(self, mould, olga, alice):
        url = "/api/v1/brains/mould/board-settings/"
        assert api_as(alice).get(url).json() == {"stale_after_days": 3, "updated_at": None}
        refused = api_as(alice).put(url, {"stale_after_days": 5}, format="json")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
        bad = api_as(olga).put(url, {"stale_after_days": 0}, format="json")
        assert bad.status_code == 400 and "stale_after_days" in bad.json()["fields"]
        saved = api_as(olga).put(url, {"stale_after_days": 5}, format="json")
        assert saved.status_code == 200 and saved.json()["stale_after_days"] == 5
        assert api_as(alice).get(url).json()["stale_after_days"] == 5


# --- Reminders and digests --------------------------------------------------------------------------------


@pytest.fixture
def stale(accepted, shop_a, in_brain):
    """shop_a's accepted work order, its last report four days old."""
    work_order, (cavity, pin) = accepted
    for rfq_line in (cavity, pin):
        update_line(line_of(work_order, rfq_line), last_reported_at=at_local(TODAY() - timedelta(days=4)))
    shop_a.email = "hongda@example.cn"
    shop_a.save(update_fields=["email"])
    return work_order


class TestProgressReminders:
    def test_a_stale_work_order_reminds_its_supplier_once_a_day(self, stale, shop_a, mould,
                                                                django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            first = board_service.progress_reminders_send()
            again = board_service.progress_reminders_send()
        assert (first.count, again.count) == (1, 0)
        [note] = first.notifications
        assert note.user_id == shop_a.pk and note.kind == "work_order.reminder"
        assert "CAV-01" in note.params["note"] and "EJ-01" in note.params["note"]
        assert note.params["days"] == 3 and note.params["po"].startswith("PO-")
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hongda@example.cn"]
        assert "CAV-01" in mail.outbox[0].body
        with brain_context(mould.pk):
            assert Reminder.objects.filter(work_order=stale, sent_on=TODAY()).count() == 1
            assert Notification.objects.filter(kind="work_order.reminder").count() == 1
        assert board_service.progress_reminders_send(today=TODAY() + timedelta(days=1)).count == 1  # next day

    def test_a_fresh_report_means_no_reminder(self, stale, shop_a, parts, in_brain):
        with brain_context(stale.brain_id):
            lines = list(stale.lines.select_related("work_order", "part", "operation"))
        for line in lines:
            operation = line.operation or operation_of(parts["cavity"], "CNC")
            work_orders.progress_report(line=line, operation=operation, by=shop_a, status="in_progress", percent=5)
        assert board_service.progress_reminders_send().count == 0

    def test_n_is_the_brains_and_done_or_unaccepted_work_is_left_alone(self, stale, mould, awarded):
        stale_days(mould, 5)
        assert board_service.progress_reminders_send().count == 0
        stale_days(mould, 4)
        with brain_context(mould.pk):
            WorkOrderLine.objects.filter(work_order=stale).update(progress_status="done")
        assert board_service.progress_reminders_send().count == 0

    def test_an_issued_work_order_is_not_reminded(self, awarded, mould):
        work_order, *_ = awarded
        with brain_context(mould.pk):
            WorkOrder.objects.filter(pk=work_order.pk).update(created_at=at_local(TODAY() - timedelta(days=9)))
        assert board_service.progress_reminders_send().count == 0


class TestDigests:
    def test_the_buyer_gets_one_digest_of_late_blocked_and_at_risk_parts(self, stale, alice, bob, project,
                                                                         django_capture_on_commit_callbacks):
        alice.email = "alice@jingcheng.cn"
        alice.save(update_fields=["email"])
        with django_capture_on_commit_callbacks(execute=True):
            first = board_service.board_digests_send()
            again = board_service.board_digests_send()
        assert (first.count, again.count) == (1, 0)
        assert sorted(n.user_id for n in first.notifications) == sorted([alice.pk, bob.pk])
        note = first.notifications[0]
        assert note.kind == "project.digest" and note.params["at_risk"] == 2 and note.params["late"] == 0
        assert note.link == f"/b/mould/capacity/projects/{project.pk}/board/"
        [message] = mail.outbox  # bob has no address
        assert message.to == ["alice@jingcheng.cn"] and "CAV-01" in message.body and "EJ-01" in message.body

    def test_nothing_worrying_or_a_closed_project_sends_nothing(self, accepted, project, mould):
        assert board_service.board_digests_send().count == 0  # just accepted: on track
        work_order, (cavity, _pin) = accepted
        update_line(line_of(work_order, cavity), planned_completion=TODAY() + timedelta(days=99))
        with brain_context(mould.pk):
            type(project).objects.filter(pk=project.pk).update(status="closed")
        assert board_service.board_digests_send().count == 0


# --- Live: the task that pushes ----------------------------------------------------------------------------


def test_events_naming_a_project_push_to_its_board_others_do_not(mould, project):
    """Through the real channel layer (Redis): a channel in the board's group hears the one event."""
    import asyncio

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from capacity import tasks
    from capacity.live import board_group

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(board_group(mould.pk, project.pk), channel)
    with brain_context(mould.pk):
        with_project = OutboxEvent.objects.create(brain=mould, name="work_order.progress",
                                                  payload={"project": project.pk, "work_order": 1})
        without = OutboxEvent.objects.create(brain=mould, name="process.saved", payload={"process": 1})

    async def next_message():
        return await asyncio.wait_for(layer.receive(channel), 2)

    assert tasks.push_project_board(mould.pk, without.pk) is False
    assert tasks.push_project_board(mould.pk, with_project.pk) is True
    message = async_to_sync(next_message)()
    assert message == {"type": "live.update", "topic": "board", "id": project.pk, "what": "work_order.progress",
                       "parts": []}  # work order 1 is no one's: no row named, the board re-fetches all
    async_to_sync(layer.group_discard)(board_group(mould.pk, project.pk), channel)


def test_settings_in_another_brain_do_not_apply(mould, pump, charlie, project, parts):
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=charlie, role=BrainStaff.Role.OPERATOR)
    board_service.board_settings_save(brain=pump, by=charlie, stale_after_days=9)
    assert project_board(project).stale_after_days == 3


@pytest.mark.django_db(transaction=True)
def test_two_beat_runs_at_once_send_one_reminder(stale, mould, shop_a):
    """Two workers run the reminders at the same moment: the Reminder row's constraint lets one through."""
    results = race(lambda: board_service.progress_reminders_send().count,
                   lambda: board_service.progress_reminders_send().count)
    assert all(isinstance(count, int) for count in results) and sorted(results) == [0, 1], results
    with brain_context(mould.pk):
        assert Reminder.objects.filter(work_order=stale).count() == 1
        assert Notification.objects.filter(kind="work_order.reminder", user=shop_a).count() == 1
