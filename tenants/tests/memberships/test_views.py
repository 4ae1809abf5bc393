
from tenants.context import brain_context
from tenants.models import Membership


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


class TestBadInputIsNeverA500:
    def test_operator_posts(self, client, olga, mould):
        client.force_login(olga)
        for data in ({"membership": "abc", "decision": "admit"}, {"membership": "1", "decision": "explode"}, {}):
            assert client.post("/b/mould/operator/members/", data).status_code == 404
