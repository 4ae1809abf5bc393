
from conftest import api_as
from tenants.services import brains


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
        brains.brain_suspend(brain=mould, reason="整改", by=root)
        assert api_as(alice).get("/api/v1/brains/mould/processes/").status_code == 200
        response = api_as(olga).post(
            "/api/v1/brains/mould/processes/", {"code": "NEW", "name_zh": "新", "name_en": "new"}, format="json"
        )
        assert response.status_code == 403 and response.json()["code"] == "brain_suspended"
