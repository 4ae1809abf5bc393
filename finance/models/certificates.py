"""Payable certificates (like 云信): a confirmed payable as a claim its holder may split and pass on."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models.payables import Payable
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Certificate", "CertificateTransfer"]


class Certificate(ChangeTracked, BrainOwned):
    """A claim on `issuer` for `amount`, payable on `matures_on` to whoever then holds it.

    Certificates form a tree per payable: the root is issued on the confirmed payable (at most once, a database
    constraint); a split retires a certificate (status split) into children that sum to it exactly, which the
    database checks at commit under the parent's lock, so no interleaving of splits and transfers can create or
    lose a fen. Only certificates that are not split are live: held, offered to a receiver, or redeemed."""

    class Status(models.TextChoices):
        HELD = "held", pgettext_lazy("certificate status", "held")
        OFFERED = "offered", _("offered to a receiver")
        SPLIT = "split", pgettext_lazy("certificate status", "split")
        REDEEMED = "redeemed", _("paid at maturity")

    number = models.CharField(_("certificate number"), max_length=40)
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="certificates")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    depth = models.PositiveSmallIntegerField(default=0)  # 0: issued on the payable; a split's children: +1
    issuer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer"))
    holder = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("holder"))
    amount = models.DecimalField(_("face value"), **AMOUNT)
    matures_on = models.DateField(_("matures on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    offered_to = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("offered to"))
    created_at = models.DateTimeField(default=timezone.now)
    redeemed_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payable certificate")
        ordering = ["matures_on", "number"]
        indexes = [models.Index(fields=["brain", "holder", "status"], name="certificate_holder_status")]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="certificate_number_unique"),
            models.UniqueConstraint(fields=["payable"], condition=models.Q(parent__isnull=True),
                                    name="one_certificate_issue_per_payable"),
            models.CheckConstraint(name="certificate_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="certificate_root_has_depth_zero",
                                   condition=models.Q(parent__isnull=True, depth=0)
                                   | models.Q(parent__isnull=False, depth__gt=0)),
            models.CheckConstraint(name="certificate_offered_has_receiver",
                                   condition=models.Q(status="offered", offered_to__isnull=False)
                                   | (~models.Q(status="offered") & models.Q(offered_to__isnull=True))),
        ]

    def __str__(self) -> str:
        return self.number


class CertificateTransfer(BrainOwned):
    """One offer of a certificate from its holder to another member, and how it ended."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting for the receiver")
        ACCEPTED = "accepted", pgettext_lazy("transfer outcome", "accepted")
        DECLINED = "declined", pgettext_lazy("transfer outcome", "declined")
        EXPIRED = "expired", _("expired, returned to the sender")
        WITHDRAWN = "withdrawn", _("withdrawn by the sender")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="transfers")
    sender = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("sender"))
    receiver = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiver"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    offered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate transfer")
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=models.Q(outcome="pending"),
                                    name="one_pending_transfer_per_certificate"),
            models.CheckConstraint(name="transfer_to_another", condition=~models.Q(sender=models.F("receiver"))),
        ]
