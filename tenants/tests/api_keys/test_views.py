from django.urls import reverse


class TestApiKeyPage:
    def test_an_enterprise_admin_issues_and_revokes_a_key(self, client, alice, mould):
        client.force_login(alice)
        response = client.post(reverse("api-keys"), {"name": "金蝶 ERP", "scope": "write", "brains": [mould.pk]})
        secret = response.context["issued"].secret
        assert secret in response.content.decode()
        page = client.get(reverse("api-keys")).content.decode()
        assert secret not in page and "金蝶 ERP" in page
        key = response.context["issued"].api_key
        client.post(reverse("api-keys"), {"revoke": key.pk})
        key.refresh_from_db()
        assert key.revoked_at is not None

    def test_members_who_are_not_admins_do_not_see_it(self, client, bob):
        client.force_login(bob)
        assert client.get(reverse("api-keys")).status_code == 404


class TestBadInputIsNeverA500:
    def test_api_key_revoke(self, client, alice):
        client.force_login(alice)
        assert client.post(reverse("api-keys"), {"revoke": "abc"}).status_code == 404
