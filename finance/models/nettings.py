"""Multilateral netting (轧差) of confirmed payables: A owes B, B owes C, C owes A — the cycle is cancelled, and
only the net remainder needs paying or financing."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models.payables import Payable
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Netting", "NettingLeg", "NettingParty"]


class Netting(ChangeTracked, BrainOwned):
    """A proposal to net the confirmed payables due in a window, computed to cancel the most (finance.circulation).

    Every party confirms its position, or rejects it; when the last one confirms, the netting settles: each netted
    payable is settled by its netted amount in the finance book, and the rest of it stays owed. It is void if a
    party rejects it, the operator withdraws it, it expires unconfirmed, or a payable changed before it settled.
    Proposed and settled nettings are live: a payable is in at most one live netting (NettingLeg's constraint)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("waiting for the parties")
        SETTLED = "settled", pgettext_lazy("netting status", "settled")
        VOIDED = "voided", pgettext_lazy("netting status", "void")

    class Voided(models.TextChoices):
        REJECTED = "rejected", _("a party rejected it")
        CHANGED = "changed", _("a payable changed after the proposal")
        EXPIRED = "expired", _("not every party confirmed in time")
        WITHDRAWN = "withdrawn", _("withdrawn by the operator")

    LIVE = (Status.PROPOSED, Status.SETTLED)

    number = models.CharField(_("netting number"), max_length=30)
    window_from = models.DateField(_("due from"))
    window_to = models.DateField(_("due until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    currency = models.CharField(max_length=3, default="CNY")
    # The graph at the proposal: every confirmed payable due in the window that was free to net.
    window_count = models.PositiveIntegerField(_("payables due in the window"))
    window_total = models.DecimalField(_("owed in the window"), **AMOUNT)
    legs_total = models.DecimalField(_("owed on the netted payables"), **AMOUNT)
    netted_total = models.DecimalField(_("netted"), **AMOUNT)  # nobody needs to pay or finance this
    leg_count = models.PositiveIntegerField(_("payables netted"))
    party_count = models.PositiveIntegerField(_("parties"))
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("answer by"))
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)
    voided_because = models.CharField(_("void because"), max_length=10, choices=Voided.choices, blank=True)
    void_reason = models.CharField(_("reason"), max_length=500, blank=True)
    voided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    sync_children = ("parties__decided_at",)

    class Meta:
        verbose_name = _("netting")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="netting_number_unique"),
            # The target of the legs' (netting, netting_status) foreign key, which keeps their copy of the status.
            models.UniqueConstraint(fields=["id", "status"], name="netting_id_status"),
            models.CheckConstraint(name="netting_window_in_order", condition=Q(window_from__lte=F("window_to"))),
            models.CheckConstraint(name="netting_totals_in_order", condition=Q(
                netted_total__gt=0, netted_total__lte=F("legs_total"), legs_total__lte=F("window_total"))),
            models.CheckConstraint(name="netting_settled_when", condition=Q(status="settled", settled_at__isnull=False)
                                   | (~Q(status="settled") & Q(settled_at__isnull=True))),
            models.CheckConstraint(name="netting_voided_why", condition=Q(
                status="voided", voided_at__isnull=False, voided_because__in=["rejected", "changed", "expired",
                                                                               "withdrawn"])
                | (~Q(status="voided") & Q(voided_at__isnull=True, voided_because=""))),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def share(self):
        """The netted share of what was owed in the window, 0–1."""
        return self.netted_total / self.window_total if self.window_total else 0

    @property
    def percent(self):
        """The netted share in per cent, to one place (for people)."""
        return round(self.share * 100, 1)


class NettingParty(BrainOwned):
    """A party's position in a netting: what it owes and is owed on the payables netted, before and after, and its
    answer. It nets as much owing as owed, so what it is owed less what it owes does not change."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        CONFIRMED = "confirmed", pgettext_lazy("netting decision", "confirmed")
        REJECTED = "rejected", pgettext_lazy("netting decision", "rejected")

    netting = models.ForeignKey(Netting, on_delete=models.PROTECT, related_name="parties")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    owes = models.DecimalField(_("owes"), **AMOUNT)
    owed = models.DecimalField(_("is owed"), **AMOUNT)
    netted = models.DecimalField(_("netted"), **AMOUNT)
    decision = models.CharField(_("answer"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("netting position")
        ordering = ["netting", "enterprise__legal_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["netting", "enterprise"], name="one_position_per_party"),
            models.CheckConstraint(name="position_netted_within", condition=Q(
                netted__gt=0, netted__lte=F("owes")) & Q(netted__lte=F("owed"))),
            models.CheckConstraint(name="position_answered_when", condition=Q(
                decision="pending", decided_at__isnull=True) | (~Q(decision="pending") & Q(decided_at__isnull=False))),
            models.CheckConstraint(name="position_rejected_says_why",
                                   condition=~Q(decision="rejected") | ~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.netting_id}/{self.enterprise_id}"

    @property
    def owes_after(self):
        return self.owes - self.netted

    @property
    def owed_after(self):
        return self.owed - self.netted

    @property
    def net(self):
        """What it is owed less what it owes: the same before and after."""
        return self.owed - self.owes


class NettingLeg(BrainOwned):
    """One payable in a netting and how much of it is netted (0 < netted ≤ its amount at the proposal).

    At most once: a payable is in at most one live (proposed or settled) netting, said by a partial unique index
    over `netting_status`, the leg's copy of its netting's status. The database keeps that copy: (netting,
    netting_status) is a foreign key to the netting's (id, status) with ON UPDATE CASCADE (migration 0007), so a
    netting that becomes void frees its payables and one that settles keeps them, whoever writes the status, and a
    second live netting of one payable is refused by PostgreSQL itself."""

    netting = models.ForeignKey(Netting, on_delete=models.PROTECT, related_name="legs")
    netting_status = models.CharField(max_length=10, default=Netting.Status.PROPOSED, editable=False)
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="netting_legs")
    debtor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("debtor"))
    creditor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("creditor"))
    amount = models.DecimalField(_("owed"), **AMOUNT)  # the payable's amount at the proposal
    netted = models.DecimalField(_("netted"), **AMOUNT)
    # At settlement the payable keeps the netted part (status netted) and the rest is split off, still owed.
    remainder = models.ForeignKey(Payable, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("still owed"))

    class Meta:
        verbose_name = _("netted payable")
        ordering = ["netting", "payable__due_on", "payable_id"]
        constraints = [
            models.UniqueConstraint(fields=["payable"], condition=Q(netting_status__in=["proposed", "settled"]),
                                    name="payable_netted_at_most_once"),
            models.UniqueConstraint(fields=["netting", "payable"], name="one_leg_per_payable"),
            models.CheckConstraint(name="leg_netted_within_amount",
                                   condition=Q(netted__gt=0, netted__lte=F("amount"))),
            models.CheckConstraint(name="leg_debtor_is_not_creditor", condition=~Q(debtor=F("creditor"))),
        ]
        indexes = [models.Index(fields=["brain", "debtor"], name="netting_leg_debtor"),
                   models.Index(fields=["brain", "creditor"], name="netting_leg_creditor")]

    def __str__(self) -> str:
        return f"{self.netting_id}/{self.payable_id}"

    @property
    def still_owed(self):
        return self.amount - self.netted
