"""A brain's privacy rule for what its data products publish, set by its operators."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import BrainOwned

__all__ = ["DataProductSettings"]


class DataProductSettings(BrainOwned):
    """The brain's floor for every product: a product may be stricter, never looser (dataproducts.privacy)."""

    min_enterprises = models.PositiveSmallIntegerField(
        _("fewest enterprises behind a published cell"), default=5,
        validators=[MinValueValidator(3), MaxValueValidator(100)])
    max_share = models.DecimalField(
        _("largest share of one enterprise in a cell (%)"), max_digits=5, decimal_places=2, default=Decimal("60.00"),
        validators=[MinValueValidator(Decimal("10.00")), MaxValueValidator(Decimal("100.00"))])

    class Meta:
        verbose_name = _("data product settings")
        constraints = [models.UniqueConstraint(fields=["brain"], name="one_data_product_settings_per_brain")]
