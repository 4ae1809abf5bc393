"""Public government data: sources a brain's operators configure (tenant-owned), the runs that sync them and
the rows they quarantined (tenant-owned), and the records themselves (global: a registry fact is the same in
every brain).

How a sync works is in brain/sync/engine.py and docs/government-data.md.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.models import BrainOwned, User

__all__ = ["DataSource", "Department", "PublicRecord", "QuarantinedRecord", "RecordType", "SyncRun"]


class Department(models.TextChoices):
    MARKET_REGULATION = "market_regulation", _("market regulation administration")
    TAX = "tax", _("tax bureau")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("intellectual property office")
    ECOLOGY_ENVIRONMENT = "ecology_environment", _("ecology and environment bureau")
    EMERGENCY_MANAGEMENT = "emergency_management", _("emergency management bureau")
    OTHER = "other", _("other department")


class RecordType(models.TextChoices):
    REGISTRATION = "registration", _("business registration")
    TAX_CREDIT = "tax_credit", _("tax credit rating")
    PATENT = "patent", _("patent")
    ENVIRONMENT = "environment", _("environmental record")
    SAFETY = "safety", _("work safety record")


class DataSource(BrainOwned):
    """Where one department's records come from, how their fields map to ours, and when to fetch them.

    `mapping`: {"credit_code": <their field>, "as_of": <field>, "cursor": <field, default as_of>,
    "record_id": <field, default the credit code>, "deleted": <field, optional>,
    "attributes": {<our attribute>: <their field>, …}}.
    `options` (HTTP): path, page_size, page_param, size_param, since_param, list_path, total_path, timeout,
    retries. `authoritative_for` names the attributes this source ranks `priority` for; on the others it ranks 0.
    """

    class Kind(models.TextChoices):
        HTTP_JSON = "http_json", _("HTTP JSON API (paged, with a token)")
        FILE_DROP = "file_drop", _("CSV or JSON files dropped into a folder")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=30, choices=Department.choices)
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType.choices)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    token = models.CharField(_("access token"), max_length=500, blank=True)
    folder = models.CharField(_("folder"), max_length=200, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    mapping = models.JSONField(_("field mapping"), default=dict)
    authoritative_for = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                                   verbose_name=_("authoritative for"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=10,
                                                validators=[MinValueValidator(1), MaxValueValidator(100)])
    interval_minutes = models.PositiveIntegerField(_("every (minutes)"), default=1440,
                                                   help_text=_("0: only when run by hand."))
    lookback_minutes = models.PositiveIntegerField(_("look-back (minutes)"), default=60)
    enabled = models.BooleanField(_("enabled"), default=True)
    watermark = models.DateTimeField(_("watermark"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brain", "name"], name="data_source_name_unique_in_brain")]
        indexes = [models.Index(fields=["next_run_at"], name="data_source_due",
                                condition=models.Q(enabled=True, interval_minutes__gt=0))]

    def __str__(self) -> str:
        return self.name

    def priority_of(self, attribute: str) -> int:
        return self.priority if attribute in self.authoritative_for else 0


class SyncRun(BrainOwned):
    """One pass over a source. Its counts are written with each batch, so they are what is durable."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        ABANDONED = "abandoned", _("abandoned (worker lost)")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        MANUAL = "manual", _("by hand")

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    watermark_from = models.DateTimeField(_("watermark before"), null=True, blank=True)
    since = models.DateTimeField(_("asked for changes since"), null=True, blank=True)
    watermark_to = models.DateTimeField(_("watermark after"), null=True, blank=True)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    inserted = models.PositiveIntegerField(_("inserted"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    faults = models.JSONField(_("faults retried"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["source", "-queued_at"], name="sync_run_recent")]

    def __str__(self) -> str:
        return f"{self.source_id}#{self.pk}"

    @property
    def reconciled(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.rows_read == self.inserted + self.updated + self.unchanged + self.deleted + self.rejected


class QuarantinedRecord(BrainOwned):
    """A row a source sent that we could not take, kept with the reason until it is re-tried or dismissed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quarantined row", "open")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="quarantine",
                               verbose_name=_("source"))
    run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="quarantine",
                            verbose_name=_("run"))
    reason_code = models.CharField(_("reason code"), max_length=40)
    reason = models.CharField(_("reason"), max_length=500)
    position = models.CharField(_("position"), max_length=200, blank=True)
    credit_code = models.CharField(_("credit code as sent"), max_length=100, blank=True)
    payload = models.JSONField(_("row as sent"))
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_error = models.CharField(_("last re-try error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quarantined record")
        verbose_name_plural = _("quarantined records")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            # A row read again (look-back, a re-run after a kill) is the same quarantined row, seen once more.
            models.UniqueConstraint(fields=["brain", "source", "fingerprint"], name="quarantine_row_once_per_source"),
        ]


class PublicRecord(models.Model):
    """One government record about one enterprise, global: keyed by (credit code, record type, record id).

    `facts` holds each attribute with its provenance: {attribute: {"v": value, "t": as-of, "s": source id,
    "p": priority}}. A value replaces the held one only if it ranks higher by (priority, as-of), so records
    arriving out of order are safe. `deleted_as_of` is the latest tombstone: it removes every value as of it
    or older, and values as of it or older that arrive later are ignored. Written only by brain.sync.engine.
    """

    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType.choices)
    record_id = models.CharField(_("record id"), max_length=100)
    facts = models.JSONField(_("facts"), default=dict)
    deleted_as_of = models.DateTimeField(_("deleted as of"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("public record")
        verbose_name_plural = _("public records")
        constraints = [models.UniqueConstraint(fields=["credit_code", "record_type", "record_id"],
                                               name="public_record_key")]
        # Tags and policy matches follow the records a run changed: found by `changed_at` after each run.
        indexes = [models.Index(fields=["changed_at"], name="public_record_changed")]

    def __str__(self) -> str:
        return f"{self.credit_code}/{self.record_type}/{self.record_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_as_of is not None and not self.facts

    @property
    def values(self) -> dict:
        return {name: fact["v"] for name, fact in self.facts.items()}
