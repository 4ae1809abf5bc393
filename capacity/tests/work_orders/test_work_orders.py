"""Work orders (Capacity sharing II, first step): made at award, accepted or declined, then progress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.models import Award, ProgressReport, PurchaseOrder, Rfq, WorkOrder
from capacity.services import awards, work_orders
from capacity.tests.conftest import operation_of
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed


def test_awarding_issues_one_work_order_per_purchase_order_with_the_lines(awarded, shop_a, in_brain):
    work_order, (cavity, pin), _b = awarded
    with in_brain(work_order.brain):
        lines = {line.award.rfq_line_id: line
                 for line in work_order.lines.select_related("award", "operation__process")}
    assert work_order.status == WorkOrder.Status.ISSUED and work_order.supplier_id == shop_a.enterprise_id
    assert set(lines) == {cavity.pk, pin.pk}
    assert lines[pin.pk].quantity == 40 and str(lines[pin.pk].unit_price) == "30.00"
    assert lines[pin.pk].operation.process.code == "HT"


def test_only_its_supplier_accepts_and_only_once(awarded, shop_a, shop_b, alice):
    work_order, *_ = awarded
    for stranger in (shop_b, alice):
        with pytest.raises(NotAllowed):
            work_orders.work_order_accept(work_order=work_order, by=stranger)
    assert work_orders.work_order_accept(work_order=work_order, by=shop_a).status == WorkOrder.Status.ACCEPTED
    with pytest.raises(DomainError) as error:
        work_orders.work_order_decline(work_order=work_order, by=shop_a, reason="设备故障")
    assert error.value.code == "invalid_state"


def test_lines_join_a_work_order_only_while_its_supplier_has_not_accepted_it(open_rfq, shop_a, alice, in_brain):
    from capacity.services import rfqs
    from capacity.tests.conftest import lines_of, past_deadline, price

    cavity, pin = lines_of(open_rfq)
    quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000", 20), price(pin, "30", 7)])
    past_deadline(open_rfq)
    with in_brain(open_rfq.brain):
        offered = {ql.rfq_line_id: ql.pk for ql in quote.lines.all()}
    [order] = awards.award_lines(rfq=open_rfq, decisions={cavity.pk: offered[cavity.pk]}, by=alice)
    with in_brain(open_rfq.brain):
        work_order = WorkOrder.objects.get(purchase_order=order)
    work_orders.work_order_accept(work_order=work_order, by=shop_a)
    with pytest.raises(DomainError) as error:  # the supplier accepted one line; it never saw the pins
        awards.award_lines(rfq=open_rfq, decisions={pin.pk: offered[pin.pk]}, by=alice)
    assert error.value.code == "work_order_accepted"
    with in_brain(open_rfq.brain):
        assert list(work_order.lines.values_list("award__rfq_line_id", flat=True)) == [cavity.pk]
        assert not Award.objects.filter(rfq_line=pin).exists()


def test_declining_returns_the_lines_to_the_buyer_for_a_new_award(awarded, shop_a, shop_b, alice, in_brain):
    work_order, (cavity, pin), b = awarded
    with pytest.raises(DomainError):
        work_orders.work_order_decline(work_order=work_order, by=shop_a, reason="  ")
    work_orders.work_order_decline(work_order=work_order, by=shop_a, reason="热处理炉检修，无法按期交付")
    with in_brain(work_order.brain):
        assert Rfq.objects.get(pk=work_order.rfq_id).status == Rfq.Status.CLOSED
        assert not Award.objects.filter(voided_at__isnull=True).exists()
        assert PurchaseOrder.objects.get(pk=work_order.purchase_order_id).cancelled_at is not None
    [again] = awards.award_lines(rfq=work_order.rfq, decisions={cavity.pk: b[cavity.pk]}, by=alice)
    assert again.supplier_id == shop_b.enterprise_id and again.pk != work_order.purchase_order_id
    with in_brain(work_order.brain):
        assert WorkOrder.objects.filter(purchase_order=again).exists()


def refresh(obj):
    with brain_context(obj.brain_id):
        obj.refresh_from_db()


class TestProgress:
    def line_of(self, work_order, rfq_line, in_brain):
        with in_brain(work_order.brain):
            return work_order.lines.select_related("work_order", "part").get(award__rfq_line=rfq_line)

    def test_the_supplier_reports_each_operation(self, accepted, shop_a, parts, in_brain):
        work_order, (cavity, pin) = accepted
        line = self.line_of(work_order, cavity, in_brain)
        cnc = operation_of(parts["cavity"], "CNC")
        work_orders.progress_report(line=line, operation=cnc, by=shop_a, status="in_progress", percent=40,
                                    planned_completion=timezone.localdate() + timedelta(days=5))
        done = work_orders.progress_report(line=line, operation=cnc, by=shop_a, status="done")
        assert done.percent == 100 and done.quantity_done == 1
        with in_brain(work_order.brain):
            assert ProgressReport.objects.filter(line=line).first() == done  # the newest is the current state

    def test_the_line_state_follows_the_newest_report_of_each_operation(self, accepted, shop_a, parts, in_brain):
        work_order, (cavity, pin) = accepted
        line = self.line_of(work_order, cavity, in_brain)  # the whole part: CNC then HT, no hours estimated
        cnc, ht = operation_of(parts["cavity"], "CNC"), operation_of(parts["cavity"], "HT")
        planned = timezone.localdate() + timedelta(days=9)
        work_orders.progress_report(line=line, operation=cnc, by=shop_a, status="in_progress", percent=60,
                                    planned_completion=planned)
        refresh(line)
        assert (line.progress_status, line.progress_percent, line.current_operation_id) == ("in_progress", 30, cnc.pk)
        assert line.planned_completion == planned and line.last_reported_at is not None
        work_orders.progress_report(line=line, operation=cnc, by=shop_a, status="done")
        work_orders.progress_report(line=line, operation=ht, by=shop_a, status="blocked", reason="炉子检修")
        refresh(line)
        assert (line.progress_status, line.progress_percent, line.current_operation_id) == ("blocked", 50, ht.pk)
        assert line.planned_completion == planned  # a report without a date keeps the last one
        work_orders.progress_report(line=line, operation=ht, by=shop_a, status="done")
        refresh(line)
        assert (line.progress_status, line.progress_percent, line.current_operation) == ("done", 100, None)

    def test_operations_weigh_by_their_estimated_hours(self, accepted, shop_a, parts, in_brain):
        work_order, (cavity, pin) = accepted
        cnc, ht = operation_of(parts["cavity"], "CNC"), operation_of(parts["cavity"], "HT")
        with in_brain(work_order.brain):
            cnc.estimated_hours, ht.estimated_hours = 30, 10
            cnc.save(), ht.save()
        line = self.line_of(work_order, cavity, in_brain)
        work_orders.progress_report(line=line, operation=cnc, by=shop_a, status="done")
        refresh(line)
        assert line.progress_percent == 75

    def test_a_report_keeps_its_photos_and_inspection_files(self, accepted, shop_a, parts, in_brain):
        from capacity.services.attachments import Upload

        work_order, (cavity, pin) = accepted
        line = self.line_of(work_order, cavity, in_brain)
        photo = Upload("机床.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "photo")
        report_pdf = Upload("三坐标报告.pdf", b"%PDF-1.7 measured", "inspection")
        report = work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                             status="in_progress", percent=10, files=[photo, report_pdf])
        with in_brain(work_order.brain):
            files = list(report.files.order_by("id"))
            assert [(f.kind, f.content_type, f.original_name) for f in files] == [
                ("photo", "image/jpeg", "机床.jpg"), ("inspection", "application/pdf", "三坐标报告.pdf")]
            assert files[0].file.read() == photo.content

    @pytest.mark.parametrize("upload", [
        ("a.exe", b"MZ\x90\x00", "photo"),  # not a photo at all
        ("a.pdf", b"%PDF-1.7", "video"),  # a PDF is not a video
        ("a.jpg", b"", "photo"),
        ("a.jpg", b"\xff\xd8\xff", "selfie"),
    ])
    def test_a_bad_file_refuses_the_whole_report(self, accepted, shop_a, parts, upload, in_brain):
        from capacity.services.attachments import Upload

        work_order, (cavity, pin) = accepted
        line = self.line_of(work_order, cavity, in_brain)
        with pytest.raises(DomainError) as error:
            work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                        status="in_progress", percent=10, files=[Upload(*upload)])
        assert error.value.field == "files"
        with in_brain(work_order.brain):
            assert not ProgressReport.objects.exists()
        refresh(line)
        assert line.last_reported_at is None

    @pytest.mark.parametrize("bad", [
        {"status": "blocked"},  # no reason
        {"status": "in_progress", "percent": 120},
        {"status": "in_progress", "quantity_done": 2},  # the line has one piece
        {"status": "exploded"},
    ])
    def test_bad_reports_are_refused(self, accepted, shop_a, parts, bad, in_brain):
        work_order, (cavity, pin) = accepted
        with pytest.raises(DomainError):
            work_orders.progress_report(line=self.line_of(work_order, cavity, in_brain),
                                        operation=operation_of(parts["cavity"], "CNC"), by=shop_a, **bad)

    def test_an_operation_outside_the_line_is_refused(self, accepted, shop_a, parts, in_brain):
        work_order, (cavity, pin) = accepted
        pin_line = self.line_of(work_order, pin, in_brain)  # tendered: only the pins' heat treatment
        with pytest.raises(DomainError):
            work_orders.progress_report(line=pin_line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                        status="in_progress")

    def test_no_progress_before_acceptance_nor_by_others(self, awarded, shop_a, shop_b, parts, in_brain):
        work_order, (cavity, pin), _b = awarded
        line = self.line_of(work_order, cavity, in_brain)
        with pytest.raises(DomainError):
            work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_a,
                                        status="in_progress")
        work_orders.work_order_accept(work_order=work_order, by=shop_a)
        with pytest.raises(NotAllowed):
            work_orders.progress_report(line=line, operation=operation_of(parts["cavity"], "CNC"), by=shop_b,
                                        status="in_progress")


def test_the_buyer_hears_of_a_declined_work_order_with_the_reason(awarded, shop_a, alice, mould):
    from capacity.services import notifications
    from tenants.context import brain_context
    from tenants.models import OutboxEvent

    work_order, *_ = awarded
    work_orders.work_order_decline(work_order=work_order, by=shop_a, reason="热处理炉检修")
    with brain_context(mould.pk):
        event = OutboxEvent.objects.get(name="work_order.declined")
    [told] = notifications.notifications_from_event(brain_id=mould.pk, event_id=event.pk)
    assert told.user_id == alice.pk and "宏达" in told.title and told.body == "热处理炉检修"
