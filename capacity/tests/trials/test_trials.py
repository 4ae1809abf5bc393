"""Remote mould trials: scheduled by the project's buyer (T1, T2, … without gaps, also under concurrency),
recorded with files, cancelled, and turned into new parts or operations when the mould must be modified."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.models import Attachment, MouldTrial, Operation, Part, Project, TrialModification
from capacity.services import projects, rfqs, trials
from capacity.services.attachments import Upload
from capacity.tests.conftest import viewer_of
from tenants.errors import DomainError, NotAllowed
from tenants.models import Notification, OutboxEvent
from tests.support import race

PHOTO = Upload("短射.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, "photo")
VIDEO = Upload("试模.mp4", b"\x00\x00\x00\x18ftypmp42" + b"0" * 64, "video")
REPORT = Upload("首件检测报告.pdf", b"%PDF-1.7 first article", "inspection")


def tomorrow(hour=9):
    return timezone.localtime().replace(hour=hour, minute=30, second=0, microsecond=0) + timedelta(days=1)


def schedule(project, by, **kwargs):
    values = {"scheduled_at": tomorrow(), "location": "黄岩模具城试模中心", "press": "海天 MA1600"} | kwargs
    return trials.trial_schedule(project=project, by=by, **values)


def events(brain, name, in_brain):
    with in_brain(brain):
        return list(OutboxEvent.objects.filter(name=name).order_by("id").values_list("payload", flat=True))


def fresh(trial, in_brain):
    with in_brain(trial.brain):
        return MouldTrial.objects.get(pk=trial.pk)


@pytest.fixture
def modify(project, alice, parts):
    """T1 concluded: the mould needs modifying."""
    trial = schedule(project, alice)
    return trials.trial_record(trial=trial, by=alice, shots=120, conclusion="modify",
                               defects="分型面飞边 0.2 mm；顶针位置缩痕")


class TestSchedule:
    def test_trials_are_numbered_t1_t2_and_a_cancelled_one_keeps_its_number(self, project, alice, mould, in_brain):
        first = schedule(project, alice, meeting_url="https://meeting.tencent.com/dm/abc")
        assert (first.number, first.status, first.scheduled_by_id) == (1, "scheduled", alice.pk)
        trials.trial_cancel(trial=first, by=alice, reason="注塑机故障")
        second = schedule(project, alice)
        assert second.number == 2
        scheduled = events(mould, "mould_trial.scheduled", in_brain)
        assert [(p["project"], p["trial"], p["number"]) for p in scheduled] == [
            (project.pk, first.pk, 1), (project.pk, second.pk, 2)]

    def test_numbers_are_per_project(self, project, alice, mould):
        other = projects.project_create(brain=mould, by=alice, code="M-2026-019", name="洗衣机面板模具")
        schedule(project, alice)
        assert schedule(other, alice).number == 1 and schedule(project, alice).number == 2

    def test_a_colleague_may_schedule_but_not_a_supplier_another_buyer_or_another_brain(
            self, project, alice, bob, shop_a, zhang, charlie, in_brain):
        for stranger in (shop_a, zhang, charlie):
            with pytest.raises(NotAllowed):
                schedule(project, stranger)
        assert schedule(project, bob).number == 1
        with in_brain(project.brain):
            assert MouldTrial.objects.count() == 1

    @pytest.mark.parametrize("change, field", [
        ({"scheduled_at": None}, "scheduled_at"),
        ({"location": "  "}, "location"),
        ({"location": "x" * 201}, "location"),
        ({"press": "x" * 101}, "press"),
        ({"meeting_url": "腾讯会议 123 456"}, "meeting_url"),
        ({"meeting_url": "ftp://example.cn/x"}, "meeting_url"),
    ])
    def test_bad_input_is_refused_with_its_field_and_writes_nothing(self, project, alice, change, field, in_brain):
        with pytest.raises(DomainError) as error:
            schedule(project, alice, **change)
        assert error.value.field == field
        with in_brain(project.brain):
            assert not MouldTrial.objects.exists() and not OutboxEvent.objects.filter(
                name__startswith="mould_trial").exists()

    def test_a_day_that_has_passed_is_refused_but_today_is_fine(self, project, alice):
        with pytest.raises(DomainError) as error:
            schedule(project, alice, scheduled_at=timezone.now() - timedelta(days=1))
        assert error.value.field == "scheduled_at"
        today = timezone.localtime().replace(hour=0, minute=1)  # earlier today: a trial entered afterwards
        assert schedule(project, alice, scheduled_at=today).number == 1

    def test_a_closed_project_gets_no_trial(self, project, alice, in_brain):
        with in_brain(project.brain):
            Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
        with pytest.raises(DomainError) as error:
            schedule(project, alice)
        assert error.value.code == "invalid_state"


@pytest.mark.django_db(transaction=True)
def test_two_schedules_at_once_are_t1_and_t2(project, alice, bob, in_brain):
    results = race(lambda: schedule(project, alice), lambda: schedule(project, bob))
    assert all(isinstance(r, MouldTrial) for r in results), results
    assert sorted(r.number for r in results) == [1, 2]
    with in_brain(project.brain):
        assert sorted(MouldTrial.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_recording_and_cancelling_at_once_do_one_of_them(project, alice, bob, in_brain):
    trial = schedule(project, alice)
    results = race(lambda: trials.trial_record(trial=trial, by=alice, shots=50, conclusion="pass"),
                    lambda: trials.trial_cancel(trial=trial, by=bob))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].code == "invalid_state", results
    status = fresh(trial, in_brain).status
    assert status in ("recorded", "cancelled")
    with in_brain(project.brain):
        assert OutboxEvent.objects.filter(name__in=["mould_trial.recorded", "mould_trial.cancelled"]).count() == 1


class TestRecord:
    def test_a_pass_is_recorded_with_photos_videos_and_inspection_reports(self, project, alice, mould, in_brain):
        trial = schedule(project, alice)
        recorded = trials.trial_record(trial=trial, by=alice, shots=300, conclusion="pass", summary="产品合格，可以交模",
                                       files=[PHOTO, VIDEO, REPORT])
        assert (recorded.status, recorded.shots, recorded.conclusion, recorded.recorded_by_id) == (
            "recorded", 300, "pass", alice.pk)
        assert recorded.recorded_at is not None and recorded.defects == ""
        with in_brain(mould):
            files = list(Attachment.objects.filter(trial=trial).order_by("id"))
            assert [(f.kind, f.content_type, f.original_name) for f in files] == [
                ("photo", "image/jpeg", "短射.jpg"), ("video", "video/mp4", "试模.mp4"),
                ("inspection", "application/pdf", "首件检测报告.pdf")]
            assert files[1].file.read() == VIDEO.content
        [payload] = events(mould, "mould_trial.recorded", in_brain)
        assert payload["project"] == project.pk and payload["trial"] == trial.pk and payload["conclusion"] == "pass"
        assert payload["files"] == [f.pk for f in files]

    @pytest.mark.parametrize("kwargs, field", [
        ({"conclusion": ""}, "conclusion"),
        ({"conclusion": "maybe"}, "conclusion"),
        ({"conclusion": "modify", "defects": "  "}, "defects"),
        ({"shots": None}, "shots"),
        ({"shots": -1}, "shots"),
        ({"summary": "x" * 5001}, "summary"),
        ({"files": [Upload("视频.mp4", b"not a video at all", "video")]}, "files"),
        ({"files": [PHOTO] * 11}, "files"),
    ])
    def test_bad_results_are_refused_and_nothing_is_kept(self, project, alice, kwargs, field, in_brain):
        trial = schedule(project, alice)
        values = {"shots": 10, "conclusion": "pass", "defects": ""} | kwargs
        with pytest.raises(DomainError) as error:
            trials.trial_record(trial=trial, by=alice, **values)
        assert error.value.field == field
        assert fresh(trial, in_brain).status == "scheduled"
        with in_brain(project.brain):
            assert not Attachment.objects.exists()

    def test_only_a_scheduled_trial_is_recorded_once(self, project, alice):
        trial = schedule(project, alice)
        trials.trial_record(trial=trial, by=alice, shots=10, conclusion="pass")
        with pytest.raises(DomainError) as error:
            trials.trial_record(trial=trial, by=alice, shots=20, conclusion="modify", defects="缩痕")
        assert error.value.code == "invalid_state"
        cancelled = trials.trial_cancel(trial=schedule(project, alice), by=alice)
        with pytest.raises(DomainError) as error:
            trials.trial_record(trial=cancelled, by=alice, shots=10, conclusion="pass")
        assert error.value.code == "invalid_state"

    def test_only_the_projects_buyer_records(self, project, alice, shop_a, zhang, in_brain):
        trial = schedule(project, alice)
        for stranger in (shop_a, zhang):
            with pytest.raises(NotAllowed):
                trials.trial_record(trial=trial, by=stranger, shots=10, conclusion="pass", files=[PHOTO])
        assert fresh(trial, in_brain).status == "scheduled"


class TestCancel:
    def test_the_reason_is_kept_and_told(self, project, alice, mould, in_brain):
        trial = trials.trial_cancel(trial=schedule(project, alice), by=alice, reason="  客户改期  ")
        assert (trial.status, trial.summary) == ("cancelled", "客户改期")
        [payload] = events(mould, "mould_trial.cancelled", in_brain)
        assert payload == {"project": project.pk, "trial": trial.pk, "number": 1, "by": alice.pk, "reason": "客户改期"}

    def test_only_a_scheduled_trial_is_cancelled_and_only_by_its_buyer(self, project, alice, shop_a, zhang,
                                                                       in_brain):
        trial = schedule(project, alice)
        for stranger in (shop_a, zhang):
            with pytest.raises(NotAllowed):
                trials.trial_cancel(trial=trial, by=stranger)
        with pytest.raises(DomainError) as error:
            trials.trial_cancel(trial=trial, by=alice, reason="x" * 501)
        assert error.value.field == "reason"
        assert fresh(trial, in_brain).status == "scheduled"
        trials.trial_record(trial=trial, by=alice, shots=5, conclusion="pass")
        with pytest.raises(DomainError) as error:
            trials.trial_cancel(trial=trial, by=alice)
        assert error.value.code == "invalid_state"


class TestModifications:
    def test_a_new_part_is_made_with_its_routing_and_can_be_tendered(self, modify, project, alice, mould, in_brain):
        due = timezone.localdate() + timedelta(days=10)
        modification = trials.trial_modification_add(
            trial=modify, by=alice, description="增加排气镶件，消除困气",
            new_part={"part_no": "VENT-01", "name": "排气镶件", "quantity": 2, "material": "718H", "due_date": due,
                      "processes": ["CNC", "热处理"]})
        with in_brain(mould):
            part = Part.objects.get(project=project, part_no="VENT-01")
            assert (part.name, part.quantity, part.material, part.due_date) == ("排气镶件", 2, "718H", due)
            assert [op.process.code for op in part.operations.order_by("sequence")] == ["CNC", "HT"]
            assert TrialModification.objects.get() == modification
        assert modification.part == part and modification.new_part and modification.operation is None
        [payload] = events(mould, "mould_trial.modification_added", in_brain)
        assert payload["project"] == project.pk and payload["trial"] == modify.pk and payload["part"] == part.pk
        rfq = rfqs.rfq_create(project=project, by=alice, title="T1 修模", deadline=timezone.now() + timedelta(days=2),
                              lines=[{"part": part.pk}])
        with in_brain(mould):
            assert rfq.lines.get().part_id == part.pk

    def test_an_operation_is_appended_to_an_existing_parts_routing(self, modify, parts, alice, mould, in_brain):
        cavity = parts["cavity"]  # CNC (10), HT (20)
        modification = trials.trial_modification_add(trial=modify, by=alice, description="型腔局部补焊后电火花",
                                                      part=cavity, process="cnc")
        with in_brain(mould):
            routing = list(Operation.objects.filter(part=cavity).order_by("sequence")
                           .values_list("sequence", "process__code"))
        assert routing == [(10, "CNC"), (20, "HT"), (30, "CNC")]
        assert modification.operation.sequence == 30 and modification.part == cavity and not modification.new_part
        again = trials.trial_modification_add(trial=modify, by=alice, description="再次氮化", part=cavity,
                                              process="热处理")
        assert again.operation.sequence == 40
        [first, second] = events(mould, "mould_trial.modification_added", in_brain)
        assert first["operation"] == modification.operation.pk and second["part"] == cavity.pk

    @pytest.mark.parametrize("kwargs, field", [
        ({"description": " "}, "description"),
        ({}, "part"),  # neither a new part nor an existing one
        ({"process": "CNC", "new_part": {"part_no": "N-1", "name": "n", "quantity": 1}, "part": "cavity"}, "part"),
        ({"part": "cavity", "process": ""}, "process"),
        ({"part": "cavity", "process": "激光"}, "process"),
        ({"new_part": {"part_no": "", "name": "n", "quantity": 1}}, "part_no"),
        ({"new_part": {"part_no": "N-1", "name": "", "quantity": 1}}, "name"),
        ({"new_part": {"part_no": "N-1", "name": "n", "quantity": 0}}, "quantity"),
        ({"new_part": {"part_no": "N-1", "name": "n", "quantity": 1, "processes": ["激光"]}}, "processes"),
        ({"new_part": {"part_no": "N-1", "name": "n", "quantity": 1, "parent_no": "NONE"}}, "parent_no"),
        ({"new_part": {"part_no": "CAV-01", "name": "型腔", "quantity": 1}}, "part_no"),
        ({"new_part": {"part_no": "N-1", "name": "n", "quantity": 1, "colour": "red"}}, "part"),
    ])
    def test_bad_modifications_are_refused_and_change_nothing(self, modify, parts, alice, kwargs, field, in_brain):
        kwargs = {"description": "修模"} | kwargs
        if kwargs.get("part") == "cavity":
            kwargs["part"] = parts["cavity"]
        with in_brain(modify.brain):
            before = (Part.objects.count(), Operation.objects.count())
        with pytest.raises(DomainError) as error:
            trials.trial_modification_add(trial=modify, by=alice, **kwargs)
        assert error.value.field == field, error.value.detail
        with in_brain(modify.brain):
            assert (Part.objects.count(), Operation.objects.count()) == before
            assert not TrialModification.objects.exists()
            assert Part.objects.get(part_no="CAV-01").name == "型腔镶件"

    def test_a_part_of_another_project_is_refused(self, modify, alice, mould):
        other = projects.project_create(brain=mould, by=alice, code="M-2026-020", name="另一副模具")
        foreign = projects.part_save(project=other, by=alice, part_no="X-1", name="镶件", quantity=1, processes=["CNC"])
        with pytest.raises(DomainError) as error:
            trials.trial_modification_add(trial=modify, by=alice, description="修", part=foreign, process="HT")
        assert error.value.field == "part"

    def test_only_after_a_modify_conclusion(self, project, parts, alice):
        scheduled = schedule(project, alice)
        passed = trials.trial_record(trial=schedule(project, alice), by=alice, shots=10, conclusion="pass")
        for trial in (scheduled, passed):
            with pytest.raises(DomainError) as error:
                trials.trial_modification_add(trial=trial, by=alice, description="修", part=parts["pin"],
                                              process="CNC")
            assert error.value.code == "invalid_state"

    def test_only_the_projects_buyer_adds_them(self, modify, parts, alice, bob, shop_a, zhang, in_brain):
        for stranger in (shop_a, zhang):
            with pytest.raises(NotAllowed):
                trials.trial_modification_add(trial=modify, by=stranger, description="修", part=parts["pin"],
                                              process="CNC")
        trials.trial_modification_add(trial=modify, by=bob, description="修", part=parts["pin"], process="CNC")
        with in_brain(modify.brain):
            assert TrialModification.objects.count() == 1


class TestNotifications:
    def handle(self, brain, name, in_brain):
        from capacity.services import notifications

        with in_brain(brain):
            made = []
            for event in OutboxEvent.objects.filter(name=name):
                made += notifications.notifications_from_event(brain_id=brain.pk, event_id=event.pk)
            return made

    def test_the_buyers_colleagues_hear_of_the_schedule_the_result_and_a_cancellation(
            self, project, alice, bob, shop_a, mould, in_brain):
        from django.core import mail

        bob.email = "bob@jingcheng.example.cn"
        bob.save()
        trial = schedule(project, alice)
        [told] = self.handle(mould, "mould_trial.scheduled", in_brain)
        assert told.user_id == bob.pk and "T1" in told.title and project.code in told.title
        assert told.link == f"/b/mould/capacity/trials/{trial.pk}/"
        assert mail.outbox[0].to == [bob.email] and "T1" in mail.outbox[0].subject
        trials.trial_record(trial=trial, by=alice, shots=80, conclusion="modify", defects="飞边")
        [result] = self.handle(mould, "mould_trial.recorded", in_brain)
        assert result.user_id == bob.pk and result.kind == "mould_trial.recorded.modify" and result.body == "飞边"
        trials.trial_cancel(trial=schedule(project, bob), by=bob, reason="改期")
        [cancelled] = self.handle(mould, "mould_trial.cancelled", in_brain)
        assert cancelled.user_id == alice.pk and "T2" in cancelled.title and cancelled.body == "改期"
        assert len(self.handle(mould, "mould_trial.cancelled", in_brain)) == 1  # a re-run adds none
        with in_brain(mould):
            assert not Notification.objects.filter(user=shop_a).exists()


class TestModificationsOnTheBoard:
    """An operation a trial adds to a part already made is new work: not the old supplier's, not done."""

    def test_a_made_part_with_a_new_operation_is_not_awarded_again_until_tendered(
            self, accepted, modify, project, parts, alice, shop_a, mould, in_brain):
        from capacity.models import DeliveryLine
        from capacity.selectors.board import project_board
        from capacity.services import deliveries, work_orders

        work_order, (cavity_rfq_line, _pin) = accepted
        with in_brain(mould):
            line = work_order.lines.select_related("work_order", "part").get(award__rfq_line=cavity_rfq_line)
        made = deliveries.delivery_record(work_order=work_order, by=shop_a, note_number="SH-1",
                                          delivered_on=timezone.localdate(), lines={line.pk: 1})
        with in_brain(mould):
            row = DeliveryLine.objects.get(delivery=made)
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")
        assert [r.risk for r in project_board(project, viewer=viewer_of(alice, project)).rows if r.part.part_no == "CAV-01"] == [
            "done"]

        added = trials.trial_modification_add(trial=modify, by=alice, description="型腔局部补焊后电火花",
                                              part=parts["cavity"], process="CNC")
        [cavity] = [r for r in project_board(project, viewer=viewer_of(alice, project)).rows if r.part.part_no == "CAV-01"]
        assert (cavity.risk, cavity.complete, cavity.current_operation.pk) == ("not_awarded", False,
                                                                              added.operation.pk)
        assert cavity.percent == 67  # CNC and HT made, the new CNC pass not started
        with pytest.raises(DomainError) as error:  # the old supplier does not own the new work
            work_orders.progress_report(line=line, operation=added.operation, by=shop_a, status="in_progress")
        assert error.value.field == "operation"
        from capacity.selectors.work_orders import work_order_sheet

        with in_brain(mould):  # nor does its work order page offer it to report on
            [row] = [r for r in work_order_sheet(work_order=work_order) if r.line.pk == line.pk]
            assert added.operation.pk not in [op.pk for op, _newest in row.operations] and len(row.operations) == 2
