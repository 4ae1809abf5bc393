from django.core.management import call_command
from django.urls import reverse


class TestSchemaAndDocs:
    def test_the_schema_generates_without_warnings(self, alice, capsys):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")

    def test_the_docs_are_served_without_a_cdn(self, client, db):
        for name in ("swagger-ui", "redoc"):
            html = client.get(reverse(name)).content.decode()
            assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html

    def test_the_schema_declares_api_key_auth(self, client, db):
        schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
        assert "ApiKey" in schema["components"]["securitySchemes"]
        assert "/api/v1/brains/{brain_slug}/processes/" in schema["paths"]
