"""Work orders and production progress: what a winning supplier makes, line by line, operation by operation."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from capacity.models.awards import Award, PurchaseOrder
from capacity.models.projects import Operation, Part
from capacity.models.rfqs import Rfq
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User


class WorkOrder(ChangeTracked, BrainOwned):
    """What a winning supplier makes for one RFQ: made with its purchase order at award time.

    The accepted value (tax included, its VAT, and the date of the last acceptance) is kept as a running
    total of the inspections, under the work order's lock: it is what finance reads.
    """

    sync_children = ("lines__updated_at",)

    class Status(models.TextChoices):
        ISSUED = "issued", _("waiting for the supplier")
        ACCEPTED = "accepted", pgettext_lazy("work order status", "in production")
        DECLINED = "declined", _("declined")
        COMPLETED = "completed", pgettext_lazy("work order status", "completed")

    purchase_order = models.OneToOneField(PurchaseOrder, on_delete=models.PROTECT, related_name="work_order")
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="work_orders")
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3, default="CNY")
    accepted_amount = models.DecimalField(_("accepted value (tax included)"), default=Decimal("0.00"), **AMOUNT)
    accepted_tax = models.DecimalField(_("VAT in the accepted value"), default=Decimal("0.00"), **AMOUNT)
    last_accepted_on = models.DateField(_("last accepted on"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        ordering = ["-created_at"]

    @property
    def accepted_net(self) -> Decimal:
        return self.accepted_amount - self.accepted_tax

    @transition(field=status, source=Status.ISSUED, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.ISSUED, target=Status.DECLINED)
    def decline(self, *, reason: str) -> None:
        self.decline_reason = reason

    @transition(field=status, source=Status.ACCEPTED, target=Status.COMPLETED)
    def complete(self) -> None:
        self.completed_at = timezone.now()


class WorkOrderLine(ChangeTracked, BrainOwned):
    """One awarded line of a work order: a part (or one operation of it) in a quantity, at a price, by a date.

    Quantity and due date are the agreed ones (a change request accepted by the other side changes them;
    the award keeps the original). The progress_* fields are the current state made from the newest
    report of each operation, and the *_quantity fields the running totals of deliveries and inspections,
    both kept by the services so that the project board is one query whatever the size of the project.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="work_order_line")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**AMOUNT)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    due_date = models.DateField(null=True, blank=True)
    # current progress
    progress_status = models.CharField(max_length=12, default="not_started")  # a ProgressReport.Status value
    progress_percent = models.PositiveSmallIntegerField(default=0)
    current_operation = models.ForeignKey(Operation, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+")
    planned_completion = models.DateField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # delivery and acceptance
    delivered_quantity = models.PositiveIntegerField(default=0)  # every delivery, re-deliveries included
    accepted_quantity = models.PositiveIntegerField(default=0)
    rejected_quantity = models.PositiveIntegerField(default=0)  # rejected or sent back for rework: owed again
    completed_on = models.DateField(null=True, blank=True)  # delivery date of the delivery that completed it
    on_time = models.BooleanField(null=True)  # completed_on <= due_date, set on completion

    class Meta:
        ordering = ["work_order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(accepted_quantity__lte=models.F("quantity")),
                                   name="line_accepts_at_most_its_quantity"),
            models.CheckConstraint(condition=models.Q(progress_percent__lte=100), name="line_percent_at_most_100"),
        ]

    @property
    def outstanding_quantity(self) -> int:
        """Pieces still to deliver: those never delivered and those rejected."""
        return max(self.quantity - self.delivered_quantity + self.rejected_quantity, 0)

    @property
    def is_complete(self) -> bool:
        return self.accepted_quantity >= self.quantity


class ProgressReport(BrainOwned):
    """A supplier's report on one operation of a work-order line. The newest report is the current state."""

    sync_field = "reported_at"  # never changes once made

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="reports")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(_("percent done"), null=True, blank=True)
    quantity_done = models.PositiveIntegerField(_("quantity done"), null=True, blank=True)
    reason = models.CharField(_("why it is blocked"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["line", "operation", "-reported_at"], name="progress_current")]
