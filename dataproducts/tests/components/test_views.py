"""The capability centre's pages: the catalogue by kind with ratings and the data products, the vendor's submission,
the operators' review and what other brains offer, a member installing (the secret shown once), rating, uninstalling
and seeing its app's API calls; another brain's and a bystander's requests get 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import PASSWORD, make_user
from dataproducts.models import ComponentListing, Installation
from dataproducts.services import installations, products, ratings
from dataproducts.tests.components.conftest import PDF, fresh, listed, submit_app
from tenants.context import brain_context
from tenants.models import ApiKey, BrainStaff
from tests.support import url


def page(user, name, *args, brain="mould"):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"dataproducts:{name}", args=[brain, *args])


def test_the_centre_lists_components_by_kind_with_ratings_and_the_data_products(mould, alice, olga, app, knowledge):
    listed_product = products.product_update(product=products.product_create(
        brain=mould, by=olga, definition="price_index", code="price-index", name_zh="模具加工价格指数",
        name_en="Machining price index", access="open"), by=olga, status="listed")
    products.product_create(brain=mould, by=olga, definition="price_index", code="draft", name_zh="草稿指数",
                            name_en="Draft", access="open")
    installations.installation_create(listing=app, by=alice)
    ratings.component_rate(listing=app, by=alice, stars=4)
    client, centre = page(alice, "components")
    body = client.get(centre).content.decode()
    assert 'data-testid="kind-app"' in body and "云模ERP连接器" in body and "模具钢热处理工艺规范" in body
    assert f'data-testid="rating-{app.pk}"' in body and "★ 4.0" in body
    assert 'data-testid="data-products"' in body and "模具加工价格指数" in body and "草稿指数" not in body
    assert reverse("dataproducts:product", args=["mould", listed_product.pk]) in body
    only = client.get(centre + "?kind=knowledge").content.decode()
    assert "模具钢热处理工艺规范" in only and "云模ERP连接器" not in only


def test_a_vendor_submits_a_document_and_operators_review_it(mould, dora, olga):
    client, new = page(dora, "component-new")
    response = client.post(new, {"kind": "knowledge", "name_zh": "注塑模具试模案例集", "version": "1.0",
                                 "document": SimpleUploadedFile("案例.pdf", PDF)})
    assert response.status_code == 302, response.content.decode()[:2000]
    with brain_context(mould.pk):
        listing = ComponentListing.objects.get()
    operator, review = page(olga, "component-review")
    assert f'data-testid="pending-{listing.pk}"' in operator.get(review).content.decode()
    detail = reverse("dataproducts:component", args=["mould", listing.pk])
    assert operator.post(detail, {"action": "reject", "reason": ""}).status_code == 400
    assert operator.post(detail, {"action": "approve"}).status_code == 302
    assert fresh(listing).status == "listed"


def test_a_bad_document_is_explained_on_the_page_and_nothing_is_made(mould, dora):
    client, new = page(dora, "component-new")
    response = client.post(new, {"kind": "knowledge", "name_zh": "规范", "version": "1.0",
                                 "document": SimpleUploadedFile("规范.pdf", b"GIF89a not a pdf")})
    assert response.status_code == 400 and "规范.pdf" in response.content.decode()
    with brain_context(mould.pk):
        assert not ComponentListing.objects.exists()


def test_a_member_installs_sees_the_secret_once_and_uninstalls(mould, alice, app):
    client, detail = page(alice, "component", app.pk)
    response = client.post(detail, {"action": "install"})
    assert response.status_code == 200 and 'data-testid="secret"' in response.content.decode()
    with brain_context(mould.pk):
        installation = Installation.objects.get()
    assert 'data-testid="secret"' not in client.get(detail).content.decode()  # once
    listing_page = client.get(detail).content.decode()
    assert 'data-testid="uninstall-button"' in listing_page and 'data-testid="rate-button"' in listing_page
    assert client.post(detail, {"action": "rate", "stars": "5", "comment": "好用"}).status_code == 302
    assert client.post(detail, {"action": "uninstall"}).status_code == 302
    assert ApiKey.objects.get(pk=installation.api_key_id).revoked_at is not None


def test_the_installations_page_shows_the_apps_api_calls_and_uninstalls(mould, alice, app):
    installed = installations.installation_create(listing=app, by=alice)
    key = APIClient(HTTP_AUTHORIZATION=f"Api-Key {installed.secret}")
    key.post(url("component-listing-rate", app.pk), {"stars": 5}, format="json")
    client, mine = page(alice, "installations")
    body = client.get(mine).content.decode()
    assert f'data-testid="calls-{installed.installation.pk}"' in body
    assert url("component-listing-rate", app.pk) in body
    response = client.post(mine, {"action": "uninstall", "installation": installed.installation.pk})
    assert response.status_code == 302
    assert fresh(installed.installation).uninstalled_at is not None


def test_a_deprecated_app_says_installs_keep_working_and_offers_no_install(mould, alice, olga, app):
    operator, detail = page(olga, "component", app.pk)
    assert operator.post(detail, {"action": "deprecate", "reason": "厂商停止维护"}).status_code == 302
    client, _ = page(alice, "component", app.pk)
    body = client.get(detail).content.decode()
    assert 'data-testid="deprecated-note"' in body and 'data-testid="install-button"' not in body


def test_operators_list_here_a_component_offered_in_another_brain(mould, pump, dora, olga):
    offered = listed(submit_app(mould, dora, offered=True), olga)
    pump_operator = make_user("pump-op")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
    client, elsewhere = page(pump_operator, "components-elsewhere", brain="pump-valve")
    assert f'data-testid="offered-{offered.component_id}"' in client.get(elsewhere).content.decode()
    response = client.post(elsewhere, {"component": offered.component_id, "install_price": "20.00"})
    assert response.status_code == 302
    with brain_context(pump.pk):
        theirs = ComponentListing.objects.get()
    assert theirs.status == "pending" and str(theirs.install_price) == "20.00"


def test_other_brains_and_bystanders_get_404(mould, pump, alice, charlie, dora, app):
    pending = submit_app(mould, dora, name="待审")
    client, detail = page(charlie, "component", app.pk)
    assert client.get(detail).status_code == 404
    client, review = page(alice, "component-review")
    assert client.get(review).status_code == 404  # operators only
    client, hidden = page(alice, "component", pending.pk)
    assert client.get(hidden).status_code == 404  # not listed yet, and not hers
    assert client.post(hidden, {"action": "approve"}).status_code == 404


def test_a_government_viewer_reads_the_catalogue_and_can_do_nothing_there(mould, app, knowledge):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client, centre = page(viewer, "components")
    assert "云模ERP连接器" in client.get(centre).content.decode()
    detail = reverse("dataproducts:component", args=["mould", app.pk])
    body = client.get(detail).content.decode()
    assert 'data-testid="install-button"' not in body and 'data-testid="review"' not in body
    assert client.post(detail, {"action": "install"}).status_code == 400
    with brain_context(mould.pk):
        assert not Installation.objects.exists()
    assert client.get(reverse("dataproducts:components-elsewhere", args=["mould"])).status_code == 404
