"""The capability centre over the API: listings per brain, submit with a document, review, install with an
Idempotency-Key (the app's key works, then is refused after uninstall; its webhook gets nothing more), API calls,
rating, offering elsewhere, downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from conftest import api_as, join, make_user
from dataproducts.models import Component, ComponentListing, Installation
from dataproducts.services import components
from dataproducts.tests.components.conftest import PDF, listed, submit_app, submit_knowledge
from tenants.context import brain_context
from tenants.models import BrainStaff, OutboxEvent, WebhookDelivery
from tenants.webhooks import webhooks_fan_out
from tests.support import ids, url

pytestmark = pytest.mark.django_db


def test_a_member_of_two_brains_sees_each_brains_listings_under_that_brain_only(mould, pump, alice, dora, olga,
                                                                                   charlie):
    join(pump, alice.enterprise)
    ours = listed(submit_app(mould, dora), olga)
    pump_operator = make_user("pump-op")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
    theirs = listed(submit_app(pump, charlie, name="泵阀MES"), pump_operator)
    client = api_as(alice)
    assert ids(client.get(url("component-listing-list", brain=mould))) == [ours.pk]
    assert ids(client.get(url("component-listing-list", brain=pump))) == [theirs.pk]
    assert client.get(url("component-listing-detail", theirs.pk, brain=mould)).status_code == 404


def test_it_lists_by_kind_with_the_rating(mould, alice, olga, app, knowledge):
    client = api_as(alice)
    assert ids(client.get(url("component-listing-list", kind="knowledge"))) == [knowledge.pk]
    row = client.get(url("component-listing-detail", app.pk)).json()
    assert row["component"]["kind"] == "app" and row["rating_count"] == 0 and row["rating_average"] is None
    assert row["download"] is None
    assert client.get(url("component-listing-detail", knowledge.pk)).json()["download"].endswith("/download/")


def test_a_vendor_submits_a_knowledge_document_as_multipart(mould, dora):
    response = api_as(dora).post(url("component-listing-list"), {
        "kind": "knowledge", "name_zh": "注塑模具冷却水路设计案例", "release_notes": "初版",
        "document": SimpleUploadedFile("案例.pdf", PDF)}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["component"]["vendor"]["id"] == dora.enterprise_id


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_document_is_a_clear_error_in_either_language_and_changes_nothing(mould, dora, language):
    with translation.override(language):
        words = _("%(name)s is not a PDF, Word (.docx) or Excel (.xlsx) file.") % {"name": "规范.pdf"}
    response = api_as(dora).post(url("component-listing-list"), {
        "kind": "knowledge", "name_zh": "规范", "document": SimpleUploadedFile("规范.pdf", b"MZ\x90 an exe")},
        format="multipart", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_file" and body["detail"] == words and body["fields"]["document"] == [words], body
    assert not Component.objects.exists()


def test_bad_json_names_every_field(mould, dora):
    response = api_as(dora).post(url("component-listing-list"), {"kind": "widget", "install_price": "x"},
                                 format="json")
    assert response.status_code == 400
    assert {"kind", "name_zh", "install_price"} <= set(response.json()["fields"])


def test_operators_review_members_may_not(mould, alice, dora, olga):
    listing = submit_app(mould, dora)
    assert api_as(alice).post(url("component-listing-approve", listing.pk)).status_code == 404  # not visible
    assert api_as(dora).post(url("component-listing-approve", listing.pk)).status_code == 403  # the vendor's own
    operator = api_as(olga)
    response = operator.post(url("component-listing-reject", listing.pk), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = operator.post(url("component-listing-approve", listing.pk))
    assert response.status_code == 200 and response.json()["status"] == "listed"
    response = operator.post(url("component-listing-deprecate", listing.pk), {"reason": "厂商停止维护"},
                             format="json")
    assert response.json()["status"] == "deprecated" and response.json()["reason"] == "厂商停止维护"


def test_install_once_under_an_idempotency_key_then_the_key_works_until_uninstalled(mould, alice, app, settings):
    client = api_as(alice)
    first = client.post(url("component-listing-install", app.pk), HTTP_IDEMPOTENCY_KEY="install-erp-1")
    again = client.post(url("component-listing-install", app.pk), HTTP_IDEMPOTENCY_KEY="install-erp-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 409 and again.json()["code"] == "already_done"  # the secret is not kept for it
    assert first.json()["api_key_secret"] not in again.content.decode()
    with brain_context(mould.pk):
        assert Installation.objects.count() == 1
    body = first.json()
    assert body["api_key_secret"].startswith("ib_") and body["version"] == "1.0"
    app_client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {body['api_key_secret']}")
    assert app_client.get(url("component-listing-list")).status_code == 200
    assert app_client.get(url("component-listing-list", brain="pump-valve")).status_code in (401, 403, 404)
    mine = client.get(url("installation-list")).json()["results"]
    assert [row["id"] for row in mine] == [body["id"]] and "api_key_secret" not in mine[0]
    response = client.post(url("installation-uninstall", body["id"]))
    assert response.status_code == 200 and response.json()["uninstalled_at"]
    refused = app_client.get(url("component-listing-list"))
    assert refused.status_code in (401, 403), refused.content


def test_no_webhook_delivery_after_uninstall(mould, alice, dora, olga, app):
    client = api_as(alice)
    installed = client.post(url("component-listing-install", app.pk)).json()

    def deliveries_of_a_new_listing():
        listing = listed(submit_knowledge(mould, olga, name=f"新规范{ComponentListing.objects.count()}"), olga)
        with brain_context(mould.pk):
            event = OutboxEvent.objects.filter(name="component.listed", payload__listing=listing.pk).get()
        webhooks_fan_out(brain_id=mould.pk, event_id=event.pk)
        with brain_context(mould.pk):
            return WebhookDelivery.objects.filter(event=event, endpoint_id=installed["webhook_endpoint"]).count()

    assert deliveries_of_a_new_listing() == 1
    client.post(url("installation-uninstall", installed["id"]))
    assert deliveries_of_a_new_listing() == 0


def test_an_installations_api_calls_are_shown(mould, alice, app):
    client = api_as(alice)
    installed = client.post(url("component-listing-install", app.pk)).json()
    app_client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {installed['api_key_secret']}")
    app_client.post(url("component-listing-rate", app.pk), {"stars": 5}, format="json")  # a read key: refused
    calls = client.get(url("installation-calls", installed["id"])).json()
    assert [(c["method"], c["path"]) for c in calls] == [("POST", url("component-listing-rate", app.pk))]


def test_rate_after_installing_and_read_the_ratings(mould, alice, app):
    client = api_as(alice)
    refused = client.post(url("component-listing-rate", app.pk), {"stars": 4}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_used"
    client.post(url("component-listing-install", app.pk))
    assert client.post(url("component-listing-rate", app.pk), {"stars": 9}, format="json").status_code == 400
    response = client.post(url("component-listing-rate", app.pk), {"stars": 4, "comment": "同步及时"}, format="json")
    assert response.status_code == 200 and response.json()["stars"] == 4
    assert [r["comment"] for r in client.get(url("component-listing-ratings", app.pk)).json()] == ["同步及时"]
    row = client.get(url("component-listing-detail", app.pk)).json()
    assert (row["rating_average"], row["rating_count"]) == ("4.00", 1)


def test_download_a_knowledge_document_then_rate_it(mould, alice, knowledge):
    client = api_as(alice)
    response = client.get(url("component-listing-download", knowledge.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert client.post(url("component-listing-rate", knowledge.pk), {"stars": 5}, format="json").status_code == 200


def test_open_a_tool_then_rate_it(mould, alice, olga):
    tool = listed(components.component_submit(brain=mould, by=olga, kind="tool", name_zh="模具报价计算器",
                                              homepage="https://tools.example.com/quote"), olga)
    client = api_as(alice)
    assert client.post(url("component-listing-open", tool.pk)).status_code == 200
    assert client.post(url("component-listing-rate", tool.pk), {"stars": 3}, format="json").status_code == 200


def test_operators_list_here_what_another_brain_offers(mould, pump, dora, olga, alice):
    pump_operator = make_user("pump-op")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
    offered = listed(submit_app(mould, dora, offered=True), olga)
    client = api_as(pump_operator)
    found = client.get(url("component-listing-offered", brain=pump)).json()
    assert [row["id"] for row in found] == [offered.component_id] and found[0]["home_brain"] == "mould"
    assert api_as(alice).get(url("component-listing-offered")).status_code == 404  # operators only
    response = client.post(url("component-listing-offer", brain=pump), {"component": offered.component_id},
                           format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    again = client.post(url("component-listing-offer", brain=pump), {"component": offered.component_id},
                        format="json")
    assert again.status_code == 400 and again.json()["code"] == "duplicate"


def test_a_vendor_releases_a_version(mould, dora, alice, app):
    response = api_as(dora).post(url("component-listing-versions", app.pk),
                                 {"version": "1.1", "release_notes": "新增质检单同步", "fits": ["mould"]}, format="json")
    assert response.status_code == 201, response.content
    versions = api_as(alice).get(url("component-listing-versions", app.pk)).json()
    assert [v["version"] for v in versions] == ["1.1", "1.0"] and versions[0]["fits"] == ["mould"]
    assert api_as(alice).post(url("component-listing-versions", app.pk), {"version": "9"},
                              format="json").status_code == 403
