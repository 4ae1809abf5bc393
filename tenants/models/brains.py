"""Brains (tenants), the base of every model that lives inside one (BrainOwned), and a brain's own reference rows:
its process catalogue and its document counters."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tenants.models.base import Bilingual
from tenants.models.enterprises import region_validator

__all__ = ["Brain", "BrainOwned", "BrainQuerySet", "Counter", "Process", "slug_validator"]

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and single hyphens, e.g. pump-valve.")
)


class Brain(Bilingual):
    """A tenant: one sector's industry brain."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    slug = models.SlugField(_("slug"), max_length=40, unique=True, validators=[slug_validator])
    sector = models.CharField(_("sector"), max_length=60)
    region_code = models.CharField(_("region code"), max_length=6, validators=[region_validator], blank=True)
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices)
    suspended_reason = models.CharField(_("reason for suspension"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("brain")
        verbose_name_plural = _("brains")
        ordering = ["slug"]

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self, *, reason: str) -> None:
        self.suspended_reason = reason

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reactivate(self) -> None:
        self.suspended_reason = ""


class BrainQuerySet(models.QuerySet):
    def in_brain(self, brain: "Brain | int"):
        return self.filter(brain_id=getattr(brain, "pk", brain))


class BrainOwned(models.Model):
    """Base of every tenant-owned model: its own non-null brain_id, scoped by the ORM and by RLS.

    `rls_also_visible_when` names extra SQL conditions under which a row is visible without its brain
    being entered (e.g. an enterprise listing its own memberships on the home page). Writes always need
    the brain entered.
    """

    brain = models.ForeignKey(Brain, on_delete=models.CASCADE, related_name="+", verbose_name=_("brain"))

    objects = BrainQuerySet.as_manager()
    rls_also_visible_when: tuple[str, ...] = ()

    class Meta:
        abstract = True


class Process(BrainOwned, Bilingual):
    """One entry of a brain's process catalogue (工序), e.g. CNC铣削 / CNC milling."""

    code = models.CharField(_("code"), max_length=20, validators=[RegexValidator(r"^[A-Z0-9_-]+$")])
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["brain", "code"], name="process_code_unique_in_brain")]


class Counter(BrainOwned):
    """Per-brain running numbers for documents (RFQ-2026-000001, PO-2026-000001, …)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brain", "prefix", "year"], name="one_counter_per_prefix")]
