"""The access demo: a paid subscription granted by approving a request (the one usage_demo meters), and a request
waiting for the operator; a second load changes nothing."""

import pytest

from capacity import demo as capacity_demo
from dataproducts import demo as dataproducts_demo
from dataproducts.models import AccessEvent, AccessRequest, DataProduct, Subscription
from tenants import demo as tenants_demo
from tenants.context import brain_context


def load():
    loaded = tenants_demo.load()
    capacity_demo.load(brains=loaded["brains"], users=loaded["users"])
    brain = loaded["brains"]["mould"]
    dataproducts_demo.products_demo(brain=brain, users=loaded["users"])
    dataproducts_demo.access_demo(brain=brain, users=loaded["users"])
    return loaded


def snapshot(brain):
    with brain_context(brain.pk):
        return [list(model.objects.order_by("pk").values()) for model in (AccessRequest, Subscription, AccessEvent)]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return load()


def test_the_demo_has_a_paid_subscription_and_a_request_waiting(demo):
    brain, users = demo["brains"]["mould"], demo["users"]
    with brain_context(brain.pk):
        subscription = Subscription.objects.select_related("product", "request").get()
        waiting = AccessRequest.objects.get(status="pending")
        assert subscription.product.access == DataProduct.Access.PAID and subscription.is_active()
        assert subscription.request.status == "approved" and subscription.enterprise_id == users["supplier2"].enterprise_id
        assert subscription.price_per_call is not None
        assert waiting.enterprise_id == users["buyer"].enterprise_id
        assert list(AccessEvent.objects.filter(subscription=subscription).values_list("action", flat=True)) == [
            "granted"]
    first = snapshot(brain)
    load()
    assert snapshot(brain) == first
