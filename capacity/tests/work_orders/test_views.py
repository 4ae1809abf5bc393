"""The work order pages: the list for both sides, accepting and declining, reporting progress from the phone
form with photos and inspection files. 宏达 (shop_a) makes alice's cavity and pins."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from capacity.models import Attachment, ChangeRequest, ProgressReport, WorkOrder, WorkOrderLine
from capacity.services import work_orders
from capacity.services.change_requests import change_request_ask
from capacity.tests.conftest import operation_of
from tenants.context import brain_context

JPEG = b"\xff\xd8\xff\xe0" + b"1" * 300
PDF = b"%PDF-1.7 three-coordinate measurement"


def page(work_order):
    return f"/b/mould/capacity/work-orders/{work_order.pk}/"


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in WorkOrderLine.objects.filter(work_order=work_order)
                .select_related("part", "work_order")}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


class TestList:
    def test_each_side_sees_its_work_orders_grouped_by_status(self, client, awarded, alice, shop_a, shop_b):
        work_order, *_ = awarded
        with brain_context(work_order.brain_id):
            number = work_order.purchase_order.number
        client.force_login(shop_a)
        html = client.get("/b/mould/capacity/work-orders/").content.decode()
        assert 'data-testid="work-orders-supplier"' in html and 'data-testid="work-orders-buyer"' not in html
        assert number in html and "精诚模具" in html and str(WorkOrder.Status.ISSUED.label) in html
        client.force_login(alice)
        html = client.get("/b/mould/capacity/work-orders/").content.decode()
        assert 'data-testid="work-orders-buyer"' in html and number in html
        client.force_login(shop_b)
        html = client.get("/b/mould/capacity/work-orders/").content.decode()
        assert number not in html and 'data-testid="work-order-link"' not in html

    def test_the_brain_home_and_the_purchase_order_link_to_work_orders(self, client, awarded, shop_a):
        work_order, *_ = awarded
        client.force_login(shop_a)
        assert 'data-testid="work-orders-link"' in client.get("/b/mould/").content.decode()
        po = client.get(f"/b/mould/capacity/purchase-orders/{work_order.purchase_order_id}/").content.decode()
        assert page(work_order) in po


class TestDeciding:
    def test_the_supplier_accepts_from_the_page(self, client, awarded, shop_a, alice):
        work_order, *_ = awarded
        client.force_login(alice)
        assert 'data-testid="accept-work-order"' not in client.get(page(work_order)).content.decode()
        refused = client.post(page(work_order), {"action": "accept"})
        assert refused.status_code == 400 and fresh(work_order).status == "issued"
        client.force_login(shop_a)
        assert 'data-testid="accept-work-order"' in client.get(page(work_order)).content.decode()
        response = client.post(page(work_order), {"action": "accept"})
        assert response.status_code == 302 and fresh(work_order).status == WorkOrder.Status.ACCEPTED

    def test_declining_needs_a_reason(self, client, awarded, shop_a):
        work_order, *_ = awarded
        client.force_login(shop_a)
        response = client.post(page(work_order), {"action": "decline", "reason": ""})
        assert response.status_code == 400 and fresh(work_order).status == "issued"
        client.post(page(work_order), {"action": "decline", "reason": "热处理炉检修"})
        work_order = fresh(work_order)
        assert (work_order.status, work_order.decline_reason) == ("declined", "热处理炉检修")
        assert "热处理炉检修" in client.get(page(work_order)).content.decode()

    def test_an_unknown_action_is_404(self, client, awarded, shop_a):
        work_order, *_ = awarded
        client.force_login(shop_a)
        assert client.post(page(work_order), {"action": "explode"}).status_code == 404


class TestReporting:
    def test_the_phone_form_is_there_for_the_supplier_only(self, client, accepted, shop_a, alice):
        work_order, _lines = accepted
        client.force_login(shop_a)
        html = client.get(page(work_order)).content.decode()
        assert html.count('data-testid="report-form"') == 2 and 'enctype="multipart/form-data"' in html
        assert 'accept="image/*" capture="environment" multiple' in html and 'name="inspection"' in html
        assert 'data-testid="status-blocked"' in html
        client.force_login(alice)
        assert 'data-testid="report-form"' not in client.get(page(work_order)).content.decode()

    def test_a_report_with_photos_and_an_inspection_file_through_the_form(self, client, accepted, shop_a, alice,
                                                                         parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        cnc = operation_of(parts["cavity"], "CNC")
        planned = timezone.localdate() + timedelta(days=6)
        client.force_login(shop_a)
        response = client.post(page(work_order), {
            "action": "report", "line": line.pk, "operation": cnc.pk, "status": "in_progress", "percent": "70",
            "planned_completion": planned.isoformat(), "note": "精加工中",
            "photos": [SimpleUploadedFile("机床1.jpg", JPEG), SimpleUploadedFile("机床2.jpg", JPEG + b"2")],
            "inspection": [SimpleUploadedFile("三坐标.pdf", PDF)]})
        assert response.status_code == 302 and response["Location"].endswith(f"#line-{line.pk}")
        with brain_context(work_order.brain_id):
            report = ProgressReport.objects.get()
            files = list(Attachment.objects.filter(report=report).order_by("pk"))
        assert (report.status, report.percent, report.note, report.planned_completion) == (
            "in_progress", 70, "精加工中", planned)
        assert [(f.kind, f.content_type) for f in files] == [
            ("photo", "image/jpeg"), ("photo", "image/jpeg"), ("inspection", "application/pdf")]
        line = fresh(line)
        assert (line.progress_status, line.progress_percent, line.planned_completion) == ("in_progress", 35, planned)
        client.force_login(alice)  # the buyer sees the report with its thumbnails and the inspection file
        html = client.get(page(work_order)).content.decode()
        assert html.count('data-testid="thumb"') == 2 and "三坐标.pdf" in html and "精加工中" in html
        thumb = client.get(f"/api/v1/brains/mould/attachments/{files[0].pk}/download/?inline=1")
        assert thumb.status_code == 200 and b"".join(thumb.streaming_content) == JPEG

    def test_done_needs_no_percent(self, client, accepted, shop_a, parts):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["EJ-01"]
        client.force_login(shop_a)
        client.post(page(work_order), {"action": "report", "line": line.pk,
                                       "operation": operation_of(parts["pin"], "HT").pk, "status": "done"})
        assert (fresh(line).progress_status, fresh(line).progress_percent) == ("done", 100)

    @pytest.mark.parametrize("bad", [
        {"status": "blocked", "reason": ""},
        {"status": "in_progress", "percent": "150"},
        {"status": "in_progress", "photos": [SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not a photo")]},
        {"status": "in_progress", "line": "0"},
    ])
    def test_a_bad_report_is_400_with_the_reason_and_nothing_saved(self, client, accepted, shop_a, parts, bad):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        client.force_login(shop_a)
        data = {"action": "report", "line": line.pk, "operation": operation_of(parts["cavity"], "CNC").pk, **bad}
        response = client.post(page(work_order), data)
        assert response.status_code == 400 and messages_of(response)
        with brain_context(work_order.brain_id):
            assert not ProgressReport.objects.exists() and not Attachment.objects.exists()

    def test_the_page_costs_the_same_queries_with_more_reports(self, client, accepted, shop_a, alice, parts,
                                                               django_assert_max_num_queries):
        from capacity.services.attachments import Upload

        work_order, _lines = accepted
        lines = lines_by_part(work_order)
        work_orders.progress_report(line=lines["CAV-01"], operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                    status="in_progress", percent=10, files=[Upload("a.jpg", JPEG, "photo")])
        client.force_login(alice)
        client.get(page(work_order))
        with django_assert_max_num_queries(40) as before:
            client.get(page(work_order))
        for _ in range(4):
            work_orders.progress_report(line=lines["EJ-01"], operation=operation_of(parts["pin"], "HT"), by=shop_a,
                                        status="in_progress", percent=20, files=[Upload("b.jpg", JPEG, "photo")])
            change_request_ask(line=lines["EJ-01"], by=shop_a, new_quantity=41, reason="备件")
            with brain_context(work_order.brain_id):
                ChangeRequest.objects.filter(status="pending").update(status="withdrawn")
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(page(work_order)).status_code == 200
