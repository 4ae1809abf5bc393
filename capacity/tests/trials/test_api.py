"""The mould-trials API: the project's buyer schedules, records (with files), cancels and adds modifications;
an ERP does the same with an API key; anyone else finds nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import Attachment, MouldTrial, Operation, Part, TrialModification
from capacity.services import projects, trials
from conftest import api_as
from tenants.services import api_keys as tenant_services
from tests.support import url

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
MP4 = b"\x00\x00\x00\x18ftypisom" + b"0" * 64
PDF = b"%PDF-1.7 inspection"


def when(days=1):
    return (timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + timedelta(days=days)).isoformat()


def schedule(client, project, **extra):
    return client.post(url("mould-trial-list"), {"project": project.pk, "scheduled_at": when(), "location": "精诚模具试模车间",
                               "press": "海天 MA2500", "meeting_url": "https://meeting.tencent.com/dm/x1"} | extra,
                       format="json")


@pytest.fixture
def trial(project, alice):
    response = schedule(api_as(alice), project)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_buyer_schedules_lists_and_reads_a_trial(project, alice, bob, trial):
    assert (trial["label"], trial["status"], trial["project"], trial["project_code"]) == (
        "T1", "scheduled", project.pk, project.code)
    assert trial["files"] == [] and trial["modifications"] == [] and trial["meeting_url"].startswith("https://")
    second = schedule(api_as(bob), project).json()
    assert second["number"] == 2
    client = api_as(alice)
    assert [t["label"] for t in client.get(url("mould-trial-list", project=project.pk)).json()["results"]] == ["T2", "T1"]
    assert client.get(url("mould-trial-list", status="scheduled", project=project.pk)).json()["count"] == 2
    assert client.get(url("mould-trial-list", status="recorded")).json()["count"] == 0
    assert client.get(url("mould-trial-detail", trial["id"])).json()["location"] == "精诚模具试模车间"


def test_suppliers_and_other_buyers_find_nothing(project, alice, trial, shop_a, zhang, in_brain):
    for stranger in (shop_a, zhang):
        client = api_as(stranger)
        assert client.get(url("mould-trial-list")).json()["count"] == 0
        assert client.get(url("mould-trial-detail", trial["id"])).status_code == 404
        for action, payload in (("record", {"shots": 1, "conclusion": "pass"}), ("cancel", {}),
                                ("modifications", {"description": "x", "part": 1, "process": "CNC"})):
            response = client.post(url(f"mould-trial-{action}", trial["id"]), payload, format="json")
            assert response.status_code == 404, (stranger, action)
    # scheduling on alice's project: the project "does not exist" for them
    response = schedule(api_as(zhang), project)
    assert response.status_code == 400 and "project" in response.json()["fields"]
    with in_brain(project.brain):
        assert MouldTrial.objects.get().status == "scheduled" and MouldTrial.objects.count() == 1


def test_a_supplier_cannot_schedule(project, shop_a):
    assert schedule(api_as(shop_a), project).status_code == 400  # not its project: no such choice


@pytest.mark.parametrize("change, field", [
    ({"location": ""}, "location"), ({"meeting_url": "会议号 123"}, "meeting_url"),
    ({"scheduled_at": "明天"}, "scheduled_at"), ({"scheduled_at": when(days=-2)}, "scheduled_at"),
])
def test_bad_schedules_answer_the_field(project, alice, change, field, in_brain):
    response = schedule(api_as(alice), project, **change)
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    with in_brain(project.brain):
        assert not MouldTrial.objects.exists()


def test_a_result_is_recorded_with_files_in_one_multipart_post(alice, trial, in_brain, mould):
    client = api_as(alice)
    response = client.post(url("mould-trial-record", trial["id"]), {
        "shots": "200", "conclusion": "modify", "defects": "浇口处流痕", "summary": "需修模后 T2",
        "files": [SimpleUploadedFile("flow.jpg", JPEG), SimpleUploadedFile("t1.mp4", MP4),
                  SimpleUploadedFile("cmm.pdf", PDF)],
        "kinds": ["photo", "video", "inspection"],
    }, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["shots"], body["conclusion"], body["recorded_by"]) == ("recorded", 200, "modify",
                                                                                       alice.pk)
    assert [(f["kind"], f["content_type"], f["original_name"]) for f in body["files"]] == [
        ("photo", "image/jpeg", "flow.jpg"), ("video", "video/mp4", "t1.mp4"), ("inspection", "application/pdf",
                                                                               "cmm.pdf")]
    assert body["files"][0]["download"].endswith(f"/attachments/{body['files'][0]['id']}/download/")
    again = client.post(url("mould-trial-record", trial["id"]), {"shots": 1, "conclusion": "pass"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"


def test_kinds_left_out_are_told_from_the_content(alice, trial):
    response = api_as(alice).post(url("mould-trial-record", trial["id"]), {
        "shots": "5", "conclusion": "pass", "files": [SimpleUploadedFile("a.mp4", MP4), SimpleUploadedFile("b.pdf", PDF),
                                                      SimpleUploadedFile("c.jpg", JPEG)]}, format="multipart")
    assert [f["kind"] for f in response.json()["files"]] == ["video", "inspection", "photo"]


@pytest.mark.parametrize("payload, field", [
    ({"shots": 10, "conclusion": "modify"}, "defects"),
    ({"shots": 10}, "conclusion"),
    ({"shots": 10, "conclusion": "later"}, "conclusion"),
    ({"shots": -1, "conclusion": "pass"}, "shots"),
    ({"conclusion": "pass"}, "shots"),
])
def test_bad_results_answer_the_field_and_change_nothing(alice, trial, payload, field, in_brain, mould):
    response = api_as(alice).post(url("mould-trial-record", trial["id"]), payload, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    with in_brain(mould):
        assert MouldTrial.objects.get(pk=trial["id"]).status == "scheduled"


def test_a_bad_file_is_refused_and_nothing_is_kept(alice, trial, in_brain, mould):
    response = api_as(alice).post(url("mould-trial-record", trial["id"]), {
        "shots": "5", "conclusion": "pass", "files": [SimpleUploadedFile("ok.jpg", JPEG),
                                                      SimpleUploadedFile("virus.mp4", b"MZ\x90\x00 not a video")],
        "kinds": ["photo", "video"]}, format="multipart")
    assert response.status_code == 400 and "virus.mp4" in response.json()["fields"]["files"][0]
    with in_brain(mould):
        assert MouldTrial.objects.get(pk=trial["id"]).status == "scheduled" and not Attachment.objects.exists()


def test_a_trial_is_cancelled_once(alice, trial):
    client = api_as(alice)
    response = client.post(url("mould-trial-cancel", trial["id"]), {"reason": "客户延期来厂"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["summary"] == "客户延期来厂"
    again = client.post(url("mould-trial-cancel", trial["id"]), {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"


class TestModifications:
    @pytest.fixture
    def modify(self, alice, trial, parts):
        response = api_as(alice).post(url("mould-trial-record", trial["id"]),
                                      {"shots": 80, "conclusion": "modify", "defects": "困气烧焦"}, format="json")
        assert response.status_code == 200
        return trial

    def test_a_new_part_and_an_extra_operation(self, modify, alice, parts, project, in_brain, mould):
        client = api_as(alice)
        response = client.post(url("mould-trial-modifications", modify["id"]), {
            "description": "加排气槽镶件", "new_part": {"part_no": "VENT-01", "name": "排气镶件", "quantity": 2,
                                                  "material": "718H", "processes": ["CNC"]}}, format="json")
        assert response.status_code == 201, response.content
        made = response.json()
        assert made["new_part"] and made["part"]["part_no"] == "VENT-01" and made["operation"] is None
        response = client.post(url("mould-trial-modifications", modify["id"]), {
            "description": "型腔补焊后重新热处理", "part": parts["cavity"].pk, "process": "HT"}, format="json")
        assert response.status_code == 201, response.content
        added = response.json()
        assert (added["part"]["id"], added["operation"]["sequence"], added["operation"]["process"]) == (
            parts["cavity"].pk, 30, "HT")
        detail = client.get(url("mould-trial-detail", modify["id"])).json()
        assert [m["id"] for m in detail["modifications"]] == [made["id"], added["id"]]
        # the new part is an ordinary part of the project, listed with its routing
        parts_listed = client.get(url("part-list", project=project.pk)).json()["results"]
        assert "VENT-01" in [p["part_no"] for p in parts_listed]

    def test_a_part_of_another_project_or_unknown_is_a_field_error(self, modify, alice, mould, in_brain):
        other = projects.project_create(brain=mould, by=alice, code="M-2026-030", name="另一副")
        foreign = projects.part_save(project=other, by=alice, part_no="Z-1", name="z", quantity=1)
        for part_id in (foreign.pk, 999999):
            response = api_as(alice).post(url("mould-trial-modifications", modify["id"]), {
                "description": "修", "part": part_id, "process": "HT"}, format="json")
            assert response.status_code == 400 and "part" in response.json()["fields"]
        with in_brain(mould):
            assert not TrialModification.objects.exists() and not Operation.objects.filter(part=foreign).exists()

    @pytest.mark.parametrize("payload, field", [
        ({"description": "修"}, "part"),
        ({"description": "", "part_no": "x"}, "description"),
        ({"description": "修", "new_part": {"part_no": "N", "name": "n", "quantity": 0}}, "new_part"),
        ({"description": "修", "new_part": {"part_no": "CAV-01", "name": "n", "quantity": 1}}, "part_no"),
    ])
    def test_bad_modifications_answer_the_field(self, modify, alice, payload, field, in_brain, mould):
        response = api_as(alice).post(url("mould-trial-modifications", modify["id"]), payload, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], response.json()
        with in_brain(mould):
            assert not TrialModification.objects.exists() and not Part.objects.filter(part_no="N").exists()

    def test_not_before_a_modify_conclusion(self, trial, alice, parts):
        response = api_as(alice).post(url("mould-trial-modifications", trial["id"]), {
            "description": "修", "part": parts["cavity"].pk, "process": "HT"}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid_state"


def test_an_erp_does_it_all_with_an_api_key(project, parts, alice, mould, in_brain):
    issued = tenant_services.api_key_create(by=alice, name="金蝶 ERP", scope="write", brains=[mould])
    erp = APIClient()
    erp.credentials(HTTP_AUTHORIZATION=f"Api-Key {issued.secret}")
    trial = schedule(erp, project).json()
    assert trial["label"] == "T1"
    recorded = erp.post(url("mould-trial-record", trial["id"]), {
        "shots": "60", "conclusion": "modify", "defects": "顶出变形", "files": [SimpleUploadedFile("a.jpg", JPEG)]},
        format="multipart")
    assert recorded.status_code == 200 and recorded.json()["files"][0]["kind"] == "photo"
    added = erp.post(url("mould-trial-modifications", trial["id"]), {
        "description": "增加顶针", "new_part": {"part_no": "EJ-02", "name": "加强顶针", "quantity": 8,
                                              "processes": ["HT"]}}, format="json")
    assert added.status_code == 201, added.content
    read_only = tenant_services.api_key_create(by=alice, name="看板", scope="read", brains=[mould])
    viewer = APIClient()
    viewer.credentials(HTTP_AUTHORIZATION=f"Api-Key {read_only.secret}")
    assert viewer.get(url("mould-trial-detail", trial["id"])).json()["modifications"][0]["part"]["part_no"] == "EJ-02"
    assert viewer.post(url("mould-trial-cancel", trial["id"]), {}, format="json").status_code == 403


def test_the_list_costs_the_same_queries_with_more_trials(project, alice, django_assert_max_num_queries):
    client = api_as(alice)
    for _ in range(2):
        trials.trial_schedule(project=project, by=alice, scheduled_at=timezone.now() + timedelta(days=1),
                              location="车间")
    client.get(url("mould-trial-list"))
    with django_assert_max_num_queries(30) as before:
        client.get(url("mould-trial-list"))
    for _ in range(8):
        trials.trial_schedule(project=project, by=alice, scheduled_at=timezone.now() + timedelta(days=1),
                              location="车间")
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url("mould-trial-list")).json()["count"] == 10
