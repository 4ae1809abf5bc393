"""The project board's rules per brain, and the reminders and digests it sends."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models.projects import Project
from capacity.models.work_orders import WorkOrder
from tenants.models import BrainOwned


class BoardSettings(BrainOwned):
    """A brain's rules for the project board: a part is at risk when its last report is older than this."""

    stale_after_days = models.PositiveSmallIntegerField(_("days without a report before a part is at risk"),
                                                        default=3, validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brain"], name="one_board_settings_per_brain")]


class Reminder(BrainOwned):
    """A reminder sent, at most one of a kind per object and day: a supplier's stale work order, or a
    buyer's daily digest of a project."""

    class Kind(models.TextChoices):
        STALE_PROGRESS = "stale_progress", _("progress reminder")
        DAILY_DIGEST = "daily_digest", _("daily digest")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "work_order", "sent_on"], name="one_reminder_per_work_order_day",
                                    condition=models.Q(work_order__isnull=False)),
            models.UniqueConstraint(fields=["kind", "project", "sent_on"], name="one_digest_per_project_day",
                                    condition=models.Q(project__isnull=False)),
        ]
