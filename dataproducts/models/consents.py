"""An enterprise's consent to a product built from its data: the enterprise file shows it; opting out of a product
the brain's rules do not require keeps its records out of the next revision."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataproducts.models.products import DataProduct
from tenants.models import BrainOwned, Enterprise, User

__all__ = ["OptOut"]


class OptOut(BrainOwned):
    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="opt_outs")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        constraints = [models.UniqueConstraint(fields=["product", "enterprise"], name="opt_out_once_per_product")]
