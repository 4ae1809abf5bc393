"""Memberships: an enterprise in a brain, with its roles there and where its application stands."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tenants.models.accounts import User
from tenants.models.base import ChangeTracked
from tenants.models.brains import BrainOwned
from tenants.models.enterprises import Enterprise

__all__ = ["Membership"]


class Membership(ChangeTracked, BrainOwned):
    """An enterprise in a brain, with its roles there."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SUPPLIER = "supplier", _("supplier")
        FINANCIER = "financier", _("financier")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        ACTIVE = "active", _("active")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("enterprise")
    )
    roles = ArrayField(models.CharField(max_length=10, choices=Role.choices), verbose_name=_("roles"))
    status = FSMField(_("status"), default=Status.APPLIED, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    rls_also_visible_when = ("enterprise_id = NULLIF(current_setting('app.enterprise_id', true), '')::bigint",)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "enterprise"], name="one_membership_per_brain"),
            models.CheckConstraint(name="membership_has_roles", condition=~models.Q(roles=[])),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.brain_id}"

    @property
    def role_labels(self) -> list[str]:
        return [str(self.Role(role).label) for role in self.roles]

    @transition(field=status, source=Status.APPLIED, target=Status.ACTIVE)
    def admit(self) -> None:
        pass

    @transition(field=status, source=Status.APPLIED, target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reinstate(self) -> None:
        pass

    @transition(field=status, source=Status.REJECTED, target=Status.APPLIED)
    def reapply(self) -> None:
        pass
