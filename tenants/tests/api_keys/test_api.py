import pytest
from django.urls import reverse

from conftest import api_as, join
from tenants.context import brain_context
from tenants.models import ApiKey, BrainStaff, RateLimitChange
from tenants.services import api_keys, memberships


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
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 200 and response.json()["count"] == 2
        issued.api_key.refresh_from_db()
        assert issued.api_key.last_used_at is not None

    def test_a_read_key_cannot_write(self, api, alice, alice_ent, mould, charlie_ent):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret).post(
            "/api/v1/brains/mould/memberships/", {"roles": ["supplier"]}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "read_only_key"

    def test_a_key_is_confined_to_its_brains(self, api, alice, alice_ent, mould, pump):
        join(pump, alice_ent, roles=("supplier",))
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        assert client.get("/api/v1/brains/mould/processes/").status_code == 200
        # alice's enterprise is a member of pump-valve too, but this key was not issued for it
        assert client.get("/api/v1/brains/pump-valve/processes/").status_code == 404

    def test_a_revoked_key_is_refused(self, api, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        api_keys.api_key_revoke(api_key=issued.api_key, by=alice)
        response = key_client(api, issued.secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401 and response.json()["code"] == "revoked_api_key"

    @pytest.mark.parametrize("secret", ["ib_deadbeef_wrong", "garbage", "ib_"])
    def test_a_wrong_key_is_refused(self, api, alice, mould, secret):
        api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, secret).get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401 and response.json()["code"] in {"invalid_api_key"}

    def test_a_tampered_secret_with_a_real_prefix_is_refused(self, api, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        response = key_client(api, issued.secret[:-2] + "xx").get("/api/v1/brains/mould/processes/")
        assert response.status_code == 401

    def test_delete_revokes(self, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
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
        return api_keys.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould])

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
        theirs = api_keys.api_key_create(by=charlie, name="MES", scope="read", brains=[pump]).api_key
        api_keys.api_key_revoke(api_key=erp.api_key, by=alice)
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
        api_keys.api_key_revoke(api_key=erp.api_key, by=alice)
        response = api_as(root).post(self.url(erp.api_key), {"rate_limit_per_minute": 5}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid_state"
        assert api_as(root).post("/api/v1/api-keys/999999/rate-limit/", {"rate_limit_per_minute": 5},
                                 format="json").status_code == 404


class TestApiKeysActForTheirEnterpriseOnly:
    def test_a_key_cannot_make_or_list_keys(self, api, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        response = client.post("/api/v1/api-keys/", {"name": "more", "scope": "write", "brains": ["mould"]},
                               format="json")
        assert response.status_code == 403 and ApiKey.objects.count() == 1
        assert client.get("/api/v1/api-keys/").status_code == 403

    def test_a_key_of_an_operator_has_no_operator_powers(self, api, alice, mould, charlie, charlie_ent):
        with brain_context(mould.pk):
            BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
        application = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="write", brains=[mould])
        client = key_client(api, issued.secret)
        # as a plain member it does not even see the application
        assert client.post(f"/api/v1/brains/mould/memberships/{application.pk}/admit/", {}, format="json").status_code == 404
        with brain_context(mould.pk):
            application.refresh_from_db()
        assert application.status == "applied"
        assert client.post("/api/v1/brains/mould/processes/", {"code": "NEW", "name_zh": "新", "name_en": "n"},
                           format="json").status_code == 403

    def test_a_key_stops_working_when_its_issuer_leaves_the_enterprise(self, api, alice, mould, charlie_ent):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        alice.enterprise = charlie_ent
        alice.save()
        assert key_client(api, issued.secret).get("/api/v1/me/").status_code == 401

    def test_a_key_sees_its_brains_outside_a_brain_url(self, api, alice, mould):
        issued = api_keys.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        slugs = [b["slug"] for b in key_client(api, issued.secret).get("/api/v1/brains/").json()["results"]]
        assert slugs == ["mould"]
