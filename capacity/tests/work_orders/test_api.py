"""Work orders over the API: what the buyer and the supplier see, accept / decline, progress reports with files
(also from an MES with an API key). 宏达 (shop_a) makes alice's cavity and pins; 永盛 (shop_b) and 张 (another
buyer) must see none of it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from capacity.models import Attachment, ProgressReport, WorkOrderLine
from capacity.services import work_orders
from capacity.tests.conftest import operation_of
from conftest import api_as
from tenants.context import brain_context
from tenants.services import api_keys as tenant_services
from tests.support import ids, url

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200
PDF = b"%PDF-1.7 CMM report"


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in WorkOrderLine.objects.filter(work_order=work_order)
                .select_related("part", "work_order")}


class TestWorkOrders:
    def test_the_buyer_and_the_supplier_see_it_nobody_else(self, awarded, alice, shop_a, shop_b, zhang, charlie):
        work_order, *_ = awarded
        for user in (alice, shop_a):
            assert ids(api_as(user).get(url("work-order-list"))) == [work_order.pk]
            assert api_as(user).get(url("work-order-detail", pk=work_order.pk)).status_code == 200
        for user in (shop_b, zhang):
            assert ids(api_as(user).get(url("work-order-list"))) == []
            assert api_as(user).get(url("work-order-detail", pk=work_order.pk)).status_code == 404
        assert api_as(charlie).get(url("work-order-detail", pk=work_order.pk)).status_code == 404

    def test_the_detail_has_the_lines_with_routing_price_vat_and_progress(self, awarded, alice, parts):
        work_order, (cavity, pin), _b = awarded
        body = api_as(alice).get(url("work-order-detail", pk=work_order.pk)).json()
        assert body["status"] == "issued" and body["number"].startswith("PO-") and body["rfq"] == work_order.rfq_id
        assert body["project"] == parts["cavity"].project_id and body["supplier"]["legal_name"].endswith("加工厂")
        assert body["total_amount"] == "19200.00"  # 18000 + 40 × 30
        lines = {line["part"]["part_no"]: line for line in body["lines"]}
        whole, pins = lines["CAV-01"], lines["EJ-01"]
        assert whole["process"] is None and [op["process"] for op in whole["operations"]] == ["CNC", "HT"]
        assert pins["process"] == "HT" and [op["process"] for op in pins["operations"]] == ["HT"]
        assert (pins["quantity"], pins["unit_price"], pins["vat_rate"], pins["amount"], pins["tax_amount"]) == (
            40, "30.00", "13.00", "1200.00", "138.05")
        assert whole["due_date"] == parts["cavity"].due_date.isoformat()
        assert (whole["progress_status"], whole["progress_percent"], whole["delivered_quantity"],
                whole["accepted_quantity"], whole["outstanding_quantity"]) == ("not_started", 0, 0, 0, 1)

    def test_filters(self, awarded, alice, shop_a, parts):
        work_order, *_ = awarded
        client = api_as(alice)
        assert ids(client.get(url("work-order-list", status="issued"))) == [work_order.pk]
        assert ids(client.get(url("work-order-list", status="accepted"))) == []
        assert ids(client.get(url("work-order-list", rfq=work_order.rfq_id))) == [work_order.pk]
        assert ids(client.get(url("work-order-list", project=parts["cavity"].project_id))) == [work_order.pk]
        assert ids(client.get(url("work-order-list", project=parts["cavity"].project_id + 1000))) == []
        assert ids(client.get(url("work-order-list", supplier=shop_a.enterprise_id))) == [work_order.pk]
        assert client.get(url("work-order-list", status="exploded")).status_code == 400

    def test_the_supplier_accepts_the_buyer_cannot(self, awarded, alice, shop_a):
        work_order, *_ = awarded
        response = api_as(alice).post(url("work-order-accept", pk=work_order.pk))
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        response = api_as(shop_a).post(url("work-order-accept", pk=work_order.pk))
        assert response.status_code == 200 and response.json()["status"] == "accepted"
        again = api_as(shop_a).post(url("work-order-decline", pk=work_order.pk), {"reason": "x"}, format="json")
        assert again.status_code == 400 and again.json()["code"] == "invalid_state"

    def test_declining_needs_a_reason(self, awarded, shop_a):
        work_order, *_ = awarded
        client = api_as(shop_a)
        response = client.post(url("work-order-decline", pk=work_order.pk), {}, format="json")
        assert response.status_code == 400 and "reason" in response.json()["fields"]
        response = client.post(url("work-order-decline", pk=work_order.pk), {"reason": "热处理炉检修"}, format="json")
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "热处理炉检修")

    @pytest.mark.parametrize("name", ["work-order-list", "progress-report-list", "change-request-list",
                                      "attachment-list"])
    def test_lists_cost_the_same_queries_with_more_rows(self, accepted, alice, shop_a, parts, name,
                                                        django_assert_max_num_queries):
        from capacity.services.attachments import Upload
        from capacity.services.change_requests import change_request_ask

        work_order, _lines = accepted
        lines = lines_by_part(work_order)

        def more(line, operation):
            work_orders.progress_report(line=line, operation=operation, by=shop_a, status="in_progress", percent=10,
                                        files=[Upload("a.jpg", JPEG, "photo")])
            change_request_ask(line=line, by=shop_a, new_quantity=line.quantity + 1, reason="多做")

        more(lines["CAV-01"], operation_of(parts["cavity"], "CNC"))
        client = api_as(alice)
        client.get(url(name))
        with django_assert_max_num_queries(30) as before:
            assert len(ids(client.get(url(name)))) == 1
        more(lines["EJ-01"], operation_of(parts["pin"], "HT"))
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert len(ids(client.get(url(name)))) == (1 if name == "work-order-list" else 2)


class TestProgressReports:
    def test_the_supplier_reports_in_json_and_the_line_follows(self, accepted, shop_a, alice, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        cnc = operation_of(parts["cavity"], "CNC")
        planned = (timezone.localdate() + timedelta(days=8)).isoformat()
        response = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": cnc.pk, "status": "in_progress", "percent": 60, "note": "粗加工完成",
            "planned_completion": planned}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["work_order"], body["line"], body["process"], body["percent"], body["files"]) == (
            work_order.pk, line.pk, "CNC", 60, [])
        assert body["reported_by"] == "hongda" and body["part_no"] == "CAV-01"
        detail = api_as(alice).get(url("work-order-detail", pk=work_order.pk)).json()
        cavity = next(row for row in detail["lines"] if row["id"] == line.pk)
        assert (cavity["progress_status"], cavity["progress_percent"], cavity["current_process"],
                cavity["planned_completion"]) == ("in_progress", 30, "CNC", planned)

    def test_photos_and_inspection_files_in_a_multipart_report(self, accepted, shop_a, alice, shop_b, zhang, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        response = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "done",
            "files": [SimpleUploadedFile("型腔.jpg", JPEG), SimpleUploadedFile("三坐标.pdf", PDF)],
            "kind": ["photo", "inspection"]}, format="multipart")
        assert response.status_code == 201, response.content
        files = response.json()["files"]
        assert [(f["kind"], f["content_type"], f["original_name"]) for f in files] == [
            ("photo", "image/jpeg", "型腔.jpg"), ("inspection", "application/pdf", "三坐标.pdf")]
        photo, report = files
        assert photo["download"] == url("attachment-download", pk=photo["id"])
        download = api_as(alice).get(photo["download"], HTTP_ACCEPT="image/*")
        assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG
        assert download["Content-Disposition"].startswith("attachment")
        inline = api_as(alice).get(photo["download"] + "?inline=1")
        assert inline["Content-Disposition"].startswith("inline") and inline["Content-Type"] == "image/jpeg"
        pdf = api_as(shop_a).get(report["download"] + "?inline=1")  # only photos and videos show inline
        assert pdf["Content-Disposition"].startswith("attachment") and b"".join(pdf.streaming_content) == PDF
        for stranger in (shop_b, zhang):
            assert api_as(stranger).get(photo["download"]).status_code == 404
            assert api_as(stranger).get(url("attachment-detail", pk=photo["id"])).status_code == 404

    def test_without_kinds_the_content_tells_them(self, accepted, shop_a, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        video = b"\x00\x00\x00\x18ftypmp42" + b"0" * 64
        xlsx = b"PK\x03\x04" + b"0" * 64
        response = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "in_progress",
            "files": [SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.mp4", video),
                      SimpleUploadedFile("c.xlsx", xlsx)]}, format="multipart")
        assert response.status_code == 201, response.content
        assert [f["kind"] for f in response.json()["files"]] == ["photo", "video", "inspection"]

    @pytest.mark.parametrize("change, field", [
        ({"status": "blocked"}, "reason"),
        ({"percent": 120}, "percent"),
        ({"status": "exploded"}, "status"),
        ({"line": 0}, "line"),
        ({"operation": 0}, "operation"),
    ])
    def test_bad_reports_are_400_with_the_field(self, accepted, shop_a, parts, change, field):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        payload = {"line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "in_progress",
                   **change}
        response = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), payload, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], response.content
        with brain_context(work_order.brain_id):
            assert not ProgressReport.objects.exists()

    def test_a_bad_file_refuses_the_report(self, accepted, shop_a, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        response = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "in_progress",
            "files": [SimpleUploadedFile("virus.jpg", b"MZ\x90\x00")], "kind": ["photo"]}, format="multipart")
        assert response.status_code == 400 and "files" in response.json()["fields"]
        kinds = api_as(shop_a).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "in_progress",
            "files": [SimpleUploadedFile(f"{n}.jpg", JPEG) for n in range(3)], "kind": ["photo", "photo"]}, format="multipart")
        assert kinds.status_code == 400 and "kind" in kinds.json()["fields"]
        with brain_context(work_order.brain_id):
            assert not ProgressReport.objects.exists() and not Attachment.objects.exists()

    def test_only_the_supplier_reports(self, accepted, alice, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        response = api_as(alice).post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, "status": "in_progress"},
            format="json")
        assert response.status_code == 403

    def test_list_filters_and_since(self, accepted, shop_a, alice, zhang, parts):
        work_order, _lines = accepted
        lines = lines_by_part(work_order)
        first = work_orders.progress_report(line=lines["CAV-01"], operation=operation_of(parts["cavity"], "CNC"),
                                            by=shop_a, status="in_progress", percent=20)
        with brain_context(work_order.brain_id):
            ProgressReport.objects.filter(pk=first.pk).update(reported_at=timezone.now() - timedelta(hours=2))
        second = work_orders.progress_report(line=lines["EJ-01"], operation=operation_of(parts["pin"], "HT"),
                                             by=shop_a, status="done")
        client = api_as(alice)
        assert ids(client.get(url("progress-report-list"))) == [second.pk, first.pk]
        assert ids(client.get(url("progress-report-list", work_order=work_order.pk))) == [second.pk, first.pk]
        assert ids(client.get(url("progress-report-list", line=lines["CAV-01"].pk))) == [first.pk]
        since = (timezone.now() - timedelta(hours=1)).isoformat().replace("+", "%2B")
        assert ids(client.get(url("progress-report-list", since=since))) == [second.pk]
        detail = client.get(url("progress-report-detail", pk=first.pk)).json()
        assert detail["status"] == "in_progress" and detail["files"] == []
        assert ids(api_as(zhang).get(url("progress-report-list"))) == []
        assert api_as(zhang).get(url("progress-report-detail", pk=first.pk)).status_code == 404


class TestAnMesWithAnApiKey:
    def test_it_accepts_and_posts_progress_with_a_photo(self, awarded, shop_a, parts, mould):
        work_order, *_ = awarded
        secret = tenant_services.api_key_create(by=shop_a, name="MES", scope="write", brains=[mould]).secret
        mes = api_as(shop_a)
        mes.logout()
        mes.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        assert ids(mes.get(url("work-order-list", status="issued"))) == [work_order.pk]
        assert mes.post(url("work-order-accept", pk=work_order.pk)).status_code == 200
        line = lines_by_part(work_order)["EJ-01"]
        response = mes.post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["pin"], "HT").pk, "status": "in_progress",
            "quantity_done": 25, "files": [SimpleUploadedFile("炉温曲线.jpg", JPEG)]}, format="multipart")
        assert response.status_code == 201, response.content
        assert response.json()["quantity_done"] == 25 and response.json()["reported_by"] == "hongda"
        with brain_context(work_order.brain_id):
            line.refresh_from_db()
        assert (line.progress_status, line.progress_percent) == ("in_progress", 62)

    def test_a_read_only_key_cannot_report(self, accepted, shop_a, parts, mould):
        work_order, _lines = accepted
        secret = tenant_services.api_key_create(by=shop_a, name="看板", scope="read", brains=[mould]).secret
        client = api_as(shop_a)
        client.logout()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
        line = lines_by_part(work_order)["EJ-01"]
        response = client.post(url("work-order-report", pk=work_order.pk), {
            "line": line.pk, "operation": operation_of(parts["pin"], "HT").pk, "status": "done"}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "read_only_key"
