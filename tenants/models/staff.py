"""The brain's staff: the brain company's operators and the government's read-only viewers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models.accounts import User
from tenants.models.brains import BrainOwned

__all__ = ["BrainStaff"]


class BrainStaff(BrainOwned):
    """A person of the brain company (operator) or a read-only government viewer of one brain."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("brain operator")
        GOVERNMENT_VIEWER = "government_viewer", _("government viewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="brain_staff")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    rls_also_visible_when = ("user_id = NULLIF(current_setting('app.user_id', true), '')::bigint",)

    class Meta:
        verbose_name = _("brain staff")
        verbose_name_plural = _("brain staff")
        constraints = [models.UniqueConstraint(fields=["brain", "user"], name="one_staff_role_per_brain")]
