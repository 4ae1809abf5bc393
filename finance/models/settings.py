"""A brain's rules for supply-chain finance, set by its operators."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.money import AMOUNT
from tenants.models import BrainOwned

__all__ = ["FinanceSettings"]


class FinanceSettings(BrainOwned):
    """How finely a certificate may be split and passed on, and how long a transfer waits for its receiver."""

    min_split_amount = models.DecimalField(_("smallest part of a split"), default=Decimal("100.00"),
                                           validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT)
    max_depth = models.PositiveSmallIntegerField(_("most levels of splitting"), default=5,
                                                 validators=[MinValueValidator(1), MaxValueValidator(20)])
    transfer_days = models.PositiveSmallIntegerField(_("days a transfer waits for its receiver"), default=7,
                                                     validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        verbose_name = _("finance settings")
        constraints = [models.UniqueConstraint(fields=["brain"], name="one_finance_settings_per_brain")]
