"""Consents (docs/dataproducts.md, "What an enterprise's data fed, and opting out"): an enterprise's administrator
opts its data out of a product the brain's rules do not require (its records stay out of the next revision; what
is published stays published) and back in. The enterprise file shows both."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataproducts.models import Contribution, DataProduct, OptOut, Revision
from tenants.access import require_brain_active
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, Membership, Notification, OutboxEvent, User
from tenants.outbox import event_record
from tenants.services.notifications import notify

NOTIFICATION_TITLES["revision.published"] = gettext_lazy(
    "%(product)s revision %(number)s was published with your enterprise's data: %(records)s records, "
    "%(cells)s published cells, %(suppressed)s suppressed")


def _require_admin(product: DataProduct, by: User) -> int:
    """The enterprise `by` administers, an active member of the product's brain."""
    if not (by.is_authenticated and by.is_enterprise_admin and Membership.objects.in_brain(product.brain_id).filter(
            enterprise_id=by.enterprise_id, status=Membership.Status.ACTIVE).exists()):
        raise NotAllowed(_("Only an administrator of a member enterprise may decide what its data feeds."))
    return by.enterprise_id


@transaction.atomic
def opt_out(*, product: DataProduct, by: User) -> OptOut:
    """Keep the enterprise's records out of the product's next revisions (once: a second call returns the first)."""
    with brain_context(product.brain_id):
        enterprise_id = _require_admin(product, by)
        require_brain_active(brain=product.brain)
        product = DataProduct.objects.in_brain(product.brain_id).get(pk=product.pk)
        if product.required:
            raise DomainError(_("The brain's rules require this product: members' data cannot be opted out of it."),
                              field="product", code="required")
        existing = OptOut.objects.in_brain(product.brain_id).filter(product=product, enterprise_id=enterprise_id)
        if existing.exists():
            return existing.get()
        try:
            with transaction.atomic():
                opted = OptOut.objects.create(brain_id=product.brain_id, product=product, enterprise_id=enterprise_id,
                                              by=by)
        except IntegrityError:  # a concurrent opt-out won
            return existing.get()
        event_record(brain_id=product.brain_id, name="data_product.opted_out",
                     payload={"product": product.pk, "enterprise": enterprise_id})
        return opted


@transaction.atomic
def opt_in(*, product: DataProduct, by: User) -> bool:
    """Let the enterprise's records feed the product again; whether it had opted out."""
    with brain_context(product.brain_id):
        enterprise_id = _require_admin(product, by)
        require_brain_active(brain=product.brain)
        deleted, _kinds = OptOut.objects.in_brain(product.brain_id).filter(
            product_id=product.pk, enterprise_id=enterprise_id).delete()
        if deleted:
            event_record(brain_id=product.brain_id, name="data_product.opted_in",
                         payload={"product": product.pk, "enterprise": enterprise_id})
        return bool(deleted)


def contribution_notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """revision.published: each contributing enterprise's users learn what the revision took from its data (records,
    cells published and suppressed), with a link to what its data fed and the opt-out. Enterprises that fed nothing
    hear nothing. Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        revision = Revision.objects.in_brain(brain_id).select_related("product").get(pk=event.payload["revision"])
        contributions = list(Contribution.objects.in_brain(brain_id).filter(revision=revision))
        users = defaultdict(list)
        for user in User.objects.filter(enterprise_id__in=[c.enterprise_id for c in contributions], is_active=True):
            users[user.enterprise_id].append(user)
        made = []
        for contribution in contributions:
            params = {"product": revision.product.name_zh, "number": revision.number, "records": contribution.records,
                      "cells": contribution.cells, "suppressed": contribution.suppressed_cells}
            made += notify(event=event, users=users[contribution.enterprise_id], params=params,
                           link=f"/b/{event.brain.slug}/data/contributions/")
        return made
