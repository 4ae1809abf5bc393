"""Bank financing (reverse factoring): banks keep credit lines on buyers; a supplier asks to be paid a claim on
such a buyer early, every bank with room on its line is asked, each may quote, and the supplier accepts one."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models.certificates import Certificate
from finance.models.discounting import PERCENT
from finance.models.early_payments import APR, EarlyPayment
from finance.models.payables import Payable
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["CreditLine", "FinancingInvitation", "FinancingQuote", "FinancingRequest"]


class CreditLine(ChangeTracked, BrainOwned):
    """How much `bank` will finance of what `buyer` owes at once: `used` is the face of the claims on the buyer it
    financed and the buyer has not yet paid it. Never above the limit: a check constraint, and every change takes
    the line's row lock."""

    bank = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                             verbose_name=pgettext_lazy("financier", "bank"))
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer"))
    limit = models.DecimalField(_("limit"), **AMOUNT)
    used = models.DecimalField(_("used"), default=0, **AMOUNT)
    expires_on = models.DateField(_("expires on"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credit line")
        ordering = ["bank_id", "buyer_id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "bank", "buyer"], name="one_credit_line_per_bank_and_buyer"),
            models.CheckConstraint(name="credit_line_used_within_limit",
                                   condition=Q(limit__gte=0, used__gte=0, used__lte=F("limit"))),
            models.CheckConstraint(name="credit_line_bank_is_not_buyer", condition=~Q(bank=F("buyer"))),
        ]

    @property
    def room(self):
        return self.limit - self.used


class FinancingRequest(ChangeTracked, BrainOwned):
    """A supplier's request to have one claim financed: asked of every bank with room on the debtor's line (the
    invitations), open until the supplier accepts a quote, withdraws it, or it expires."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("financing request status", "open")
        ACCEPTED = "accepted", _("financed")
        WITHDRAWN = "withdrawn", pgettext_lazy("financing request status", "withdrawn")
        EXPIRED = "expired", pgettext_lazy("financing request status", "expired")

    number = models.CharField(_("request number"), max_length=30)
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    debtor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("debtor"))
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="financing_requests")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="financing_requests")
    face = models.DecimalField(_("face value"), **AMOUNT)
    matures_on = models.DateField(_("matures on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    early_payment = models.OneToOneField(EarlyPayment, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="financing_request")

    class Meta:
        verbose_name = _("financing request")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="financing_request_number_unique"),
            models.CheckConstraint(name="financing_request_names_one_claim", condition=(
                Q(payable__isnull=False, certificate__isnull=True) | Q(payable__isnull=True, certificate__isnull=False))),
            models.UniqueConstraint(fields=["payable"], condition=Q(status="open", payable__isnull=False),
                                    name="one_open_financing_request_per_payable"),
            models.UniqueConstraint(fields=["certificate"], condition=Q(status="open", certificate__isnull=False),
                                    name="one_open_financing_request_per_certificate"),
            models.CheckConstraint(name="financing_request_accepted_paid", condition=(
                Q(status="accepted", early_payment__isnull=False)
                | (~Q(status="accepted") & Q(early_payment__isnull=True)))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def claim(self):
        return self.payable or self.certificate


class FinancingInvitation(BrainOwned):
    """A bank asked to quote on a request: it had room on its line on the debtor when the request was made."""

    request = models.ForeignKey(FinancingRequest, on_delete=models.PROTECT, related_name="invitations")
    bank = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                             verbose_name=pgettext_lazy("financier", "bank"))
    credit_line = models.ForeignKey(CreditLine, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bank asked to quote")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["request", "bank"], name="one_invitation_per_bank")]


class FinancingQuote(ChangeTracked, BrainOwned):
    """A bank's price for financing a request: an annual rate or a flat discount, and a fee, valid until a moment.
    At most one quote of a request is accepted (a partial unique constraint)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quote status", "open")
        ACCEPTED = "accepted", pgettext_lazy("quote status", "accepted")
        NOT_CHOSEN = "not_chosen", _("not chosen")
        WITHDRAWN = "withdrawn", pgettext_lazy("quote status", "withdrawn")
        EXPIRED = "expired", pgettext_lazy("quote status", "expired")

    class Rate(models.TextChoices):
        APR = "apr", _("annual rate")
        PERCENT = "percent", _("flat percent of the face")

    request = models.ForeignKey(FinancingRequest, on_delete=models.PROTECT, related_name="quotes")
    bank = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                             verbose_name=pgettext_lazy("financier", "bank"))
    rate = models.CharField(_("rate"), max_length=10, choices=Rate.choices)
    apr = models.DecimalField(_("annual rate (%)"), null=True, blank=True, **APR)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    percent = models.DecimalField(_("discount (% of the face)"), null=True, blank=True, **PERCENT)
    fee = models.DecimalField(_("fee"), default=0, **AMOUNT)
    valid_until = models.DateTimeField(_("valid until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    quoted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    quoted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    early_payment = models.OneToOneField(EarlyPayment, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="financing_quote")

    class Meta:
        verbose_name = _("financing quote")
        ordering = ["-quoted_at", "-id"]
        constraints = [
            models.CheckConstraint(name="financing_quote_rate", condition=(
                Q(rate="apr", apr__gt=0, apr__lte=100, percent__isnull=True)
                | Q(rate="percent", percent__gt=0, percent__lt=100, apr__isnull=True))),
            models.CheckConstraint(name="financing_quote_fee", condition=Q(fee__gte=0)),
            models.UniqueConstraint(fields=["request", "bank"], condition=Q(status="open"),
                                    name="one_open_quote_per_bank_and_request"),
            models.UniqueConstraint(fields=["request"], condition=Q(status="accepted"),
                                    name="one_accepted_quote_per_request"),
            models.CheckConstraint(name="financing_quote_accepted_paid", condition=(
                Q(status="accepted", early_payment__isnull=False)
                | (~Q(status="accepted") & Q(early_payment__isnull=True)))),
        ]
