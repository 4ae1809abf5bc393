"""The brain's privacy rule for its data products (operators): the floor every product's rule is held to."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from dataproducts.models import DataProductSettings
from tenants.access import require_brain_active, require_operator
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Brain, User
from tenants.outbox import event_record


@transaction.atomic
def data_product_settings_save(*, brain: Brain, by: User, min_enterprises, max_share) -> DataProductSettings:
    """Set the brain's rule: at least `min_enterprises` (3 to 100) behind a cell, no enterprise above `max_share` %
    (10 to 100). Applies to revisions built from then on; published ones stay as they are."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        require_brain_active(brain=brain)
        try:
            minimum = int(min_enterprises)
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number."), field="min_enterprises") from None
        if not 3 <= minimum <= 100:
            raise DomainError(_("A cell needs 3 to 100 enterprises behind it."), field="min_enterprises")
        try:
            share = Decimal(str(max_share))
        except InvalidOperation:
            raise DomainError(_("Enter a number."), field="max_share") from None
        if not share.is_finite() or not Decimal(10) <= share <= Decimal(100) or share != round(share, 2):
            raise DomainError(_("The largest share of one enterprise is 10 to 100 %."), field="max_share")
        settings, _created = DataProductSettings.objects.in_brain(brain).select_for_update().get_or_create(
            brain=brain, defaults={"min_enterprises": minimum, "max_share": share})
        settings.min_enterprises, settings.max_share = minimum, share
        settings.save()
        event_record(brain_id=brain.pk, name="data_product_settings.saved",
                     payload={"min_enterprises": minimum, "max_share": str(share)})
        return settings
