"""Metering: every metered read writes one usage record under the caller's idempotency key (counted once under
retries and concurrency: a database constraint says so); a monthly statement per subscriber sums them and posts
the charge to the platform's journal (ledger)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dataproducts.models.subscriptions import Subscription
from ledger.money import AMOUNT
from tenants.models import BrainOwned, Enterprise, User

__all__ = ["UsageRecord", "UsageStatement", "UsageStatementLine"]


class UsageRecord(BrainOwned):
    """One metered read of a product (a subscription) or of a capability-centre app (an installation)."""

    class Kind(models.TextChoices):
        CALL = "call", _("API call")
        DOWNLOAD = "download", _("download")
        PERIOD = "period", _("subscription period")
        INSTALL = "install", _("installation")

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="usage")
    installation = models.ForeignKey("dataproducts.Installation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="usage")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")  # who pays
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=120)
    rows = models.PositiveIntegerField(_("rows delivered"), default=0)
    amount = models.DecimalField(_("amount"), **AMOUNT)  # VAT included; 0 for unpriced reads
    revision = models.ForeignKey("dataproducts.Revision", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    at = models.DateTimeField(default=timezone.now)
    statement = models.ForeignKey("dataproducts.UsageStatement", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="records")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(name="usage_record_of_one_thing",
                                   condition=Q(subscription__isnull=False, installation__isnull=True)
                                   | Q(subscription__isnull=True, installation__isnull=False)),
            models.UniqueConstraint(fields=["subscription", "idempotency_key"], condition=Q(subscription__isnull=False),
                                    name="usage_record_once_per_subscription_key"),
            models.UniqueConstraint(fields=["installation", "idempotency_key"], condition=Q(installation__isnull=False),
                                    name="usage_record_once_per_installation_key"),
            models.CheckConstraint(name="usage_record_amount_not_negative", condition=Q(amount__gte=0)),
        ]


class UsageStatement(BrainOwned):
    """A subscriber's charges for one month, posted once to the journal."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("subscriber"))
    month = models.DateField(_("month"))  # its first day
    total = models.DecimalField(_("total"), **AMOUNT)  # VAT included
    vat = models.DecimalField(_("VAT"), **AMOUNT)
    currency = models.CharField(max_length=3, default="CNY")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entry_id = models.BigIntegerField(null=True, blank=True)  # the journal entry (ledger.Entry) of the charge

    class Meta:
        verbose_name = _("usage statement")
        verbose_name_plural = _("usage statements")
        ordering = ["-month", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "enterprise", "month"], name="usage_statement_once_per_month"),
            models.CheckConstraint(name="usage_statement_month_first_day", condition=Q(month__day=1)),
        ]


class UsageStatementLine(BrainOwned):
    statement = models.ForeignKey(UsageStatement, on_delete=models.CASCADE, related_name="lines")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    installation = models.ForeignKey("dataproducts.Installation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    calls = models.PositiveIntegerField(_("API calls"), default=0)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    rows = models.PositiveIntegerField(_("rows delivered"), default=0)
    periods = models.PositiveIntegerField(_("subscription periods"), default=0)
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        ordering = ["statement", "id"]
