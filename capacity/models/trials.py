"""Remote mould trials (远程试模): trials of a project's mould and the modifications they call for."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from capacity.models.projects import Operation, Part, Project
from tenants.models import BrainOwned, ChangeTracked, User


class MouldTrial(ChangeTracked, BrainOwned):
    """A trial of the project's mould on a press (T1, T2, …), followed remotely; its result and the
    modifications it calls for, which become new parts or operations on the board."""

    sync_children = ("modifications__created_at",)

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        RECORDED = "recorded", _("result recorded")
        CANCELLED = "cancelled", pgettext_lazy("mould trial status", "cancelled")

    class Conclusion(models.TextChoices):
        PASS = "pass", _("pass")
        MODIFY = "modify", _("modify the mould")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="trials")
    number = models.PositiveSmallIntegerField(_("trial number"))  # T1, T2, …
    scheduled_at = models.DateTimeField(_("scheduled for"))
    location = models.CharField(_("where"), max_length=200)
    press = models.CharField(_("press"), max_length=100, blank=True)
    meeting_url = models.URLField(_("video meeting link"), blank=True)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    shots = models.PositiveIntegerField(_("shots"), null=True, blank=True)
    defects = models.TextField(_("defects found"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    summary = models.TextField(pgettext_lazy("mould trial", "summary"), blank=True)
    scheduled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mould trial")
        ordering = ["project_id", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="trial_number_unique")]

    @transition(field=status, source=Status.SCHEDULED, target=Status.RECORDED)
    def record(self) -> None:
        self.recorded_at = timezone.now()

    @transition(field=status, source=Status.SCHEDULED, target=Status.CANCELLED)
    def cancel(self) -> None:
        pass


class TrialModification(BrainOwned):
    """A change a trial calls for: a new part, or a new operation on an existing part (e.g. re-cut a cavity
    insert). It shows on the board like any other part until done."""

    trial = models.ForeignKey(MouldTrial, on_delete=models.PROTECT, related_name="modifications")
    description = models.CharField(_("modification"), max_length=500)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_part = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["trial_id", "id"]
