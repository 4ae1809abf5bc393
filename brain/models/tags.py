"""Enterprise tags (产业打标): what brain.tagging's rules say of an enterprise in a brain."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import BrainOwned

__all__ = ["EnterpriseTag"]


class EnterpriseTag(BrainOwned):
    """A tag (产业打标) one of brain.tagging's rules gave an enterprise in this brain, with why and when.

    Rows are derived: brain.services.tags.enterprise_tags_recompute rewrites them from the enterprise file, so
    `evidence` (the values the rule saw) always matches the inputs of the last computation."""

    enterprise = models.ForeignKey("tenants.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    code = models.CharField(_("tag"), max_length=80)
    rule = models.CharField(_("rule"), max_length=40)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise tag")
        verbose_name_plural = _("enterprise tags")
        ordering = ["rule", "code"]
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise", "code"], name="enterprise_tag_once")]
        indexes = [models.Index(fields=["brain", "code"], name="enterprise_tag_by_code")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.code}"
