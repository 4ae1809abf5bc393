"""People: a user of the platform, of one enterprise (or none: the brain company's staff, platform administrators)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models.enterprises import Enterprise

__all__ = ["User", "mobile_validator"]

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))


class User(AbstractUser):
    class EnterpriseRole(models.TextChoices):
        ADMIN = "admin", _("enterprise administrator")
        MEMBER = "member", _("enterprise member")

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[mobile_validator]
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("enterprise"),
    )
    enterprise_role = models.CharField(
        _("role in the enterprise"), max_length=10, choices=EnterpriseRole.choices, blank=True
    )
    is_platform_admin = models.BooleanField(_("platform administrator"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="enterprise_role_iff_enterprise",
                condition=(models.Q(enterprise__isnull=True, enterprise_role="")
                           | models.Q(enterprise__isnull=False) & ~models.Q(enterprise_role="")),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_admin(self) -> bool:
        return self.enterprise_id is not None and self.enterprise_role == self.EnterpriseRole.ADMIN
