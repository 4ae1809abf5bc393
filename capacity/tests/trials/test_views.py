"""The mould trial pages: the project's trials and the schedule form, a trial's result with its files,
cancelling, and modifications that add parts or operations to the project tree."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from capacity.models import Attachment, MouldTrial, Operation, Part, TrialModification
from capacity.services import trials
from conftest import join, make_enterprise, make_user

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
MOV = b"\x00\x00\x00\x14ftypqt  " + b"0" * 64
XLSX = b"PK\x03\x04" + b"0" * 64


def tomorrow():
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)


@pytest.fixture
def trial(project, alice):
    return trials.trial_schedule(project=project, by=alice, scheduled_at=tomorrow(), location="试模中心",
                                 meeting_url="https://meeting.tencent.com/dm/x1")


@pytest.fixture
def modify(trial, alice, parts):
    return trials.trial_record(trial=trial, by=alice, shots=100, conclusion="modify", defects="分型面飞边")


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def test_the_project_page_links_to_its_trials(client, alice, project):
    html = page(client, alice, f"/b/mould/capacity/projects/{project.pk}/").content.decode()
    assert f"/b/mould/capacity/projects/{project.pk}/trials/" in html


def test_the_buyer_schedules_a_trial_from_the_list(client, alice, project, in_brain):
    assert 'data-testid="schedule-form"' in page(client, alice, f"/b/mould/capacity/projects/{project.pk}/trials/")\
        .content.decode()
    response = client.post(f"/b/mould/capacity/projects/{project.pk}/trials/", {
        "scheduled_at": tomorrow().strftime("%Y-%m-%dT%H:%M"), "location": "黄岩试模中心 2 号机",
        "press": "海天 MA1600", "meeting_url": "https://meeting.tencent.com/dm/abc"})
    assert response.status_code == 302
    with in_brain(project.brain):
        trial = MouldTrial.objects.get()
    assert response["Location"] == f"/b/mould/capacity/trials/{trial.pk}/"
    html = page(client, alice, f"/b/mould/capacity/projects/{project.pk}/trials/").content.decode()
    assert "T1" in html and "黄岩试模中心 2 号机" in html
    detail = page(client, alice, response["Location"]).content.decode()
    assert "https://meeting.tencent.com/dm/abc" in detail and 'data-testid="record-form"' in detail


def test_a_bad_schedule_shows_the_field_error(client, alice, project, in_brain):
    client.force_login(alice)
    yesterday = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/b/mould/capacity/projects/{project.pk}/trials/",
                           {"scheduled_at": yesterday, "location": "车间", "meeting_url": "not a link"})
    assert response.status_code == 400 and response.context["form"].errors["scheduled_at"]
    with in_brain(project.brain):
        assert not MouldTrial.objects.exists()


def test_the_result_is_recorded_with_photos_videos_and_reports(client, alice, shop_a, trial, in_brain):
    client.force_login(alice)
    response = client.post(f"/b/mould/capacity/trials/{trial.pk}/", {
        "action": "record", "shots": "150", "conclusion": "pass", "summary": "尺寸合格",
        "photos": [SimpleUploadedFile("件1.jpg", JPEG), SimpleUploadedFile("件2.jpg", JPEG)],
        "videos": [SimpleUploadedFile("试模.mov", MOV)], "inspections": [SimpleUploadedFile("全尺寸.xlsx", XLSX)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_brain(trial.brain):
        files = list(Attachment.objects.filter(trial=trial).order_by("id"))
        assert [(f.kind, f.content_type) for f in files] == [
            ("photo", "image/jpeg"), ("photo", "image/jpeg"), ("video", "video/quicktime"),
            ("inspection", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
        assert MouldTrial.objects.get(pk=trial.pk).status == "recorded"
    html = page(client, alice, response["Location"]).content.decode()
    assert "尺寸合格" in html and "全尺寸.xlsx" in html and "<video" in html
    assert f"/attachments/{files[0].pk}/download/" in html
    # the page's links work with the page's session (the attachments endpoint), for the buyer only
    download = client.get(f"/api/v1/brains/mould/attachments/{files[2].pk}/download/?inline=1")
    assert download.status_code == 200 and b"".join(download.streaming_content) == MOV
    assert 'data-testid="record-form"' not in html and 'data-testid="add-part-form"' not in html  # a pass
    client.force_login(shop_a)
    assert client.get(f"/api/v1/brains/mould/attachments/{files[2].pk}/download/").status_code == 404


def test_modify_without_defects_or_a_bad_file_is_shown_and_keeps_nothing(client, alice, trial, in_brain):
    client.force_login(alice)
    url = f"/b/mould/capacity/trials/{trial.pk}/"
    response = client.post(url, {"action": "record", "shots": "10", "conclusion": "modify", "defects": ""})
    assert response.status_code == 400 and response.context["record_form"].errors["defects"]
    response = client.post(url, {"action": "record", "shots": "10", "conclusion": "pass",
                                 "videos": [SimpleUploadedFile("x.mp4", b"definitely not a video")]})
    assert response.status_code == 400 and "x.mp4" in str(response.context["record_form"].errors)
    with in_brain(trial.brain):
        assert MouldTrial.objects.get(pk=trial.pk).status == "scheduled" and not Attachment.objects.exists()


def test_a_trial_is_cancelled_with_a_reason(client, alice, trial, in_brain):
    client.force_login(alice)
    response = client.post(f"/b/mould/capacity/trials/{trial.pk}/", {"action": "cancel", "reason": "注塑机检修"})
    assert response.status_code == 302
    html = page(client, alice, response["Location"]).content.decode()
    assert "注塑机检修" in html and 'data-testid="record-form"' not in html
    again = client.post(f"/b/mould/capacity/trials/{trial.pk}/", {"action": "cancel"}, follow=True)
    assert "T1" in str(next(iter(again.context["messages"])))  # "Trial T1 was already cancelled."


class TestModifications:
    def test_a_new_part_joins_the_project_tree_with_a_link_to_it(self, client, alice, modify, project, in_brain):
        client.force_login(alice)
        url = f"/b/mould/capacity/trials/{modify.pk}/"
        assert 'data-testid="add-part-form"' in page(client, alice, url).content.decode()
        response = client.post(url, {"action": "add-part", "description": "加排气镶件", "part_no": "VENT-01",
                                     "name": "排气镶件", "quantity": "2", "material": "718H",
                                     "processes": "CNC；热处理"})
        assert response.status_code == 302, response.content.decode()[:2000]
        with in_brain(project.brain):
            part = Part.objects.get(part_no="VENT-01")
            assert [op.process.code for op in part.operations.order_by("sequence")] == ["CNC", "HT"]
        html = page(client, alice, url).content.decode()
        assert f"/b/mould/capacity/projects/{project.pk}/#part-{part.pk}" in html
        tree = page(client, alice, f"/b/mould/capacity/projects/{project.pk}/").content.decode()
        assert f'id="part-{part.pk}"' in tree and "排气镶件" in tree

    def test_an_operation_is_appended_to_an_existing_part(self, client, alice, modify, parts, in_brain):
        client.force_login(alice)
        cavity = parts["cavity"]
        response = client.post(f"/b/mould/capacity/trials/{modify.pk}/", {
            "action": "add-operation", "description": "型腔局部烧焊后精铣", "part": str(cavity.pk), "process": "CNC"})
        assert response.status_code == 302
        with in_brain(modify.brain):
            assert list(Operation.objects.filter(part=cavity).order_by("sequence")
                        .values_list("sequence", "process__code")) == [(10, "CNC"), (20, "HT"), (30, "CNC")]
            assert TrialModification.objects.get().operation.sequence == 30

    def test_errors_are_shown_on_the_form(self, client, alice, modify, parts, in_brain):
        client.force_login(alice)
        url = f"/b/mould/capacity/trials/{modify.pk}/"
        response = client.post(url, {"action": "add-part", "description": "重复", "part_no": "CAV-01", "name": "x",
                                     "quantity": "1"})
        assert response.status_code == 400 and response.context["part_form"].errors["part_no"]
        response = client.post(url, {"action": "add-operation", "description": "x", "part": "999999",
                                     "process": "CNC"})
        assert response.status_code == 400 and response.context["operation_form"].errors["part"]
        with in_brain(modify.brain):
            assert not TrialModification.objects.exists()

    def test_no_modification_before_a_modify_result(self, client, alice, trial, parts, in_brain):
        client.force_login(alice)
        assert 'data-testid="add-part-form"' not in page(client, alice, f"/b/mould/capacity/trials/{trial.pk}/")\
            .content.decode()
        response = client.post(f"/b/mould/capacity/trials/{trial.pk}/", {
            "action": "add-operation", "description": "x", "part": str(parts["pin"].pk), "process": "CNC"},
            follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        with in_brain(trial.brain):
            assert not TrialModification.objects.exists()


def test_bob_sees_the_trials_but_suppliers_other_buyers_and_other_brains_get_404(client, trial, project, bob,
                                                                                shop_a, charlie, mould):
    rival = make_user("huayu", enterprise=make_enterprise(31, "黄岩华宇塑料制品有限公司"))
    join(mould, rival.enterprise, roles=("buyer",))
    urls = [f"/b/mould/capacity/projects/{project.pk}/trials/", f"/b/mould/capacity/trials/{trial.pk}/"]
    for url in urls:
        page(client, bob, url)
        for stranger in (shop_a, rival, charlie):
            page(client, stranger, url, status=404)
    client.force_login(rival)
    assert client.post(urls[1], {"action": "cancel"}).status_code == 404
    assert client.post(urls[0], {"scheduled_at": tomorrow().strftime("%Y-%m-%dT%H:%M"),
                                 "location": "x"}).status_code == 404


def test_an_unknown_action_is_404(client, alice, trial):
    client.force_login(alice)
    assert client.post(f"/b/mould/capacity/trials/{trial.pk}/", {"action": "explode"}).status_code == 404
