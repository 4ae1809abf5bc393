"""Opting out: an enterprise's administrator keeps its records out of a product's next revisions, unless the brain's
rules require the product; what it fed stays visible to it."""

import pytest

from conftest import make_user
from dataproducts.models import Contribution, OptOut
from dataproducts.selectors.consents import contribution_list, fed_products
from dataproducts.services.consents import contribution_notifications_from_event, opt_in, opt_out
from dataproducts.services.products import product_update
from dataproducts.services.revisions import revision_build, revision_publish
from dataproducts.tests.revisions.conftest import MARCH
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Notification, OutboxEvent
from tenants.outbox import SUBSCRIBERS


def admin_of(enterprise, name):
    return make_user(name, enterprise=enterprise)


def build(product, olga):
    return revision_build(product=product, period_from=MARCH[0], period_to=MARCH[1], by=olga)


def test_an_opted_out_enterprise_feeds_no_later_revision(product, march, olga):
    maker = admin_of(march[5], "maker5")
    first = build(product, olga)
    opted = opt_out(product=product, by=maker)
    assert opt_out(product=product, by=maker) == opted  # once
    second = build(product, olga)
    with brain_context(product.brain_id):
        assert Contribution.objects.filter(revision=first, enterprise=march[5]).exists()
        assert not Contribution.objects.filter(revision=second, enterprise=march[5]).exists()
        assert second.contributions.count() == 12
    assert opt_in(product=product, by=maker) is True and opt_in(product=product, by=maker) is False
    third = build(product, olga)
    with brain_context(product.brain_id):
        assert Contribution.objects.filter(revision=third, enterprise=march[5]).exists()


def test_a_required_product_cannot_be_opted_out_of(product, march, olga):
    product_update(product=product, by=olga, required=True)
    with pytest.raises(DomainError) as refused:
        opt_out(product=product, by=admin_of(march[0], "maker0"))
    assert refused.value.code == "required"
    with brain_context(product.brain_id):
        assert not OptOut.objects.exists()


def test_only_a_members_administrator_opts_out(product, alice, bob, charlie, olga):
    for user in (bob, charlie, olga):
        with pytest.raises(NotAllowed):
            opt_out(product=product, by=user)
    assert opt_out(product=product, by=alice).enterprise_id == alice.enterprise_id


def test_an_enterprise_sees_what_its_data_fed_and_nobody_elses(product, march, olga, alice):
    product_update(product=product, by=olga, status="listed")
    revision_publish(revision=build(product, olga), by=olga)
    build(product, olga)  # a draft: not shown
    maker = admin_of(march[11], "maker11")
    with brain_context(product.brain_id):
        mine = list(contribution_list(product.brain, brain_access(user=maker, brain=product.brain)))
        assert [(c.enterprise_id, c.records, c.cells, c.suppressed_cells) for c in mine] == [
            (march[11].pk, 1, 0, 1)]
        assert list(contribution_list(product.brain, brain_access(user=alice, brain=product.brain))) == []
        assert len(contribution_list(product.brain, brain_access(user=olga, brain=product.brain))) == 13
        [fed] = fed_products(product.brain, brain_access(user=maker, brain=product.brain))
    assert (fed["product"], fed["revisions"], fed["records"], fed["suppressed"], fed["may_opt_out"]) == (
        product, 1, 1, 1, True)


def test_each_contributor_is_told_what_a_published_revision_took_from_its_data(product, march, olga, alice):
    suppressed_maker, published_maker = admin_of(march[11], "maker11"), admin_of(march[5], "maker5")
    revision = revision_publish(revision=build(product, olga), by=olga)
    assert ("dataproducts.tasks.notify_contributors", "default") in SUBSCRIBERS["revision.published"]
    with brain_context(product.brain_id):
        event = OutboxEvent.objects.get(name="revision.published", payload__revision=revision.pk)
        fed = {c.enterprise_id: c for c in Contribution.objects.filter(revision=revision)}
    first = contribution_notifications_from_event(brain_id=product.brain_id, event_id=event.pk)
    again = contribution_notifications_from_event(brain_id=product.brain_id, event_id=event.pk)
    assert sorted(n.pk for n in again) == sorted(n.pk for n in first)  # once per event and user
    with brain_context(product.brain_id):
        told = {n.user_id: n.params for n in Notification.objects.filter(event=event)}
    for user in (suppressed_maker, published_maker):
        mine = fed[user.enterprise_id]
        assert told[user.pk] == {"product": product.name_zh, "number": revision.number, "records": mine.records,
                                 "cells": mine.cells, "suppressed": mine.suppressed_cells}
    assert told[suppressed_maker.pk]["suppressed"] >= 1 and told[published_maker.pk]["cells"] >= 1
    assert alice.pk not in told and olga.pk not in told  # the buyer's and the operator's data fed no cell
