import pytest
from django.urls import reverse

from conftest import PASSWORD


class TestLogin:
    @pytest.mark.parametrize("identifier", ["alice", "13900000001"])
    def test_it_logs_in_by_username_or_mobile(self, client, alice, identifier):
        response = client.post(reverse("login"), {"username": identifier, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == reverse("home")

    def test_a_wrong_password_says_so(self, client, alice):
        response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
        assert response.status_code == 200 and response.context["form"].errors

    def test_pages_need_a_login(self, client, mould):
        assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
        assert client.get("/b/mould/")["Location"].startswith(reverse("login"))


class TestHome:
    def test_it_lists_my_brains_and_offers_the_others(self, client, alice, mould, pump):
        client.force_login(alice)
        response = client.get(reverse("home"))
        assert [b.slug for b in response.context["brains"]] == ["mould"]
        assert [b.slug for b in response.context["joinable"]] == ["pump-valve"]
        assert "模具（塑料）产业大脑" in response.content.decode()

    def test_the_brain_switcher_lists_only_my_brains(self, client, alice, mould, pump):
        client.force_login(alice)
        html = client.get("/b/mould/").content.decode()
        assert 'href="/b/mould/"' in html and 'href="/b/pump-valve/"' not in html
