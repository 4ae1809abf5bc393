"""Subscriptions: an enterprise's right to read a product for a time, at the prices agreed when it was granted.
Every read checks it (dataproducts.selectors.subscriptions); one that expired or was revoked stops access at once."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataproducts.models.access_requests import AccessRequest
from dataproducts.models.products import DataProduct
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Subscription"]


class Subscription(ChangeTracked, BrainOwned):
    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="subscriptions")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("subscriber"))
    request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="subscription")
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The product's prices when it was granted (VAT included): a later price change does not touch it.
    subscription_price = models.DecimalField(_("subscription price"), null=True, blank=True, **AMOUNT)
    price_per_call = models.DecimalField(_("price per API call"), null=True, blank=True, **AMOUNT)
    price_per_row = models.DecimalField(_("price per row delivered"), null=True, blank=True, **AMOUNT)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(name="subscription_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.starts_at <= at < self.ends_at
