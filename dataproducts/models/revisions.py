"""Revisions of a data product: each build is a revision with its lineage; once published it is immutable (a
database trigger says so), and a correction is a new revision that names the one it corrects."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dataproducts.models.products import DataProduct
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Contribution", "Revision", "RevisionRow"]


class Revision(ChangeTracked, BrainOwned):
    """One build of a product over a time range. Rows are what passed the privacy rule (dataproducts.privacy)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("revision status", "draft")
        PUBLISHED = "published", pgettext_lazy("revision status", "published")
        WITHDRAWN = "withdrawn", pgettext_lazy("revision status", "withdrawn")  # superseded by a correction

    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    period_from = models.DateField(_("data from"))
    period_to = models.DateField(_("data until"))  # inclusive
    # Lineage: the definition's version and code commit, the tables read, the parameters and the privacy rule used.
    definition_version = models.CharField(_("definition version"), max_length=20)
    code_version = models.CharField(_("code version"), max_length=40, blank=True)
    lineage = models.JSONField(_("lineage"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("corrects"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    suppressed_count = models.PositiveIntegerField(_("cells suppressed"), default=0)
    enterprise_count = models.PositiveIntegerField(_("enterprises behind it"), default=0)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="revision_number_unique_in_product"),
            models.CheckConstraint(name="revision_period_ordered", condition=models.Q(period_from__lte=models.F("period_to"))),
        ]


class RevisionRow(BrainOwned):
    """One published output row. `dimensions` and `measures` follow the definition's fields; the remainder row holds
    every cell the privacy rule suppressed, pooled (its dimensions are empty)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    dimensions = models.JSONField(default=dict)
    measures = models.JSONField(default=dict)
    is_remainder = models.BooleanField(default=False)
    enterprises = models.PositiveIntegerField()  # distinct credit codes behind the row

    class Meta:
        ordering = ["revision", "position"]
        constraints = [models.UniqueConstraint(fields=["revision", "position"], name="revision_row_position_unique")]


class Contribution(BrainOwned):
    """What a revision published from one enterprise's data: each contributor can see it (and opt out next time)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="contributions")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    records = models.PositiveIntegerField(_("records used"))
    cells = models.PositiveIntegerField(_("published cells it fed"))
    suppressed_cells = models.PositiveIntegerField(_("suppressed cells it fed"))
    # Published row position → [records, weight]: what the next revision's differencing check compares against
    # (dataproducts.privacy). Never shown to anyone but the enterprise itself.
    row_shares = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["revision", "enterprise"], name="contribution_once_per_revision")]
