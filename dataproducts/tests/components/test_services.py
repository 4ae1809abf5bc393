"""The capability centre's rules, through its services: submit, review, deprecate, offer elsewhere, install and
uninstall (the app's key and webhook), open and rate."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conftest import join, make_enterprise, make_user
from dataproducts.models import Component, ComponentListing, ComponentRating, Installation, UsageRecord
from dataproducts.selectors.components import components_offered_elsewhere, listing_list
from dataproducts.services import components, installations, ratings
from dataproducts.tests.components.conftest import PDF, fresh, listed, submit_app, submit_knowledge
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import ApiKey, BrainStaff, Notification, OutboxEvent, WebhookDelivery, WebhookEndpoint
from tenants.services.api_keys import api_key_hash

pytestmark = pytest.mark.django_db


def events(brain, name):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.in_brain(brain).filter(name=name))


# --- Submit and review ------------------------------------------------------------------------------------------


def test_it_submits_an_app_as_a_listing_waiting_for_review(mould, dora, vendor_ent):
    listing = submit_app(mould, dora, price="99.00")
    assert listing.status == "pending" and listing.install_price == Decimal("99.00")
    component = listing.component
    assert component.vendor_id == vendor_ent.pk and component.home_brain_id == mould.pk
    assert component.api_scope == "read" and component.event_types == ["component.listed", "rfq.invited"]
    [version] = component.versions.all()
    assert version.version == "1.0" and list(version.fits.all()) == [mould]
    assert [e.payload["listing"] for e in events(mould, "component.submitted")] == [listing.pk]


def test_an_operator_offers_the_brain_companys_own_component(mould, olga):
    listing = submit_knowledge(mould, olga)
    assert listing.component.vendor_id is None
    version = listing.component.versions.get()
    assert version.document_name == "规范.pdf" and version.document.read() == PDF


@pytest.mark.parametrize("content,name", [
    (b"MZ\x90\x00 not a pdf", "规范.pdf"), (b"", "规范.pdf"), (b"PK\x03\x04zip", "规范.zip"), (PDF, "规范.exe")])
def test_a_document_is_checked_by_content_and_name_before_anything_is_stored(mould, olga, content, name):
    with pytest.raises(DomainError) as refused:
        submit_knowledge(mould, olga, content=content, filename=name)
    assert refused.value.field == "document"
    assert not Component.objects.exists()


def test_a_document_too_large_is_refused(mould, olga, monkeypatch):
    monkeypatch.setattr(components, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(DomainError, match="过大"):
        submit_knowledge(mould, olga, content=PDF + b"0" * 100)
    assert not Component.objects.exists()


def test_bad_input_is_refused_and_changes_nothing(mould, dora):
    cases = [({"kind": "widget"}, "kind"), ({"name_zh": " "}, "name_zh"), ({"api_scope": "root"}, "api_scope"),
             ({"event_types": []}, "event_types"), ({"event_types": ["*"]}, "event_types"),
             ({"webhook_url": "ftp://x"}, "webhook_url"), ({"install_price": "-1"}, "install_price"),
             ({"install_price": "1.001"}, "install_price"), ({"vat_rate": "abc"}, "vat_rate")]
    for change, field in cases:
        body = {"kind": "app", "name_zh": "连接器", "webhook_url": "https://erp.example.com/h", "api_scope": "read",
                "event_types": ["rfq.invited"], **change}
        with pytest.raises(DomainError) as refused:
            components.component_submit(brain=mould, by=dora, **body)
        assert refused.value.field == field, (change, refused.value.detail)
    with pytest.raises(DomainError) as refused:
        components.component_submit(brain=mould, by=dora, kind="tool", name_zh="计算器")
    assert refused.value.field == "homepage"
    assert not Component.objects.exists()


def test_only_a_members_administrator_or_an_operator_submits(mould, alice_ent, charlie):
    clerk = make_user("clerk", enterprise=alice_ent, role="member")
    for outsider in (clerk, charlie):
        with pytest.raises(NotAllowed):
            submit_app(mould, outsider)
    assert not Component.objects.exists()


def test_an_operator_lists_or_rejects_with_a_reason(mould, dora, olga):
    listing = components.listing_approve(listing=submit_app(mould, dora), by=olga)
    assert listing.status == "listed" and listing.reviewed_by == olga
    assert events(mould, "component.listed")
    other = components.listing_reject(listing=submit_app(mould, dora, name="另一个"), by=olga, reason="资料不全")
    assert (other.status, other.reason) == ("rejected", "资料不全")
    with pytest.raises(DomainError) as refused:
        components.listing_approve(listing=other, by=olga)
    assert refused.value.code == "invalid_state"
    with pytest.raises(DomainError) as refused:
        components.listing_reject(listing=submit_app(mould, dora, name="第三个"), by=olga, reason=" ")
    assert refused.value.field == "reason"


def test_only_an_operator_reviews(mould, dora, alice):
    listing = submit_app(mould, dora)
    for member in (dora, alice):
        with pytest.raises(NotAllowed):
            components.listing_approve(listing=listing, by=member)
    assert fresh(listing).status == "pending"


def test_a_vendor_sees_its_own_pending_submission_others_only_what_is_listed(mould, dora, alice, olga):
    pending = submit_app(mould, dora)
    done = listed(submit_app(mould, dora, name="已上架"), olga)
    with brain_context(mould.pk):
        assert set(listing_list(brain=mould, viewer=brain_access(user=dora, brain=mould))) == {pending, done}
        assert list(listing_list(brain=mould, viewer=brain_access(user=alice, brain=mould))) == [done]
        assert set(listing_list(brain=mould, viewer=brain_access(user=olga, brain=mould))) == {pending, done}


def test_the_vendor_is_told_of_the_review_with_the_reason(mould, dora, olga):
    listing = components.listing_reject(listing=submit_app(mould, dora), by=olga, reason="接口文档缺失")
    [event] = events(mould, "component.rejected")
    made = components.component_notifications_from_event(brain_id=mould.pk, event_id=event.pk)
    assert [n.user for n in made] == [dora]
    assert components.component_notifications_from_event(brain_id=mould.pk, event_id=event.pk) == made  # once
    [submitted] = events(mould, "component.submitted")
    told = components.component_notifications_from_event(brain_id=mould.pk, event_id=submitted.pk)
    assert [n.user for n in told] == [olga]
    with brain_context(mould.pk):
        assert Notification.objects.get(user=dora).params["note"] == "接口文档缺失"
    assert listing.pk


def test_a_new_version_is_the_vendors_with_the_brains_it_fits(mould, pump, dora, alice, app):
    version = components.component_version_release(listing=app, by=dora, version="1.1", release_notes="支持退货单",
                                                   fits=["mould", "pump-valve"])
    assert set(version.fits.all()) == {mould, pump}
    with pytest.raises(NotAllowed):
        components.component_version_release(listing=app, by=alice, version="1.2")
    with pytest.raises(DomainError) as refused:
        components.component_version_release(listing=app, by=dora, version="1.1")
    assert refused.value.code == "duplicate"
    with pytest.raises(DomainError) as refused:
        components.component_version_release(listing=app, by=dora, version="2.0", fits=["nowhere"])
    assert refused.value.field == "fits"


# --- Offered in another brain ------------------------------------------------------------------------------------


def test_another_brains_operator_finds_an_offered_component_and_lists_it_after_its_own_review(mould, pump, dora,
                                                                                             olga, charlie):
    offered = listed(submit_app(mould, dora, offered=True), olga)
    listed(submit_app(mould, dora, name="仅本脑"), olga)
    pump_operator = make_user("pump-op")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
        assert list(components_offered_elsewhere(brain=pump)) == [offered.component]
    with brain_context(mould.pk):
        assert not components_offered_elsewhere(brain=mould).exists()  # its own brain's are not "elsewhere"
    theirs = components.listing_offer_here(brain=pump, component=offered.component, by=pump_operator,
                                           install_price="50.00")
    assert theirs.brain_id == pump.pk and theirs.status == "pending" and theirs.pk != offered.pk
    with brain_context(pump.pk):
        assert not components_offered_elsewhere(brain=pump).exists()
        # pump's catalogue holds its own listing only: mould's listing, installs and ratings never show
        assert list(listing_list(brain=pump, viewer=brain_access(user=pump_operator, brain=pump))) == [theirs]
    with pytest.raises(DomainError) as refused:
        components.listing_offer_here(brain=pump, component=offered.component, by=pump_operator)
    assert refused.value.code == "duplicate"
    with pytest.raises(NotAllowed):
        components.listing_offer_here(brain=pump, component=offered.component, by=charlie)


def test_a_component_not_offered_to_other_brains_cannot_be_listed_there(mould, pump, dora, olga):
    mine = listed(submit_app(mould, dora), olga)
    pump_operator = make_user("pump-op")
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
    with pytest.raises(DomainError) as refused:
        components.listing_offer_here(brain=pump, component=mine.component, by=pump_operator)
    assert refused.value.code == "not_offered"
    with brain_context(pump.pk):
        assert not ComponentListing.objects.exists()


# --- Install and uninstall -----------------------------------------------------------------------------------------


def test_install_grants_a_key_for_this_brain_and_a_webhook_for_the_apps_events(mould, alice, app):
    installed = installations.installation_create(listing=app, by=alice)
    installation = installed.installation
    key = installation.api_key
    assert key.enterprise_id == alice.enterprise_id and key.brain_ids == [mould.pk] and key.scope == "read"
    assert key.secret_hash == api_key_hash(installed.secret) and key.revoked_at is None
    endpoint = installation.webhook_endpoint
    assert (endpoint.enterprise_id, endpoint.url, endpoint.is_active) == (alice.enterprise_id,
                                                                          "https://erp.example.com/ib-hooks", True)
    assert endpoint.event_types == ["component.listed", "rfq.invited"]
    assert installation.version.version == "1.0"
    assert events(mould, "component.installed")[0].payload["installation"] == installation.pk


def test_one_live_install_per_member_and_listing(mould, alice, app):
    installations.installation_create(listing=app, by=alice)
    with pytest.raises(DomainError) as refused:
        installations.installation_create(listing=app, by=alice)
    assert refused.value.code == "installed"
    assert ApiKey.objects.count() == 1


def test_the_database_holds_one_live_install(mould, alice, app):
    installation = installations.installation_create(listing=app, by=alice).installation
    with brain_context(mould.pk), pytest.raises(IntegrityError), transaction.atomic():
        Installation.objects.create(brain=mould, listing=app, version=installation.version,
                                    enterprise_id=alice.enterprise_id, installed_by=alice)


def test_uninstall_revokes_the_key_and_switches_the_webhook_off_then_one_may_install_again(mould, alice, app):
    installation = installations.installation_create(listing=app, by=alice).installation
    with brain_context(mould.pk):
        waiting = WebhookDelivery.objects.create(brain=mould, endpoint=installation.webhook_endpoint,
                                                 event_type="rfq.invited", webhook_id="w1", body="{}")
    installations.installation_remove(installation=installation, by=alice)
    assert ApiKey.objects.get(pk=installation.api_key_id).revoked_at is not None
    with brain_context(mould.pk):
        assert not WebhookEndpoint.objects.get(pk=installation.webhook_endpoint_id).is_active
        assert WebhookDelivery.objects.get(pk=waiting.pk).status == "failed"
    assert fresh(installation).uninstalled_by == alice
    with pytest.raises(DomainError):
        installations.installation_remove(installation=installation, by=alice)
    again = installations.installation_create(listing=app, by=alice).installation
    assert again.pk != installation.pk and again.api_key_id != installation.api_key_id


def test_only_the_installers_administrator_or_an_operator_uninstalls(mould, alice, dora, olga, app):
    installation = installations.installation_create(listing=app, by=alice).installation
    with pytest.raises(NotAllowed):
        installations.installation_remove(installation=installation, by=dora)
    assert fresh(installation).uninstalled_at is None
    installations.installation_remove(installation=installation, by=olga)
    assert fresh(installation).uninstalled_at is not None


def test_who_may_install_what(mould, alice, bob, dora, olga, app, knowledge):
    with pytest.raises(NotAllowed):
        installations.installation_create(listing=app, by=bob)  # not an administrator
    with pytest.raises(NotAllowed):
        installations.installation_create(listing=app, by=olga)  # an operator, not a member
    with pytest.raises(DomainError) as refused:
        installations.installation_create(listing=knowledge, by=alice)
    assert refused.value.code == "not_an_app"
    pending = submit_app(mould, dora, name="待审")
    with pytest.raises(DomainError) as refused:
        installations.installation_create(listing=pending, by=alice)
    assert refused.value.code == "not_listed"
    assert not ApiKey.objects.exists() and not Installation.objects.exists()


def test_a_deprecated_app_keeps_its_installs_and_takes_no_new_ones(mould, alice, dora, olga, app):
    installation = installations.installation_create(listing=app, by=alice).installation
    components.listing_deprecate(listing=app, by=olga, reason="厂商停止维护")
    assert ApiKey.objects.get(pk=installation.api_key_id).revoked_at is None  # keeps working
    other = make_user("other-admin", enterprise=make_enterprise(41, "黄岩另一家模具厂"))
    join(mould, other.enterprise)
    with pytest.raises(DomainError) as refused:
        installations.installation_create(listing=app, by=other)
    assert refused.value.code == "deprecated"
    with pytest.raises(DomainError) as refused:
        components.listing_deprecate(listing=app, by=olga, reason="again")
    assert refused.value.code == "invalid_state"


def test_a_priced_install_is_metered_once(mould, alice, dora, olga):
    app = listed(submit_app(mould, dora, price="99.00"), olga)
    installation = installations.installation_create(listing=app, by=alice).installation
    with brain_context(mould.pk):
        [usage] = UsageRecord.objects.filter(installation=installation)
    assert (usage.kind, usage.idempotency_key, usage.amount) == ("install", f"install:{installation.pk}",
                                                                Decimal("99.00"))


def test_a_free_install_is_not_metered(mould, alice, app):
    installations.installation_create(listing=app, by=alice)
    with brain_context(mould.pk):
        assert not UsageRecord.objects.exists()


# --- Open and rate -------------------------------------------------------------------------------------------------


def test_a_member_who_installed_rates_once_and_may_change_it(mould, alice, app):
    with pytest.raises(NotAllowed) as refused:
        ratings.component_rate(listing=app, by=alice, stars=5)
    assert refused.value.code == "not_used"
    installations.installation_create(listing=app, by=alice)
    ratings.component_rate(listing=app, by=alice, stars=5, comment="好用")
    ratings.component_rate(listing=app, by=alice, stars=3, comment="偶尔掉线")
    with brain_context(mould.pk):
        [rating] = ComponentRating.objects.all()
        assert (rating.stars, rating.comment) == (3, "偶尔掉线")
        shown = listing_list(brain=mould, viewer=brain_access(user=alice, brain=mould)).get(pk=app.pk)
        assert (shown.rating_average, shown.rating_count) == (3, 1)


def test_knowledge_is_rated_by_members_who_opened_it(mould, alice, olga, knowledge):
    with pytest.raises(NotAllowed):
        ratings.component_rate(listing=knowledge, by=alice, stars=4)
    assert components.component_open(listing=knowledge, by=olga) is None  # an operator leaves no trace
    components.component_open(listing=knowledge, by=alice)
    components.component_open(listing=knowledge, by=alice)
    assert ratings.component_rate(listing=knowledge, by=alice, stars=4).stars == 4
    with pytest.raises(NotAllowed):
        ratings.component_rate(listing=knowledge, by=olga, stars=4)


@pytest.mark.parametrize("stars", [0, 6, "x", None, 2.5, "3.7"])
def test_stars_are_1_to_5(mould, alice, knowledge, stars):
    components.component_open(listing=knowledge, by=alice)
    with pytest.raises(DomainError) as refused:
        ratings.component_rate(listing=knowledge, by=alice, stars=stars)
    assert refused.value.field == "stars"
    with brain_context(mould.pk):
        assert not ComponentRating.objects.exists()


def test_members_using_a_deprecated_app_hear_it_keeps_working(mould, alice, dora, olga, app):
    installations.installation_create(listing=app, by=alice)
    components.listing_deprecate(listing=app, by=olga, reason="厂商停止维护")
    [event] = events(mould, "component.deprecated")
    told = {n.user for n in components.component_notifications_from_event(brain_id=mould.pk, event_id=event.pk)}
    assert told == {alice, dora}
