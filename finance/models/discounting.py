"""Dynamic discounting (like C2FO): a buyer puts cash up to pay its own claims early, its suppliers offer discounts
for being paid early, and a clearing at each cut-off pays the best offers first."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models.certificates import Certificate
from finance.models.early_payments import APR, EarlyPayment
from finance.models.payables import Payable
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["ClearingRun", "DiscountOffer", "DiscountProgramme"]

PERCENT = {"max_digits": 6, "decimal_places": 4}  # a flat discount, % of the face: 1.2500


class DiscountProgramme(ChangeTracked, BrainOwned):
    """`buyer` offers up to `cash_available` over a period to pay its claims early. Each day of the period at
    `cutoff_time` (Beijing) a clearing pays the open offers, best annual rate first, never below `hurdle_apr`; an
    offer at or above `posted_apr` is accepted the moment it is made, while cash lasts."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("programme status", "open")
        CLOSED = "closed", pgettext_lazy("programme status", "closed")

    number = models.CharField(_("programme number"), max_length=30)
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    cash_available = models.DecimalField(_("cash available"), **AMOUNT)
    cash_used = models.DecimalField(_("cash used"), default=0, **AMOUNT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    cutoff_time = models.TimeField(_("daily cut-off (Beijing time)"))
    hurdle_apr = models.DecimalField(_("hurdle rate (% a year)"), **APR)
    posted_apr = models.DecimalField(_("posted rate for instant acceptance (% a year)"), null=True, blank=True, **APR)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("discount programme")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="discount_programme_number_unique"),
            models.UniqueConstraint(fields=["brain", "buyer"], condition=Q(status="open"),
                                    name="one_open_discount_programme_per_buyer"),
            models.CheckConstraint(name="discount_programme_cash_within", condition=Q(
                cash_available__gt=0, cash_used__gte=0, cash_used__lte=F("cash_available"))),
            models.CheckConstraint(name="discount_programme_period", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(name="discount_programme_rates", condition=Q(hurdle_apr__gte=0) & (
                Q(posted_apr__isnull=True) | Q(posted_apr__gte=F("hurdle_apr")))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def cash_left(self):
        return self.cash_available - self.cash_used


class ClearingRun(BrainOwned):
    """One clearing of a programme at one cut-off: recorded once (a unique constraint), whoever starts it."""

    programme = models.ForeignKey(DiscountProgramme, on_delete=models.PROTECT, related_name="runs")
    cutoff_at = models.DateTimeField(_("cut-off"))
    paid_on = models.DateField(_("paid on"))
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    cash_before = models.DecimalField(_("cash before"), **AMOUNT)
    cash_cleared = models.DecimalField(_("cash paid"), default=0, **AMOUNT)
    discount_total = models.DecimalField(_("discounts earned"), default=0, **AMOUNT)
    offers_cleared = models.PositiveIntegerField(_("offers cleared"), default=0)
    offers_skipped = models.PositiveIntegerField(_("offers that did not fit"), default=0)
    offers_below_hurdle = models.PositiveIntegerField(_("offers below the hurdle"), default=0)
    offers_lapsed = models.PositiveIntegerField(_("offers lapsed"), default=0)

    class Meta:
        verbose_name = _("clearing run")
        ordering = ["-cutoff_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "cutoff_at"], name="one_clearing_run_per_cutoff"),
            models.CheckConstraint(name="clearing_run_within_cash",
                                   condition=Q(cash_cleared__gte=0, cash_cleared__lte=F("cash_before"))),
        ]


class DiscountOffer(ChangeTracked, BrainOwned):
    """A supplier's offer to be paid one claim early for a discount (an annual rate, or a flat percent of the face),
    open until it clears, is withdrawn, or lapses (the claim was paid, passed on, financed, or matured; the
    programme closed). A recurring offer names no claim: it makes an offer at its rate on every payable its buyer
    confirms to the supplier while it stands."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("offer status", "open")
        CLEARED = "cleared", _("cleared: paid early")
        WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "withdrawn")
        LAPSED = "lapsed", _("lapsed")

    class Rate(models.TextChoices):
        APR = "apr", _("annual rate")
        PERCENT = "percent", _("flat percent of the face")

    programme = models.ForeignKey(DiscountProgramme, on_delete=models.PROTECT, related_name="offers")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="discount_offers")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="discount_offers")
    recurring = models.BooleanField(_("every new payable of this buyer"), default=False)
    standing = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="made",
                                 verbose_name=_("made by the recurring offer"))
    rate = models.CharField(_("rate"), max_length=10, choices=Rate.choices)
    apr = models.DecimalField(_("annual rate (%)"), null=True, blank=True, **APR)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    percent = models.DecimalField(_("discount (% of the face)"), null=True, blank=True, **PERCENT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    offered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    cleared_in = models.ForeignKey(ClearingRun, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="offers")
    early_payment = models.OneToOneField(EarlyPayment, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="discount_offer")
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("discount offer")
        ordering = ["-offered_at", "-id"]
        indexes = [models.Index(fields=["programme", "status"], name="discount_offer_status")]
        constraints = [
            models.CheckConstraint(name="discount_offer_claim", condition=(
                Q(recurring=True, payable__isnull=True, certificate__isnull=True)
                | Q(recurring=False, payable__isnull=False, certificate__isnull=True)
                | Q(recurring=False, payable__isnull=True, certificate__isnull=False))),
            models.CheckConstraint(name="discount_offer_rate", condition=(
                Q(rate="apr", apr__gt=0, apr__lte=100, percent__isnull=True)
                | Q(rate="percent", percent__gt=0, percent__lt=100, apr__isnull=True))),
            models.CheckConstraint(name="discount_offer_cleared_paid", condition=(
                Q(status="cleared", early_payment__isnull=False)
                | (~Q(status="cleared") & Q(early_payment__isnull=True)))),
            models.UniqueConstraint(fields=["payable"], condition=Q(status="open", payable__isnull=False),
                                    name="one_open_discount_offer_per_payable"),
            models.UniqueConstraint(fields=["certificate"], condition=Q(status="open", certificate__isnull=False),
                                    name="one_open_discount_offer_per_certificate"),
            models.UniqueConstraint(fields=["programme", "supplier"], condition=Q(status="open", recurring=True),
                                    name="one_recurring_discount_offer_per_supplier"),
        ]

    @property
    def claim(self):
        return self.payable or self.certificate

    @property
    def ranked_at(self):
        """Ties of rate clear by the earlier offer; a changed offer counts from its change."""
        return self.changed_at or self.offered_at
