import pytest
from django.urls import reverse

from conftest import api_as
from tenants import services
from tenants.models import ApiKey, RateLimitChange


def key_client(api, secret):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return api


class TestApiKeys:
    def test_create_shows_the_secret_once(self, alice, mould):
        client = api_as(alice)
        response = client.post("/api/v1/api-keys/", {"name": "用友 ERP", "scope": "write", "brains": ["mould"]},
                               format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["secret"].startswith("ib_") and body["brains"] == ["mould"]
        listed = client.get(f"/api/v1/api-keys/{body['id']}/").json()
        assert "secret" not in listed and listed["prefix"] == body["prefix"]

    def test_a_key_reads_its_brain_and_records_its_use(self, api, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 200 and response.json()["count"] == 2
        issued.api_key.refresh_from_db()
        assert issued.api_key.last_used_at is not None

    def test_a_read_key_cannot_write(self, api, alice, alice_ent, mould, charlie_ent):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret).post(
            "/api/v1/brains/mould/memberships/", {"roles": ["supplier"]}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "read_only_key"

    def test_a_key_is_confined_to_its_brains(self, api, alice, alice_ent, mould, pump):
        from conftest import join

        join(pump, alice_ent, roles=("supplier",))
        issued = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        assert client.get("/api/v1/brains/mould/processes/").status_code == 200
        # alice's enterprise is a member of pump-valve too, but this key was not issued for it
        assert client.get("/api/v1/brains/pump-valve/processes/").status_code == 404

    def test_a_revoked_key_is_refused(self, api, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        services.api_key_revoke(api_key=issued.api_key, by=alice)
        response = key_client(api, issued.secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401 and response.json()["code"] == "revoked_api_key"

    @pytest.mark.parametrize("secret", ["ib_deadbeef_wrong", "garbage", "ib_"])
    def test_a_wrong_key_is_refused(self, api, alice, mould, secret):
        services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401 and response.json()["code"] in {"invalid_api_key"}

    def test_a_tampered_secret_with_a_real_prefix_is_refused(self, api, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret[:-2] + "xx").get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401

    def test_delete_revokes(self, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        assert api_as(alice).delete(f"/api/v1/api-keys/{issued.api_key.pk}/").status_code == 204
        assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is not None

    def test_keys_for_a_brain_outside_the_enterprise_are_a_field_error(self, alice, mould, pump):
        response = api_as(alice).post("/api/v1/api-keys/", {"name": "x", "scope": "read", "brains": ["pump-valve"]},
                                      format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid" and "brains" in response.json()["fields"]


class TestApiKeyRateLimit:
    """POST /api/v1/api-keys/{id}/rate-limit/: the console's setting, for platform administrators (people only)."""

    @pytest.fixture
    def erp(self, alice, mould):
        return services.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould])

    def url(self, api_key):
        return reverse("api-key-rate-limit", args=[api_key.pk])

    def test_a_platform_admin_sets_any_enterprises_key(self, erp, root):
        response = api_as(root).post(self.url(erp.api_key), {"rate_limit_per_minute": 30}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["rate_limit_per_minute"] == 30 and response.json()["enterprise"] == erp.api_key.enterprise_id
        assert ApiKey.objects.get(pk=erp.api_key.pk).rate_limit_per_minute == 30
        [change] = RateLimitChange.objects.all()
        assert (change.old_limit, change.new_limit, change.changed_by) == (600, 30, root)

    def test_a_platform_admin_lists_every_enterprises_keys(self, erp, root, charlie, alice, pump):
        theirs = services.api_key_create(by=charlie, name="MES", scope="read", brains=[pump]).api_key
        services.api_key_revoke(api_key=erp.api_key, by=alice)
        client = api_as(root)
        assert {k["id"] for k in client.get("/api/v1/api-keys/").json()["results"]} == {erp.api_key.pk, theirs.pk}
        assert [k["id"] for k in client.get("/api/v1/api-keys/", {"active": "true"}).json()["results"]] == [theirs.pk]
        listed = client.get("/api/v1/api-keys/", {"enterprise": alice.enterprise_id}).json()["results"]
        assert [k["id"] for k in listed] == [erp.api_key.pk]
        # an enterprise still sees only its own
        assert [k["id"] for k in api_as(charlie).get("/api/v1/api-keys/").json()["results"]] == [theirs.pk]

    def test_an_enterprise_admin_cannot_raise_the_limit_of_its_own_key_or_anothers(self, erp, alice, charlie):
        for user in (alice, charlie):
            response = api_as(user).post(self.url(erp.api_key), {"rate_limit_per_minute": 100_000}, format="json")
            assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert ApiKey.objects.get(pk=erp.api_key.pk).rate_limit_per_minute == 600

    def test_an_api_key_cannot_set_limits(self, api, erp):
        response = key_client(api, erp.secret).post(self.url(erp.api_key), {"rate_limit_per_minute": 100_000},
                                                    format="json")
        assert response.status_code == 403
        assert ApiKey.objects.get(pk=erp.api_key.pk).rate_limit_per_minute == 600

    @pytest.mark.parametrize("body", [{"rate_limit_per_minute": 0}, {"rate_limit_per_minute": 100_001},
                                      {"rate_limit_per_minute": "很多"}, {"rate_limit_per_minute": None}, {}])
    def test_bad_input_is_a_field_error_and_changes_nothing(self, erp, root, body):
        response = api_as(root).post(self.url(erp.api_key), body, format="json")
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["rate_limit_per_minute"]
        assert ApiKey.objects.get(pk=erp.api_key.pk).rate_limit_per_minute == 600
        assert not RateLimitChange.objects.exists()

    def test_a_revoked_or_missing_key(self, erp, alice, root):
        services.api_key_revoke(api_key=erp.api_key, by=alice)
        response = api_as(root).post(self.url(erp.api_key), {"rate_limit_per_minute": 5}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid_state"
        assert api_as(root).post("/api/v1/api-keys/999999/rate-limit/", {"rate_limit_per_minute": 5},
                                 format="json").status_code == 404


class TestErrorFormat:
    def test_validation_errors_name_every_field(self, alice, olga, mould):
        client = api_as(olga)
        response = client.post("/api/v1/brains/mould/processes/", {"code": "bad code", "sort_order": -1},
                               format="json")
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"code", "detail", "fields"}
        assert {"code", "name_zh", "name_en", "sort_order"} <= set(body["fields"])

    def test_a_duplicate_process_code_is_a_field_error(self, olga, mould):
        response = api_as(olga).post(
            "/api/v1/brains/mould/processes/", {"code": "CNC", "name_zh": "重复", "name_en": "dup"}, format="json"
        )
        assert response.status_code == 400 and response.json()["fields"]["code"]

    def test_unauthenticated(self, api, mould):
        response = api.get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401  # the API-key scheme gives a WWW-Authenticate challenge
        assert response.json()["code"] == "not_authenticated"

    def test_a_domain_error_has_its_code_and_field(self, alice, mould):
        response = api_as(alice).post("/api/v1/brains/mould/memberships/", {"roles": ["buyer"]}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "duplicate"

    def test_a_member_who_is_not_an_operator_cannot_edit_the_catalogue(self, alice, mould):
        response = api_as(alice).post(
            "/api/v1/brains/mould/processes/", {"code": "NEW", "name_zh": "新", "name_en": "new"}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"

    def test_malformed_json_is_a_400_not_a_500(self, olga, mould):
        response = api_as(olga).post("/api/v1/brains/mould/processes/", "{not json", content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "parse_error"

    def test_lists_are_paginated(self, alice, mould):
        body = api_as(alice).get("/api/v1/brains/mould/processes/?page_size=1").json()
        assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


class TestMembershipApi:
    def test_apply_admit_round_trip(self, mould, charlie, olga):
        response = api_as(charlie).post("/api/v1/brains/mould/memberships/", {"roles": ["supplier"], "note": "线切割"},
                                        format="json")
        assert response.status_code == 201 and response.json()["status"] == "applied"
        pk = response.json()["id"]
        admitted = api_as(olga).post(f"/api/v1/brains/mould/memberships/{pk}/admit/", {}, format="json")
        assert admitted.status_code == 200 and admitted.json()["status"] == "active"
        assert api_as(charlie).get("/api/v1/brains/mould/processes/").status_code == 200

    def test_a_suspended_brain_is_read_only(self, mould, alice, olga, root):
        services.brain_suspend(brain=mould, reason="整改", by=root)
        assert api_as(alice).get("/api/v1/brains/mould/processes/").status_code == 200
        response = api_as(olga).post(
            "/api/v1/brains/mould/processes/", {"code": "NEW", "name_zh": "新", "name_en": "new"}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "brain_suspended"


class TestBrainsApi:
    def test_users_see_the_brains_they_can_enter(self, alice, charlie, root, mould, pump):
        assert [b["slug"] for b in api_as(alice).get("/api/v1/brains/").json()["results"]] == ["mould"]
        assert [b["slug"] for b in api_as(charlie).get("/api/v1/brains/").json()["results"]] == ["pump-valve"]
        assert len(api_as(root).get("/api/v1/brains/").json()["results"]) == 2

    def test_a_platform_admin_creates_and_suspends(self, root):
        client = api_as(root)
        created = client.post("/api/v1/brains/", {"slug": "crystal", "name_zh": "水晶产业大脑", "name_en": "Crystal",
                                                  "sector": "水晶"}, format="json")
        assert created.status_code == 201
        suspended = client.post("/api/v1/brains/crystal/suspend/", {"reason": "评价未通过"}, format="json")
        assert suspended.json()["status"] == "suspended"

    def test_others_cannot_create_brains(self, alice):
        response = api_as(alice).post("/api/v1/brains/", {"slug": "x", "name_zh": "x", "name_en": "x", "sector": "x"},
                                      format="json")
        assert response.status_code == 403


class TestSchemaAndDocs:
    def test_the_schema_generates_without_warnings(self, alice, capsys):
        from django.core.management import call_command

        call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")

    def test_the_docs_are_served_without_a_cdn(self, client, db):
        for name in ("swagger-ui", "redoc"):
            html = client.get(reverse(name)).content.decode()
            assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html

    def test_the_schema_declares_api_key_auth(self, client, db):
        schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
        assert "ApiKey" in schema["components"]["securitySchemes"]
        assert "/api/v1/brains/{brain_slug}/processes/" in schema["paths"]


class TestApiKeysActForTheirEnterpriseOnly:
    def test_a_key_cannot_make_or_list_keys(self, api, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        response = client.post("/api/v1/api-keys/", {"name": "more", "scope": "write", "brains": ["mould"]},
                               format="json")
        assert response.status_code == 403 and ApiKey.objects.count() == 1
        assert client.get("/api/v1/api-keys/").status_code == 403

    def test_a_key_of_an_operator_has_no_operator_powers(self, api, alice, mould, charlie, charlie_ent):
        from tenants.context import brain_context
        from tenants.models import BrainStaff

        with brain_context(mould.pk):
            BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
        application = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        issued = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        # as a plain member it does not even see the application
        assert client.post(f"/api/v1/brains/mould/memberships/{application.pk}/admit/", {}, format="json").status_code == 404
        with brain_context(mould.pk):
            application.refresh_from_db()
        assert application.status == "applied"
        assert client.post("/api/v1/brains/mould/processes/", {"code": "NEW", "name_zh": "新", "name_en": "n"},
                           format="json").status_code == 403

    def test_a_key_stops_working_when_its_issuer_leaves_the_enterprise(self, api, alice, mould, charlie_ent):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        alice.enterprise = charlie_ent
        alice.save()
        assert key_client(api, issued.secret).get("/api/v1/me/").status_code == 401

    def test_a_key_sees_its_brains_outside_a_brain_url(self, api, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        slugs = [b["slug"] for b in key_client(api, issued.secret).get("/api/v1/brains/").json()["results"]]
        assert slugs == ["mould"]


class TestBrainSlugs:
    @pytest.mark.parametrize("url", ["/api/v1/brains/Mould/processes/", "/api/v1/brains/shoe_2/processes/",
                                     "/b/shoe_2/", "/b/MOULD/"])
    def test_a_slug_of_another_shape_is_404(self, alice, mould, url):
        assert api_as(alice).get(url).status_code == 404

    @pytest.mark.parametrize("slug", ["Shoe", "shoe_2", "-shoe", "shoe--2"])
    def test_brains_get_lower_case_hyphenated_slugs_only(self, root, slug):
        response = api_as(root).post("/api/v1/brains/", {"slug": slug, "name_zh": "x", "name_en": "x", "sector": "x"},
                                     format="json")
        assert response.status_code == 400 and "slug" in response.json()["fields"]


def test_a_failed_api_call_writes_nothing(olga, mould, in_brain):
    """The request's transaction is rolled back on an error response, not committed half-way."""
    from tenants.models import Process

    response = api_as(olga).put("/api/v1/brains/mould/processes/999999/", {"code": "X", "name_zh": "x", "name_en": "x"},
                                format="json")
    assert response.status_code == 404
    with in_brain(mould):
        assert not Process.objects.filter(code="X").exists()
