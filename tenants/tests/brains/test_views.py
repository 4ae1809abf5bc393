from django.urls import reverse


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
