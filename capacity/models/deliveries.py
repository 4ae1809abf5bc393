"""Deliveries and inspection: what a supplier sent, and what the buyer accepted, sent back for rework or rejected."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capacity.models.work_orders import WorkOrder, WorkOrderLine
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, User


class Delivery(ChangeTracked, BrainOwned):
    """A shipment from the supplier against one work order, under its delivery note (送货单)."""

    sync_children = ("lines__updated_at",)

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="deliveries")
    note_number = models.CharField(_("delivery note number"), max_length=40)
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        ordering = ["-delivered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["work_order", "note_number"],
                                               name="delivery_note_unique_per_work_order")]


class DeliveryLine(ChangeTracked, BrainOwned):
    """Pieces of one work-order line in a delivery, and the buyer's inspection of them (验收).

    accepted + rejected = quantity once inspected. Rejected pieces are owed again: scrapped and remade
    (outcome rejected) or sent back for rework. amount and tax are the accepted pieces' value, tax
    included, at the line's agreed price, fixed when inspected.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting for inspection")
        ACCEPTED = "accepted", pgettext_lazy("inspection outcome", "accepted")
        REJECTED = "rejected", pgettext_lazy("inspection outcome", "rejected")
        REWORK = "rework", _("rework requested")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, related_name="deliveries")
    quantity = models.PositiveIntegerField(_("quantity delivered"), validators=[MinValueValidator(1)])
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    accepted_quantity = models.PositiveIntegerField(_("quantity accepted"), default=0)
    rejected_quantity = models.PositiveIntegerField(_("quantity rejected"), default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    amount = models.DecimalField(_("accepted value (tax included)"), default=Decimal("0.00"), **AMOUNT)
    tax = models.DecimalField(_("VAT"), default=Decimal("0.00"), **AMOUNT)
    accepted_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspected_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    inspected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "line"], name="one_delivery_line_per_line"),
            models.CheckConstraint(
                condition=models.Q(outcome="pending", accepted_quantity=0, rejected_quantity=0)
                | (~models.Q(outcome="pending")
                   & models.Q(accepted_quantity=models.F("quantity") - models.F("rejected_quantity"))),
                name="inspection_accounts_for_every_piece"),
        ]
