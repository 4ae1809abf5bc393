"""The catalogue, revisions, contributions and opt-outs over the API: who may do what, bad input answered in JSON
with a code and the field, nothing changed."""

import pytest

from conftest import api_as, make_user
from dataproducts.models import DataProduct, OptOut, Revision
from dataproducts.services.products import product_update
from dataproducts.services.revisions import revision_build, revision_publish
from dataproducts.tests.revisions.conftest import MARCH, deals, makers, march  # noqa: F401 (fixtures)
from tenants.context import brain_context

API = "/api/v1/brains/mould"


@pytest.fixture
def published(product, march, olga):
    product_update(product=product, by=olga, status="listed")
    return revision_publish(revision=revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1],
                                                    by=olga), by=olga)


def test_an_operator_creates_updates_builds_publishes_and_corrects(mould, olga, march):
    client = api_as(olga)
    made = client.post(f"{API}/data-products/", {"definition": "price_index", "code": "index", "name_zh": "价格指数",
                                                 "name_en": "Index", "access": "paid", "price_per_call": "0.05"},
                       format="json")
    assert made.status_code == 201, made.content
    product = made.json()
    assert product["status"] == "draft" and product["price_per_call"] == "0.05"
    assert [field["name"] for field in product["dimensions"]] == ["process", "material", "month"]
    assert product["rule"] == {"min_enterprises": 5, "max_share": "60.00"}
    listed = client.patch(f"{API}/data-products/{product['id']}/", {"status": "listed"}, format="json")
    assert listed.json()["status"] == "listed"
    built = client.post(f"{API}/revisions/", {"product": product["id"], "period_from": "2026-03-01",
                                              "period_to": "2026-03-31"}, format="json")
    assert built.status_code == 201 and built.json()["status"] == "draft"
    assert "digest" not in built.json()["lineage"] and built.json()["lineage"]["tables"][0] == "capacity_award"
    revision = built.json()["id"]
    assert client.post(f"{API}/revisions/{revision}/publish/").json()["status"] == "published"
    refused = client.post(f"{API}/revisions/{revision}/correct/", {"comment": ""}, format="json")
    assert refused.status_code == 400 and "comment" in refused.json()["fields"]
    corrected = client.post(f"{API}/revisions/{revision}/correct/", {"comment": "补录"}, format="json")
    assert corrected.status_code == 201 and corrected.json()["corrects"] == revision
    detail = client.get(f"{API}/data-products/{product['id']}/").json()
    assert detail["latest_revision"] == revision and detail["sample"][-1]["is_remainder"] is True


@pytest.mark.parametrize(("body", "field"), [
    ({"access": "paid"}, "subscription_price"),
    ({"code": "Bad Code"}, "code"),
    ({"definition": "sql"}, "definition"),
    ({"min_enterprises": 1}, "min_enterprises"),
])
def test_bad_input_is_a_json_error_naming_the_field(mould, olga, body, field):
    base = {"definition": "price_index", "code": "index", "name_zh": "价格指数", "name_en": "Index", "access": "open"}
    response = api_as(olga).post(f"{API}/data-products/", {**base, **body}, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    assert response.json()["code"]
    with brain_context(mould.pk):
        assert not DataProduct.objects.exists()


def test_members_read_the_catalogue_and_published_revisions_only(published, product, olga, alice):
    draft = revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga)
    client = api_as(alice)
    assert [p["code"] for p in client.get(f"{API}/data-products/").json()["results"]] == ["price-index"]
    assert [r["id"] for r in client.get(f"{API}/revisions/").json()["results"]] == [published.pk]
    assert client.get(f"{API}/revisions/{draft.pk}/").status_code == 404
    assert client.post(f"{API}/data-products/", {}, format="json").status_code in (400, 403)
    assert client.post(f"{API}/revisions/{published.pk}/correct/", {"comment": "x"},
                       format="json").status_code == 403
    assert client.put(f"{API}/data-products/settings/", {"min_enterprises": 3, "max_share": "90"},
                      format="json").status_code == 403
    assert client.get(f"{API}/data-products/settings/").json() == {"min_enterprises": 5, "max_share": "60.00"}
    with brain_context(product.brain_id):
        assert Revision.objects.count() == 2


def test_an_enterprise_reads_its_contributions_and_opts_out_and_in(published, product, march):
    maker = make_user("maker11", enterprise=march[11])
    client = api_as(maker)
    [mine] = client.get(f"{API}/contributions/").json()["results"]
    assert (mine["revision"], mine["records"], mine["cells"], mine["suppressed_cells"]) == (published.pk, 1, 0, 1)
    assert "row_shares" not in mine
    opted = client.post(f"{API}/opt-outs/", {"product": product.pk}, format="json")
    assert opted.status_code == 201
    assert client.delete(f"{API}/opt-outs/{opted.json()['id']}/").status_code == 204
    with brain_context(product.brain_id):
        assert not OptOut.objects.exists()
    assert client.post(f"{API}/opt-outs/", {"product": 999999}, format="json").status_code == 404
