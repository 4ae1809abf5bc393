"""Under concurrency and through the real worker: two administrators of one member install the same app at once
(one installation, one key), two ratings of one member at once (one rating), and the review's notification reaches
the vendor through the outbox and a real Celery worker."""

import pytest

from conftest import make_user, wait_for
from dataproducts.models import ComponentRating, Installation
from dataproducts.services import components, installations, ratings
from dataproducts.tests.components.conftest import submit_app
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import ApiKey, Notification, WebhookEndpoint
from tests.support import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_installs_of_one_member_at_once_make_one_installation_and_one_key(mould, alice, alice_ent, app):
    carol = make_user("carol", enterprise=alice_ent)  # a second administrator of alice's enterprise
    results = race(lambda: installations.installation_create(listing=app, by=alice),
                   lambda: installations.installation_create(listing=app, by=carol))
    made = [r for r in results if isinstance(r, installations.Installed)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == 1 and refused[0].code == "installed", results
    with brain_context(mould.pk):
        assert Installation.objects.count() == 1 and WebhookEndpoint.objects.count() == 1
    assert ApiKey.objects.count() == 1


def test_two_ratings_of_one_member_at_once_leave_one(mould, alice, alice_ent, app):
    carol = make_user("carol", enterprise=alice_ent)
    installations.installation_create(listing=app, by=alice)
    results = race(lambda: ratings.component_rate(listing=app, by=alice, stars=5),
                   lambda: ratings.component_rate(listing=app, by=carol, stars=2))
    assert not [r for r in results if isinstance(r, Exception)], results
    with brain_context(mould.pk):
        assert ComponentRating.objects.count() == 1


def test_the_vendor_hears_of_the_review_through_the_worker(celery_worker, mould, dora, olga):
    listing = submit_app(mould, dora)
    components.listing_reject(listing=listing, by=olga, reason="缺少接口文档")

    def told():
        with brain_context(mould.pk):
            return Notification.objects.filter(user=dora, kind="component.rejected").first()

    notification = wait_for(told, timeout=20)
    assert notification and notification.params["note"] == "缺少接口文档"
    with brain_context(mould.pk):
        assert Notification.objects.filter(user=olga, kind="component.submitted").exists()
