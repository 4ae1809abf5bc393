"""The catalogue, product, revision, settings and "what my data fed" pages, in Chinese first."""

from datetime import date

import pytest
from django.test import Client

from conftest import PASSWORD, make_user
from dataproducts.models import DataProduct, OptOut, Revision
from dataproducts.services.products import product_update
from dataproducts.services.revisions import revision_build, revision_publish
from dataproducts.tests.revisions.conftest import MARCH, deals, makers, march  # noqa: F401 (fixtures)
from tenants.context import brain_context


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def published(product, march, olga):
    product_update(product=product, by=olga, status="listed")
    return revision_publish(revision=revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1],
                                                    by=olga), by=olga)


def test_the_catalogue_and_product_page_show_fields_sample_and_the_remainder_labelled(published, alice):
    client = client_of(alice)
    page = client.get("/b/mould/data/").content.decode()
    assert "外协加工价格指数" in page
    page = client.get(f"/b/mould/data/products/{published.product_id}/").content.decode()
    assert "单价中位数" in page and "每月 1 日 03:30" in page
    assert "200.00" in page  # the hot-work cell's median, in the sample
    assert 'data-testid="remainder-row"' in page
    assert 'data-testid="build-button"' not in page


def test_a_member_sees_rows_of_an_open_product_and_not_a_draft(published, product, olga, alice):
    client = client_of(alice)
    page = client.get(f"/b/mould/data/revisions/{published.pk}/").content.decode()
    assert "capacity_award" in page and 'data-testid="remainder-row"' in page
    draft = revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga)
    assert client.get(f"/b/mould/data/revisions/{draft.pk}/").status_code == 404


def test_an_operator_adds_builds_publishes_and_corrects(mould, olga, march):
    client = client_of(olga)
    response = client.post("/b/mould/data/", {"definition": "price_index", "code": "index", "name_zh": "价格指数",
                                               "name_en": "Index", "access": "open"})
    assert response.status_code == 302
    with brain_context(mould.pk):
        product = DataProduct.objects.get(code="index")
    response = client.post(f"/b/mould/data/products/{product.pk}/", {"action": "build", "period_from": "2026-03-01",
                                                                     "period_to": "2026-03-31"})
    assert response.status_code == 302
    with brain_context(mould.pk):
        revision = Revision.objects.get()
    assert client.post(f"/b/mould/data/revisions/{revision.pk}/", {"action": "publish"}).status_code == 302
    response = client.post(f"/b/mould/data/revisions/{revision.pk}/", {"action": "correct", "comment": ""})
    assert response.status_code == 400
    response = client.post(f"/b/mould/data/revisions/{revision.pk}/", {"action": "correct", "comment": "补录"})
    assert response.status_code == 302
    assert client.post(f"/b/mould/data/products/{product.pk}/", {"action": "list"}).status_code == 302
    with brain_context(mould.pk):
        assert Revision.objects.count() == 2 and DataProduct.objects.get().status == "listed"


def test_a_member_cannot_operate(published, alice):
    client = client_of(alice)
    response = client.post(f"/b/mould/data/products/{published.product_id}/",
                           {"action": "build", "period_from": "2026-03-01", "period_to": "2026-03-31"})
    assert response.status_code == 403
    assert client.get("/b/mould/data/settings/").status_code == 404


def test_the_settings_page_saves_the_rule(mould, olga):
    client = client_of(olga)
    assert client.post("/b/mould/data/settings/", {"min_enterprises": "2", "max_share": "60"}).status_code == 400
    assert client.post("/b/mould/data/settings/", {"min_enterprises": "6", "max_share": "55"}).status_code == 302
    assert "55" in client.get("/b/mould/data/settings/").content.decode()


def test_what_my_data_fed_and_opting_out(published, march, charlie):
    maker = make_user("maker11", enterprise=march[11])
    client = client_of(maker)
    page = client.get("/b/mould/data/contributions/").content.decode()
    assert 'data-testid="fed-price-index"' in page and "opt-out-button" in page
    assert client.post("/b/mould/data/contributions/", {"action": "opt_out",
                                                        "product": published.product_id}).status_code == 302
    with brain_context(published.brain_id):
        assert OptOut.objects.filter(enterprise=march[11]).exists()
    assert "opt-in-button" in client.get("/b/mould/data/contributions/").content.decode()
    assert client_of(charlie).get("/b/mould/data/contributions/").status_code == 404
    assert date(2026, 3, 1) == MARCH[0]


def test_the_enterprise_file_links_to_what_its_data_fed(published, march, olga):
    maker = make_user("maker12", enterprise=march[12])
    page = client_of(maker).get(f"/b/mould/enterprises/{march[12].pk}/").content.decode()
    assert 'data-testid="data-fed-link"' in page
    page = client_of(olga).get(f"/b/mould/data/contributions/?enterprise={march[12].pk}").content.decode()
    assert march[12].legal_name in page and "opt-out-button" not in page  # operators see, only the enterprise decides
