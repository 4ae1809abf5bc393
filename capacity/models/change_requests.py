"""Change requests: a line's due date or quantity changed after award, asked by one side, decided by the other."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from capacity.models.work_orders import WorkOrderLine
from tenants.models import BrainOwned, ChangeTracked, User


class ChangeRequest(ChangeTracked, BrainOwned):
    """A change of a line's due date or quantity after award: asked by one side, decided by the other.
    The rows are the line's history of changes."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SUPPLIER = "supplier", _("supplier")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the other side")
        ACCEPTED = "accepted", pgettext_lazy("change request status", "accepted")
        REJECTED = "rejected", pgettext_lazy("change request status", "rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="change_requests")
    side = models.CharField(_("asked by"), max_length=8, choices=Side.choices)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    old_quantity = models.PositiveIntegerField()
    new_quantity = models.PositiveIntegerField(_("new quantity"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(_("response"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("change request")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=models.Q(status="pending"),
                                    name="one_pending_change_per_line"),
            models.CheckConstraint(condition=models.Q(new_due_date__isnull=False) | models.Q(new_quantity__isnull=False),
                                   name="change_changes_something"),
        ]

    @transition(field=status, source=Status.PENDING, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.PENDING, target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=Status.PENDING, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass
