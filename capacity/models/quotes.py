"""Quotes: a supplier's sealed prices per RFQ line, revisable until the deadline."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models.rfqs import Rfq, RfqLine
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User


class Quote(ChangeTracked, BrainOwned):
    """A supplier's one live quote on an RFQ; revised in place until the deadline."""

    sync_children = ("lines__updated_at",)

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    remarks = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="one_quote_per_supplier")]


class QuoteLine(ChangeTracked, BrainOwned):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    rfq_line = models.ForeignKey(RfqLine, on_delete=models.CASCADE, related_name="quote_lines")
    unit_price = models.DecimalField(_("unit price (CNY, tax included)"), **AMOUNT, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, default="CNY")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("13.00"))
    price_includes_tax = models.BooleanField(default=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), validators=[MinValueValidator(1)])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quote", "rfq_line"], name="one_price_per_line")]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.rfq_line.quantity
