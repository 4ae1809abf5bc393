"""Maturity reminders: a claim falling due is announced to whoever pays and is paid, once per reminder day."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance.models.certificates import Certificate
from finance.models.payables import Payable
from tenants.models import BrainOwned

__all__ = ["MaturityReminder"]


class MaturityReminder(BrainOwned):
    """One reminder (`payment.due`) of one claim, `days_before` its due date: once, said by unique constraints,
    however often beat runs."""

    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    days_before = models.PositiveSmallIntegerField(_("days before it is due"))
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("maturity reminder")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(name="maturity_reminder_names_one_claim", condition=(
                Q(payable__isnull=False, certificate__isnull=True) | Q(payable__isnull=True, certificate__isnull=False))),
            models.UniqueConstraint(fields=["payable", "days_before"], condition=Q(payable__isnull=False),
                                    name="one_reminder_per_payable_and_day"),
            models.UniqueConstraint(fields=["certificate", "days_before"], condition=Q(certificate__isnull=False),
                                    name="one_reminder_per_certificate_and_day"),
        ]
