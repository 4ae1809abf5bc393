"""Awards: the lines given to suppliers, the purchase orders, and the optimiser's recommendations."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models.rfqs import QuoteLine, Rfq, RfqLine
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User


class PurchaseOrder(ChangeTracked, BrainOwned):
    """What a winning supplier receives for its awarded lines of one RFQ."""

    sync_children = ("awards__updated_at",)

    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="purchase_orders")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("PO number"), max_length=30)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)  # the supplier declined its work order

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="po_number_unique"),
            models.UniqueConstraint(fields=["rfq", "supplier"], name="one_live_po_per_supplier_and_rfq",
                                    condition=models.Q(cancelled_at__isnull=True)),
        ]


class Award(ChangeTracked, BrainOwned):
    """An RFQ line given to one quote line: at most one live award per line, enforced by the database. A
    declined work order voids its awards, and the lines can be awarded again."""

    rfq_line = models.ForeignKey(RfqLine, on_delete=models.PROTECT, related_name="awards")
    quote_line = models.ForeignKey(QuoteLine, on_delete=models.PROTECT, related_name="+")
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="awards")
    unit_price = models.DecimalField(**AMOUNT)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    quantity = models.PositiveIntegerField()
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq_line"], name="one_live_award_per_line",
                                               condition=models.Q(voided_at__isnull=True))]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class Recommendation(BrainOwned):
    """The optimiser's proposal for an RFQ, beside the naive cheapest-per-line choice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("computing")
        READY = "ready", _("ready")
        INFEASIBLE = "infeasible", _("no feasible award")

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="recommendations")
    max_suppliers = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    choice = models.JSONField(default=dict, blank=True)  # {rfq_line_id: quote_line_id}
    total = models.DecimalField(**AMOUNT, null=True, blank=True)
    naive_choice = models.JSONField(default=dict, blank=True)
    naive_total = models.DecimalField(**AMOUNT, null=True, blank=True)
    naive_feasible = models.BooleanField(null=True)
    optimal = models.BooleanField(null=True)  # False: stopped at the time limit; `gap` bounds the loss
    gap = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    unquoted_lines = models.JSONField(default=list, blank=True)  # rfq line ids no valid quote could cover
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
