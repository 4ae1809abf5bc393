"""Support policies (政策直达) and each enterprise's decision on them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import BrainOwned, ChangeTracked, User

__all__ = ["Policy", "PolicyMatch"]


class Policy(ChangeTracked, BrainOwned):
    """A support policy (政策直达) an operator records, with eligibility rules over the enterprise file
    (brain.eligibility). Published, it is matched against every active member; each decision is a PolicyMatch.

    `rules_version` counts changes of the rules: a match records the version it was decided by."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=100, help_text=_("e.g. 台州市黄岩区经济和信息化局"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True,
                                       help_text=_("e.g. 黄经信〔2026〕12号"))
    summary = models.TextField(_("summary"), max_length=4000)
    benefit = models.CharField(_("benefit"), max_length=300, blank=True,
                               help_text=_("What an eligible enterprise gets, e.g. 设备投资额10%补助，最高200万元"))
    url = models.URLField(_("link to the policy text"), max_length=500, blank=True)
    apply_by = models.DateField(_("apply by"), null=True, blank=True,
                                help_text=_("The last day to apply (Beijing time); empty: no deadline."))
    rules = models.JSONField(_("eligibility rules"), default=list)
    rules_version = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)
    matched_at = models.DateTimeField(_("last matched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Published and not past its last day: matched, and its eligible enterprises told."""
        return self.status == self.Status.PUBLISHED and (self.apply_by is None or self.apply_by >= timezone.localdate())


class PolicyMatch(ChangeTracked, BrainOwned):
    """One enterprise's eligibility for one policy, with the check of every rule as it was decided."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", _("eligible")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")
        UNDETERMINED = "undetermined", _("undetermined (data missing)")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches", verbose_name=_("policy"))
    enterprise = models.ForeignKey("tenants.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    checks = models.JSONField(_("checks"), default=list)
    rules_version = models.PositiveIntegerField(default=1)
    evaluated_at = models.DateTimeField(_("decided at"), default=timezone.now)
    notified_at = models.DateTimeField(_("told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")
        ordering = ["policy", "outcome", "enterprise__legal_name", "id"]
        constraints = [models.UniqueConstraint(fields=["brain", "policy", "enterprise"], name="policy_match_once")]
        indexes = [models.Index(fields=["brain", "policy", "outcome"], name="policy_match_by_outcome"),
                   models.Index(fields=["brain", "enterprise"], name="policy_match_by_enterprise")]

    def __str__(self) -> str:
        return f"{self.policy_id}:{self.enterprise_id}:{self.outcome}"
