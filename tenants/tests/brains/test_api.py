import pytest

from conftest import api_as


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
