import pytest
from django.urls import reverse

from tenants.models import Brain
from tenants.services import api_keys


class TestConsole:
    def test_a_platform_admin_creates_and_suspends_a_brain(self, client, root):
        client.force_login(root)
        client.post(reverse("console"), {"action": "create", "slug": "crystal", "name_zh": "水晶产业大脑",
                                         "name_en": "Crystal", "sector": "水晶"})
        brain = Brain.objects.get(slug="crystal")
        client.post(reverse("console"), {"action": "suspend", "brain": brain.pk, "reason": "评价未通过"})
        brain.refresh_from_db()
        assert brain.status == "suspended" and brain.suspended_reason == "评价未通过"
        client.post(reverse("console"), {"action": "reactivate", "brain": brain.pk})
        brain.refresh_from_db()
        assert brain.is_active

    def test_a_bad_slug_is_reported_and_nothing_is_made(self, client, root):
        client.force_login(root)
        response = client.post(reverse("console"), {"action": "create", "slug": "不合法 slug", "name_zh": "x",
                                                    "name_en": "x", "sector": "x"})
        assert response.status_code == 400 and response.context["form"].errors["slug"]
        assert not Brain.objects.exists()

    def test_the_console_is_hidden_from_everyone_else(self, client, alice, olga):
        for user in (alice, olga):
            client.force_login(user)
            assert client.get(reverse("console")).status_code == 404


class TestConsoleRateLimits:
    @pytest.fixture
    def keys(self, alice, charlie, mould, pump):
        erp = api_keys.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould]).api_key
        mes = api_keys.api_key_create(by=charlie, name="泵业 MES", scope="read", brains=[pump]).api_key
        gone = api_keys.api_key_create(by=charlie, name="旧接口", scope="read", brains=[pump]).api_key
        api_keys.api_key_revoke(api_key=gone, by=charlie)
        return erp, mes, gone

    def test_the_admin_sees_every_enterprises_active_keys_with_their_limits(self, client, root, keys):
        erp, mes, gone = keys
        client.force_login(root)
        response = client.get(reverse("console"))
        assert [key.pk for key, _slugs in response.context["keys"]] == [erp.pk, mes.pk]  # by enterprise name
        html = response.content.decode()
        assert "台州市黄岩精诚模具有限公司" in html and "温岭市东方泵业有限公司" in html
        row = html[html.index(f'data-testid="console-key-{mes.prefix}"'):]
        row = row[:row.index("</tr>")]
        assert "泵业 MES" in row and "pump-valve" in row and 'value="600"' in row
        assert gone.prefix not in html

    def test_the_admin_sets_a_limit_and_the_change_is_shown(self, client, root, keys):
        erp, _mes, _gone = keys
        client.force_login(root)
        response = client.post(reverse("console"), {"action": "rate-limit", "api_key": erp.pk,
                                                    "rate_limit_per_minute": "120"}, follow=True)
        assert response.status_code == 200
        erp.refresh_from_db()
        assert erp.rate_limit_per_minute == 120
        html = response.content.decode()
        assert "600 → 120" in html and 'data-testid="console-limit-changes"' in html

    @pytest.mark.parametrize("value", ["0", "100001", "abc", "", "12.5"])
    def test_bad_input_is_shown_by_the_key_and_changes_nothing(self, client, root, keys, value):
        erp, mes, _gone = keys
        client.force_login(root)
        response = client.post(reverse("console"), {"action": "rate-limit", "api_key": erp.pk,
                                                    "rate_limit_per_minute": value})
        assert response.status_code == 400
        assert response.context["rate_form"].errors["rate_limit_per_minute"]
        html = response.content.decode()
        row = html[html.index(f'data-testid="console-key-{erp.prefix}"'):]
        row = row[:row.index("</tr>")]
        assert 'aria-invalid="true"' in row and "errorlist" in row
        erp.refresh_from_db()
        assert erp.rate_limit_per_minute == 600 and not erp.rate_limit_changes.exists()

    def test_the_range_error_says_what_is_allowed(self, client, root, keys):
        erp, _mes, _gone = keys
        client.force_login(root)
        client.post(reverse("set_language"), {"language": "en", "next": "/console/"})
        response = client.post(reverse("console"), {"action": "rate-limit", "api_key": erp.pk,
                                                    "rate_limit_per_minute": "100001"})
        assert response.context["rate_form"].errors["rate_limit_per_minute"] == [
            "Requests per minute must be a whole number from 1 to 100000."]

    def test_an_unknown_or_revoked_key_is_404(self, client, root, keys):
        _erp, _mes, gone = keys
        client.force_login(root)
        for key in (gone.pk, 999999, "abc"):
            response = client.post(reverse("console"), {"action": "rate-limit", "api_key": key,
                                                        "rate_limit_per_minute": "5"})
            assert response.status_code == 404, key
        gone.refresh_from_db()
        assert gone.rate_limit_per_minute == 600

    def test_no_one_else_reaches_it_not_even_for_their_own_key(self, client, alice, olga, keys):
        erp, _mes, _gone = keys
        for user in (alice, olga):
            client.force_login(user)
            response = client.post(reverse("console"), {"action": "rate-limit", "api_key": erp.pk,
                                                        "rate_limit_per_minute": "100000"})
            assert response.status_code == 404
        erp.refresh_from_db()
        assert erp.rate_limit_per_minute == 600


class TestBadInputIsNeverA500:
    def test_console_posts(self, client, root, mould):
        client.force_login(root)
        assert client.post(reverse("console"), {"action": "suspend", "brain": "abc"}).status_code == 302
        response = client.post(reverse("console"), {"action": "suspend", "brain": mould.pk, "reason": "长" * 301},
                               follow=True)
        assert response.status_code == 200
        mould.refresh_from_db()
        assert mould.is_active
