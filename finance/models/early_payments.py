"""Early payments: a claim paid before it matures, by its buyer at a discount or by a bank, at most once."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finance.models.certificates import Certificate
from finance.models.payables import Payable
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["APR", "EarlyPayment"]

# An annual rate in percent, to four places: 8.2500 is 8.25 % a year.
APR = {"max_digits": 7, "decimal_places": 4}


class EarlyPayment(ChangeTracked, BrainOwned):
    """One claim paid early: a confirmed payable (not issued as a certificate) or a live held certificate.

    `discount`: the buyer pays its own claim early through dynamic discounting; the claim is settled at once for
    `amount` = face − discount. `bank`: a bank pays the supplier `amount` = face − discount − fee and takes the claim
    over (the certificate's holder becomes the bank; a payable is owed to the bank), to be paid the face at maturity
    (`settled_on`). At most once per claim, said by the database: partial unique constraints, and triggers
    (migration 0004) that keep a financed certificate from being split and a paid-early payable from being issued
    as a certificate, whichever commits first."""

    class Kind(models.TextChoices):
        DISCOUNT = "discount", _("paid early by the buyer at a discount")
        BANK = "bank", _("financed by a bank")

    number = models.CharField(_("early payment number"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="early_payments")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="early_payments")
    debtor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("debtor"))
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("paid early"))
    payer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("payer"))
    face = models.DecimalField(_("face value"), **AMOUNT)
    discount = models.DecimalField(_("discount"), **AMOUNT)
    fee = models.DecimalField(_("fee"), default=0, **AMOUNT)
    amount = models.DecimalField(_("amount paid"), **AMOUNT)
    apr = models.DecimalField(_("annual rate (%)"), **APR)
    days_early = models.PositiveIntegerField(_("days early"))
    paid_on = models.DateField(_("paid on"))
    matures_on = models.DateField(_("matures on"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("early payment")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["brain", "payer", "kind"], name="early_payment_payer_kind"),
                   models.Index(fields=["brain", "debtor", "matures_on"], name="early_payment_debtor_due")]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="early_payment_number_unique"),
            models.UniqueConstraint(fields=["payable"], condition=Q(payable__isnull=False),
                                    name="one_early_payment_per_payable"),
            models.UniqueConstraint(fields=["certificate"], condition=Q(certificate__isnull=False),
                                    name="one_early_payment_per_certificate"),
            models.CheckConstraint(name="early_payment_names_one_claim", condition=(
                Q(payable__isnull=False, certificate__isnull=True) | Q(payable__isnull=True, certificate__isnull=False))),
            models.CheckConstraint(name="early_payment_amounts_add_up", condition=Q(
                face__gt=0, discount__gte=0, fee__gte=0, amount__gt=0,
                amount=F("face") - F("discount") - F("fee"))),
            models.CheckConstraint(name="early_payment_days_early", condition=Q(days_early__gte=1)),
            models.CheckConstraint(name="early_payment_payer_of_its_kind", condition=(
                Q(kind="discount", payer=F("debtor"), fee=0)
                | (Q(kind="bank") & ~Q(payer=F("debtor")) & ~Q(payer=F("supplier"))))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def claim(self):
        return self.payable or self.certificate
