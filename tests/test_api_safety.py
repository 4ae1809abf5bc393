"""What makes the API safe for machines: Idempotency-Key on POST, per-key rate limits, the audit of keys."""

import json
import time
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from capacity.models import Project
from tenants.models import ApiCall, ApiKey, IdempotencyRecord
from tenants.services import api_keys as services
from tests.support import race

PROJECTS = "/api/v1/brains/mould/projects/"


def key_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


@pytest.fixture
def erp(alice, mould):
    issued = services.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould])
    return issued.api_key, issued.secret


def projects_of(mould, in_brain):
    with in_brain(mould):
        return list(Project.objects.values_list("code", flat=True))


class TestIdempotencyKey:
    def test_a_repeat_gets_the_first_response_and_acts_once(self, erp, mould, in_brain):
        client = key_client(erp[1])
        body = {"code": "M-2026-101", "name": "洗衣机面板模具"}
        first = client.post(PROJECTS, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-7f3a")
        again = client.post(PROJECTS, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-7f3a")
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        assert projects_of(mould, in_brain) == ["M-2026-101"]
        # without the key the same body is a new request, refused for its duplicate code
        assert client.post(PROJECTS, body, format="json").status_code == 400

    def test_the_same_key_with_another_body_is_refused_and_changes_nothing(self, erp, mould, in_brain):
        client = key_client(erp[1])
        client.post(PROJECTS, {"code": "M-1", "name": "一"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        response = client.post(PROJECTS, {"code": "M-2", "name": "二"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
        assert projects_of(mould, in_brain) == ["M-1"]

    def test_keys_belong_to_their_client(self, erp, alice, mould, in_brain):
        """Another client's identical key is its own: no replay of someone else's response."""
        body = {"code": "M-3", "name": "三"}
        assert key_client(erp[1]).post(PROJECTS, body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
        client = APIClient()
        client.force_login(alice)
        response = client.post(PROJECTS, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
        assert response.status_code == 400 and "Idempotent-Replayed" not in response  # it really ran

    def test_a_failed_request_is_not_kept_so_a_corrected_retry_runs(self, erp, mould, in_brain):
        client = key_client(erp[1])
        bad = client.post(PROJECTS, {"code": "", "name": "无编号"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
        assert bad.status_code == 400
        assert not IdempotencyRecord.objects.filter(key="k2").exists()
        good = client.post(PROJECTS, {"code": "", "name": "无编号"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
        assert good.status_code == 400  # the same request again is run again, with the same answer

    def test_keys_are_kept_48_hours_then_purged_and_may_be_used_again(self, erp, mould, in_brain):
        from datetime import timedelta

        from django.utils import timezone

        from tenants.tasks import purge_idempotency_keys

        client = key_client(erp[1])
        client.post(PROJECTS, {"code": "M-6", "name": "六"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
        client.post(PROJECTS, {"code": "M-7", "name": "七"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
        IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=49))
        IdempotencyRecord.objects.filter(key="new").update(created_at=timezone.now() - timedelta(hours=47))
        assert purge_idempotency_keys() == 1
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
        reused = client.post(PROJECTS, {"code": "M-8", "name": "八"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
        assert reused.status_code == 201 and reused.json()["code"] == "M-8"

    def test_a_file_upload_with_a_key_is_stored_whole_and_replayed(self, erp, mould, alice, in_brain, settings,
                                                                   tmp_path):
        from capacity.models import Drawing
        from capacity.services import projects

        settings.MEDIA_ROOT = tmp_path
        client = key_client(erp[1])
        project = client.post(PROJECTS, {"code": "M-11", "name": "十一"}, format="json").json()
        with in_brain(mould):
            part = projects.part_save(project=Project.objects.get(pk=project["id"]), by=alice, part_no="P-1",
                                      name="型芯", quantity=1)
        pdf = b"%PDF-1.7 drawing " + b"x" * 5000

        def send():
            from django.core.files.uploadedfile import SimpleUploadedFile

            return client.post(f"/api/v1/brains/mould/parts/{part.pk}/drawings/",
                               {"file": SimpleUploadedFile("型芯.pdf", pdf, "application/pdf")},
                               format="multipart", HTTP_IDEMPOTENCY_KEY="dwg-1")

        first, again = send(), send()
        assert first.status_code == 201, first.json()
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        with in_brain(mould):
            [drawing] = Drawing.objects.filter(part_id=part.pk)
            assert drawing.size == len(pdf) and drawing.file.read() == pdf

    def test_a_new_api_keys_secret_is_never_kept_for_a_replay(self, alice, mould):
        client = APIClient()
        client.force_login(alice)
        body = {"name": "MES", "scope": "read", "brains": ["mould"]}
        first = client.post("/api/v1/api-keys/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
        again = client.post("/api/v1/api-keys/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
        assert first.status_code == 201 and first.json()["secret"].startswith("ib_")
        assert again.status_code == 409 and again.json()["code"] == "already_done"
        assert first.json()["secret"].encode() not in bytes(IdempotencyRecord.objects.get(key="key-1").body)
        assert ApiKey.objects.filter(name="MES").count() == 1

    @pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
    def test_a_malformed_key_is_refused(self, erp, key):
        response = key_client(erp[1]).post(PROJECTS, {"code": "M-4", "name": "四"}, format="json",
                                           HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400 and response.json()["code"] == "invalid_idempotency_key"

    def test_the_schema_offers_the_header_on_every_post(self, alice):
        client = APIClient()
        client.force_login(alice)
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        posts = [(path, op) for path, item in schema["paths"].items() for method, op in item.items() if method == "post"]
        assert len(posts) > 10
        for path, op in posts:
            assert "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])], path


def test_concurrent_duplicates_act_once(live_server_url, alice, mould, in_brain):
    """Two sends of one request at the same moment (an ERP retrying on a timeout): one project, one answer."""
    secret = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould]).secret

    def send():
        request = urllib.request.Request(
            live_server_url + PROJECTS, method="POST", data=json.dumps({"code": "M-9", "name": "并发"}).encode(),
            headers={"Authorization": f"Api-Key {secret}", "Idempotency-Key": "dup-1",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read()), response.headers.get("Idempotent-Replayed")

    answers = race(send, send, send, send)
    assert [status for status, _body, _replayed in answers] == [201] * 4
    assert len({body["id"] for _status, body, _replayed in answers}) == 1
    assert sum(replayed == "true" for _status, _body, replayed in answers) == 3
    assert projects_of(mould, in_brain) == ["M-9"]


class TestRateLimit:
    @pytest.fixture(autouse=True)
    def one_minute(self, monkeypatch):
        """All requests of a test in one fresh window: no turn of the minute, no count left by another run."""
        from tenants.api import throttling

        fixed = 60.0 * (10**9 + int(time.time() * 1000) % 10**6) + 30
        monkeypatch.setattr(throttling.time, "time", lambda: fixed)

    def test_a_key_over_its_limit_gets_429_with_retry_after(self, erp):
        api_key, secret = erp
        ApiKey.objects.filter(pk=api_key.pk).update(rate_limit_per_minute=3)
        client = key_client(secret)
        codes = [client.get(PROJECTS).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        limited = client.get(PROJECTS)
        assert limited.json()["code"] == "throttled" and limited["Retry-After"] == "30"  # to the window's end

    def test_a_limit_set_by_the_platform_admin_applies_from_the_next_request(self, erp, root):
        api_key, secret = erp
        client = key_client(secret)
        assert client.get(PROJECTS).status_code == 200  # one request of this window counted at 600 a minute
        admin = APIClient()
        admin.force_login(root)
        response = admin.post(f"/api/v1/api-keys/{api_key.pk}/rate-limit/", {"rate_limit_per_minute": 2},
                              format="json")
        assert response.status_code == 200
        assert client.get(PROJECTS).status_code == 200  # the 2nd of the window
        limited = client.get(PROJECTS)  # the 3rd
        assert limited.status_code == 429 and limited.json()["code"] == "throttled"
        assert limited["Retry-After"] == "30"
        admin.post(f"/api/v1/api-keys/{api_key.pk}/rate-limit/", {"rate_limit_per_minute": 10}, format="json")
        assert client.get(PROJECTS).status_code == 200  # raised: the same window's next request goes through

    def test_keys_are_limited_one_by_one_and_people_not_at_all(self, erp, alice, mould):
        api_key, secret = erp
        ApiKey.objects.filter(pk=api_key.pk).update(rate_limit_per_minute=1)
        other = services.api_key_create(by=alice, name="MES", scope="read", brains=[mould]).secret
        assert key_client(secret).get(PROJECTS).status_code == 200
        assert key_client(secret).get(PROJECTS).status_code == 429
        assert key_client(other).get(PROJECTS).status_code == 200
        person = APIClient()
        person.force_login(alice)
        assert all(person.get(PROJECTS).status_code == 200 for _ in range(3))


    def test_a_broker_outage_lets_requests_through(self, erp, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
        assert key_client(erp[1]).get(PROJECTS).status_code == 200


class TestAudit:
    def test_every_write_by_a_key_is_recorded_with_its_outcome(self, erp, mould):
        api_key, secret = erp
        client = key_client(secret)
        client.get(PROJECTS)  # reads are not audited
        client.post(PROJECTS, {"code": "M-5", "name": "五"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
        client.post(PROJECTS, {"code": "M-5", "name": "五"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
        client.post(PROJECTS, {"code": "M-5", "name": "五"}, format="json")  # refused: the code exists
        calls = list(ApiCall.objects.filter(api_key=api_key).order_by("id")
                     .values_list("method", "path", "status_code", "brain_slug", "idempotency_key", "replayed"))
        assert calls == [("POST", PROJECTS, 201, "mould", "a-1", False), ("POST", PROJECTS, 201, "mould", "a-1", True),
                         ("POST", PROJECTS, 400, "mould", "", False)]

    def test_the_enterprise_reads_its_keys_audit_and_no_one_elses(self, erp, alice, charlie, mould):
        api_key, secret = erp
        key_client(secret).post(PROJECTS, {"code": "M-5", "name": "五"}, format="json")
        person = APIClient()
        person.force_login(alice)
        [call] = person.get(f"/api/v1/api-keys/{api_key.pk}/calls/").json()["results"]
        assert (call["method"], call["status_code"], call["brain"]) == ("POST", 201, "mould")
        web = Client()
        web.force_login(alice)
        assert f"POST {PROJECTS}" in web.get(reverse("api-keys")).content.decode()
        stranger = APIClient()
        stranger.force_login(charlie)
        assert stranger.get(f"/api/v1/api-keys/{api_key.pk}/calls/").status_code == 404


class TestConditionalReads:
    def test_a_detail_read_carries_an_etag_and_answers_304_while_unchanged(self, erp, mould, in_brain):
        client = key_client(erp[1])
        project = client.post(PROJECTS, {"code": "M-10", "name": "十"}, format="json").json()
        first = client.get(f"{PROJECTS}{project['id']}/")
        etag = first["ETag"]
        assert first.status_code == 200 and etag.startswith('"')
        unchanged = client.get(f"{PROJECTS}{project['id']}/", HTTP_IF_NONE_MATCH=etag)
        assert unchanged.status_code == 304 and not unchanged.content and unchanged["ETag"] == etag
        with in_brain(mould):
            Project.objects.filter(pk=project["id"]).update(name="十（改）")
        changed = client.get(f"{PROJECTS}{project['id']}/", HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed.json()["name"] == "十（改）" and changed["ETag"] != etag

    def test_lists_have_no_etag_and_the_schema_documents_the_header(self, erp, alice):
        assert "ETag" not in key_client(erp[1]).get(PROJECTS)
        client = APIClient()
        client.force_login(alice)
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        detail = schema["paths"]["/api/v1/brains/{brain_slug}/projects/{id}/"]["get"]
        assert "If-None-Match" in [p["name"] for p in detail["parameters"]]
