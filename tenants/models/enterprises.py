"""Enterprises: global (one row per unified social credit code), members of any number of brains."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants import credit_code

__all__ = ["Enterprise", "region_validator", "validate_credit_code"]


def validate_credit_code(value: str) -> None:
    if not credit_code.is_valid(value):
        raise ValidationError(
            _("“%(code)s” is not a valid unified social credit code (GB 32100-2015)."),
            code="invalid_credit_code",
            params={"code": value},
        )


region_validator = RegexValidator(r"^\d{6}$", _("Enter a 6-digit administrative region code (GB/T 2260)."))


class Enterprise(models.Model):
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, validators=[region_validator])
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.short_name or self.legal_name
