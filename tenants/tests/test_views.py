import pytest
from django.urls import reverse

from conftest import PASSWORD
from tenants.context import brain_context
from tenants.models import Brain, Membership


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


class TestBrainHome:
    def test_a_member_sees_the_brain_and_its_catalogue(self, client, alice, mould):
        client.force_login(alice)
        response = client.get("/b/mould/")
        assert response.status_code == 200
        assert "CNC铣削" in response.content.decode() and response.context["summary"]["buyers"] == 1

    def test_a_suspended_brain_shows_a_notice(self, client, alice, mould):
        mould.suspend(reason="年度评价整改")
        mould.save()
        client.force_login(alice)
        html = client.get("/b/mould/").content.decode()
        assert "年度评价整改" in html and 'role="alert"' in html

    def test_english(self, client, alice, mould):
        client.force_login(alice)
        client.post(reverse("set_language"), {"language": "en", "next": "/b/mould/"})
        html = client.get("/b/mould/").content.decode()
        assert "CNC milling" in html and 'lang="en"' in html


class TestJoin:
    def test_an_enterprise_applies_and_the_operator_admits(self, client, charlie, charlie_ent, olga, mould):
        client.force_login(charlie)
        response = client.post("/b/mould/join/", {"roles": ["supplier"], "note": "线切割、慢走丝"})
        assert response.status_code == 302
        with brain_context(mould.pk):
            membership = Membership.objects.get(enterprise=charlie_ent)
        assert membership.status == "applied"
        assert client.get("/b/mould/").status_code == 404  # not yet a member

        client.force_login(olga)
        page = client.get("/b/mould/operator/members/?status=applied")
        assert list(page.context["memberships"]) == [membership]
        client.post("/b/mould/operator/members/?status=applied", {"membership": membership.pk, "decision": "admit"})
        client.force_login(charlie)
        assert client.get("/b/mould/").status_code == 200

    def test_choosing_no_role_is_an_error(self, client, charlie, mould):
        client.force_login(charlie)
        response = client.post("/b/mould/join/", {"roles": []})
        assert response.status_code == 400 and response.context["form"].errors["roles"]

    def test_members_cannot_reach_operator_pages(self, client, alice, mould):
        client.force_login(alice)
        assert client.get("/b/mould/operator/members/").status_code == 404

    def test_a_post_on_a_suspended_brain_is_refused(self, client, olga, mould, alice_ent):
        mould.suspend(reason="整改")
        mould.save()
        with brain_context(mould.pk):
            membership = Membership.objects.get(enterprise=alice_ent)
        client.force_login(olga)
        response = client.post("/b/mould/operator/members/", {"membership": membership.pk, "decision": "suspend"})
        assert response.status_code == 302
        with brain_context(mould.pk):
            membership.refresh_from_db()
        assert membership.status == "active"


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
        from tenants import services

        erp = services.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould]).api_key
        mes = services.api_key_create(by=charlie, name="泵业 MES", scope="read", brains=[pump]).api_key
        gone = services.api_key_create(by=charlie, name="旧接口", scope="read", brains=[pump]).api_key
        services.api_key_revoke(api_key=gone, by=charlie)
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
    def test_operator_posts(self, client, olga, mould):
        client.force_login(olga)
        for data in ({"membership": "abc", "decision": "admit"}, {"membership": "1", "decision": "explode"}, {}):
            assert client.post("/b/mould/operator/members/", data).status_code == 404

    def test_console_posts(self, client, root, mould):
        client.force_login(root)
        assert client.post(reverse("console"), {"action": "suspend", "brain": "abc"}).status_code == 302
        response = client.post(reverse("console"), {"action": "suspend", "brain": mould.pk, "reason": "长" * 301},
                               follow=True)
        assert response.status_code == 200
        mould.refresh_from_db()
        assert mould.is_active

    def test_api_key_revoke(self, client, alice):
        client.force_login(alice)
        assert client.post(reverse("api-keys"), {"revoke": "abc"}).status_code == 404
