"""Data products: a brain's named, versioned definitions (code in dataproducts.definitions, never SQL typed by a
user) that publish privacy-safe aggregates of the brain's own transactions."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.money import AMOUNT
from tenants.models import Bilingual, BrainOwned, ChangeTracked, User

__all__ = ["DataProduct"]


class DataProduct(ChangeTracked, BrainOwned, Bilingual):
    """One product of a brain's catalogue. `definition` names the code that builds it (dataproducts.definitions);
    the product adds what the brain decides: access, price, and a privacy rule at least as strict as the brain's.

    Prices include VAT at `vat_rate` (ledger.money.split_vat splits them)."""

    class Access(models.TextChoices):
        OPEN = "open", _("open to every member")
        REQUEST = "request", _("on request")
        PAID = "paid", _("paid")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("data product status", "draft")
        LISTED = "listed", pgettext_lazy("data product status", "listed")
        RETIRED = "retired", pgettext_lazy("data product status", "retired")

    class Period(models.TextChoices):
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    code = models.SlugField(_("code"), max_length=60)
    definition = models.CharField(_("definition"), max_length=60)  # a key of dataproducts.definitions.REGISTRY
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.REQUEST)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    # Members must contribute to a required product (the brain's rules say so); they may opt out of the others.
    required = models.BooleanField(_("required by the brain's rules"), default=False)
    # Stricter than the brain's DataProductSettings, or empty for the brain's rule.
    min_enterprises = models.PositiveSmallIntegerField(
        _("fewest enterprises behind a published cell"), null=True, blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(100)])
    max_share = models.DecimalField(
        _("largest share of one enterprise in a cell (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("10.00")), MaxValueValidator(Decimal("100.00"))])
    # Pricing (paid products): a subscription per period, metered reads, or both.
    currency = models.CharField(max_length=3, default="CNY")
    subscription_price = models.DecimalField(_("subscription price"), null=True, blank=True,
                                             validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT)
    subscription_period = models.CharField(_("subscription period"), max_length=5, choices=Period.choices,
                                           default=Period.MONTH)
    price_per_call = models.DecimalField(_("price per API call"), null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT)
    price_per_row = models.DecimalField(_("price per row delivered"), null=True, blank=True,
                                        validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("6.00"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("data product")
        verbose_name_plural = _("data products")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "code"], name="data_product_code_unique_in_brain"),
            # A paid product has a price; a free one has none.
            models.CheckConstraint(
                name="data_product_paid_has_price",
                condition=Q(access="paid", subscription_price__isnull=False)
                | Q(access="paid", price_per_call__isnull=False)
                | Q(access="paid", price_per_row__isnull=False)
                | (~Q(access="paid") & Q(subscription_price__isnull=True, price_per_call__isnull=True,
                                         price_per_row__isnull=True))),
        ]

    @property
    def description(self) -> str:
        language = get_language() or "zh-hans"
        return self.description_en if language.startswith("en") and self.description_en else self.description_zh
