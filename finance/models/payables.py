"""Payables: what a buyer owes a supplier for accepted work, from the platform's own evidence."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Payable"]


class Payable(ChangeTracked, BrainOwned):
    """A debt of `debtor` to `creditor` for accepted goods or work, VAT included.

    It arises from evidence the platform holds (an accepted delivery note), at most once per piece of evidence
    (a database constraint), and waits for the debtor to confirm it (确权). A partly disputed payable splits: the
    undisputed part is confirmed at once, the disputed rest is a payable of its own (`split_from`) that waits."""

    class Source(models.TextChoices):
        DELIVERY = "delivery", _("accepted delivery")
        GROUP_BUY = "group_buy", _("group purchase settlement")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        DISPUTED = "disputed", _("disputed")
        CONFIRMED = "confirmed", pgettext_lazy("payable status", "confirmed")
        CERTIFIED = "certified", _("issued as a certificate")
        FINANCED = "financed", _("financed by a bank: paid to the bank at maturity")
        PAID = "paid", pgettext_lazy("payable status", "paid")
        WAIVED = "waived", _("waived by the creditor")
        NETTED = "netted", _("settled by netting: the part a netting cancelled")

    number = models.CharField(_("payable number"), max_length=30)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_id = models.BigIntegerField()
    description = models.CharField(_("description"), max_length=200)
    debtor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("debtor"))
    creditor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("creditor"))
    currency = models.CharField(max_length=3, default="CNY")
    amount = models.DecimalField(_("amount (VAT included)"), **AMOUNT)
    tax = models.DecimalField(_("VAT"), **AMOUNT)
    accepted_on = models.DateField(_("accepted on"))
    due_on = models.DateField(_("due on"))
    # Due more than 60 days after acceptance, from a large enterprise to an SME: against the SME payment regulation
    # (保障中小企业款项支付条例, art. 9 as revised 2025). Decided from the enterprise file when the terms are set.
    beyond_legal_terms = models.BooleanField(_("beyond the 60-day limit for paying an SME"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    split_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="splits")
    dispute_reason = models.CharField(_("reason for the dispute"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("payable")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["brain", "debtor", "status"], name="payable_debtor_status"),
                   models.Index(fields=["brain", "creditor", "status"], name="payable_creditor_status")]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="payable_number_unique"),
            # One payable per piece of evidence: a re-delivered event, or two workers at once, create nothing twice.
            models.UniqueConstraint(fields=["brain", "source", "source_id"], condition=models.Q(split_from__isnull=True),
                                    name="one_payable_per_evidence"),
            models.CheckConstraint(name="payable_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="payable_tax_within_amount",
                                   condition=models.Q(tax__gte=0, tax__lte=models.F("amount"))),
            models.CheckConstraint(name="payable_debtor_is_not_creditor", condition=~models.Q(
                debtor=models.F("creditor"))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def net(self):
        return self.amount - self.tax
