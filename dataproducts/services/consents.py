"""Consents (docs/dataproducts.md, "What an enterprise's data fed, and opting out"): an enterprise's administrator
opts its data out of a product the brain's rules do not require (its records stay out of the next revision; what
is published stays published) and back in. The enterprise file shows both."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dataproducts.models import DataProduct, OptOut
from tenants.access import require_brain_active
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Membership, User
from tenants.outbox import event_record


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
