
from conftest import api_as
from tenants.models import Process


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


def test_a_failed_api_call_writes_nothing(olga, mould, in_brain):
    """The request's transaction is rolled back on an error response, not committed half-way."""

    response = api_as(olga).put("/api/v1/brains/mould/processes/999999/", {"code": "X", "name_zh": "x", "name_en": "x"},
                                format="json")
    assert response.status_code == 404
    with in_brain(mould):
        assert not Process.objects.filter(code="X").exists()
