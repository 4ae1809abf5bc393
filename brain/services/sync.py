"""Writes of government-data sync that people and beat make: sources, runs asked for, quarantine decisions.

The sync itself is brain.sync.engine; these functions enter their brain, check who acts and record events.
"""

import json
from datetime import timedelta
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from brain.models import DataSource, QuarantinedRecord, SyncRun
from brain.sync import adapters
from brain.sync.engine import Rejected, map_row, records_merge
from tenants.access import brain_access
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.outbox import event_record

SOURCE_FIELDS = ("name", "kind", "department", "record_type", "url", "token", "folder", "options", "mapping",
                 "authoritative_for", "priority", "interval_minutes", "lookback_minutes", "enabled")
STALE_QUEUED = timedelta(minutes=10)
OPTION_RANGES = {"page_size": (1, 10_000), "timeout": (0.1, 600), "retries": (0, 10)}


def _require_operator(brain, by) -> None:
    """Operators are people of the brain company; an enterprise's API key never is one."""
    with brain_context(brain.pk):
        allowed = brain_access(user=by, brain=brain).is_operator
    if not allowed:
        raise NotAllowed(_("Only an operator of this brain may manage its government data."))


def _validate(values: dict) -> None:
    kind = values["kind"]
    if kind == DataSource.Kind.HTTP_JSON:
        parts = urlsplit(values.get("url") or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError(_("Give the department's API address, starting with https:// or http://."), field="url")
    elif kind == DataSource.Kind.FILE_DROP:
        folder = (values.get("folder") or "").strip()
        if not folder or adapters.drop_folder(folder) is None:
            raise DomainError(_("Give a folder inside the drop folder, e.g. “market-regulation/taizhou”."),
                              field="folder")
    else:
        raise DomainError(_("Unknown kind of source."), field="kind")
    mapping = values.get("mapping")
    if not isinstance(mapping, dict):
        raise DomainError(_("The field mapping must be an object."), field="mapping")
    for key in ("credit_code", "as_of"):
        if not isinstance(mapping.get(key), str) or not mapping[key]:
            raise DomainError(_("The field mapping must name the department's field for “%(key)s”.") % {"key": key},
                              field="mapping")
    for key in ("cursor", "record_id", "deleted"):
        if key in mapping and mapping[key] is not None and not isinstance(mapping[key], str):
            raise DomainError(_("“%(key)s” in the field mapping must be a field name.") % {"key": key}, field="mapping")
    attributes = mapping.get("attributes")
    if not isinstance(attributes, dict) or not attributes or not all(
            isinstance(k, str) and k and isinstance(v, str) and v for k, v in attributes.items()):
        raise DomainError(_("The field mapping must map at least one attribute: {\"legal_name\": \"qymc\", …}."),
                          field="mapping")
    unknown = sorted(set(values.get("authoritative_for") or ()) - set(attributes))
    if unknown:
        raise DomainError(_("Authoritative for attributes the mapping does not have: %(names)s.")
                          % {"names": ", ".join(unknown)}, field="authoritative_for")
    options = values.get("options") or {}
    if not isinstance(options, dict):
        raise DomainError(_("The options must be an object."), field="options")
    for key, (low, high) in OPTION_RANGES.items():
        if key in options and (not isinstance(options[key], int | float) or isinstance(options[key], bool)
                               or not low <= options[key] <= high):
            raise DomainError(_("The option “%(key)s” must be a number from %(low)s to %(high)s.")
                              % {"key": key, "low": low, "high": high}, field="options")
    for key, value in options.items():
        if key not in OPTION_RANGES and not isinstance(value, str):
            raise DomainError(_("The option “%(key)s” must be text.") % {"key": key}, field="options")
    for name in ("mapping", "options"):
        if "\\u0000" in json.dumps(values.get(name) or {}):
            raise DomainError(_("Text may not hold a NUL character."), field=name)


def data_source_create(*, brain, by, **fields) -> DataSource:
    """A new source in `brain`, due at once when it has a schedule."""
    _require_operator(brain, by)
    values = {"options": {}, "authoritative_for": [], "token": "", "url": "", "folder": "", **fields}
    _validate(values)
    with brain_context(brain.pk):
        if DataSource.objects.in_brain(brain).filter(name=values["name"]).exists():
            raise DomainError(_("This brain has a source of that name already."), code="duplicate", field="name")
        source = DataSource(brain=brain, created_by=by, **{k: v for k, v in values.items() if k in SOURCE_FIELDS})
        source.next_run_at = timezone.now() if source.interval_minutes else None
        source.full_clean(exclude=["brain", "created_by"])
        source.save()
        event_record(brain_id=brain.pk, name="sync.source_created", payload={"source": source.pk, "by": by.pk})
    return source


def data_source_update(*, source: DataSource, by, **fields) -> DataSource:
    """Change a source. Changing its kind, address, folder or mapping keeps the watermark: reset it to re-read."""
    brain = source.brain
    _require_operator(brain, by)
    with brain_context(brain.pk):
        source = DataSource.objects.in_brain(brain).select_for_update().get(pk=source.pk)
        values = {name: getattr(source, name) for name in SOURCE_FIELDS}
        values.update({k: v for k, v in fields.items() if k in SOURCE_FIELDS})
        _validate(values)
        if DataSource.objects.in_brain(brain).filter(name=values["name"]).exclude(pk=source.pk).exists():
            raise DomainError(_("This brain has a source of that name already."), code="duplicate", field="name")
        for name, value in values.items():
            setattr(source, name, value)
        if fields.get("reset_watermark"):
            source.watermark = None
        if "interval_minutes" in fields or "enabled" in fields:
            source.next_run_at = timezone.now() if source.interval_minutes else None
        source.full_clean(exclude=["brain", "created_by"])
        source.save()
        event_record(brain_id=brain.pk, name="sync.source_changed", payload={"source": source.pk, "by": by.pk})
    return source


def data_source_delete(*, source: DataSource, by) -> None:
    """Remove a source with its runs and quarantine; the public records it brought stay (they are facts)."""
    _require_operator(source.brain, by)
    with brain_context(source.brain_id):
        DataSource.objects.in_brain(source.brain_id).filter(pk=source.pk).delete()
        event_record(brain_id=source.brain_id, name="sync.source_deleted", payload={"source": source.pk, "by": by.pk})


def sync_run_request(*, source: DataSource, by=None, trigger: str = SyncRun.Trigger.MANUAL) -> SyncRun:
    """Queue a run of the source on queue `sync` (through the outbox, so a Redis outage delays it, never loses
    it). A run already queued is the one returned: asking twice runs once."""
    if by is not None:
        _require_operator(source.brain, by)
    with brain_context(source.brain_id):
        queued = SyncRun.objects.in_brain(source.brain_id).filter(source=source, status=SyncRun.Status.QUEUED).first()
        if queued is not None:
            return queued
        run = SyncRun.objects.create(brain_id=source.brain_id, source=source, trigger=trigger, requested_by=by)
        event_record(brain_id=source.brain_id, name="sync.run_requested", payload={"run": run.pk, "source": source.pk})
    return run


def sync_runs_queue_due(*, now=None) -> int:
    """Beat: queue a run of every enabled source whose interval is up, and re-send runs queued long ago whose task
    was lost. Cross-brain (every brain's sources), audited."""
    now = now or timezone.now()
    queued = 0
    with cross_brain(reason="government-data sync schedule"):
        due = DataSource.objects.select_for_update(skip_locked=True).filter(
            enabled=True, interval_minutes__gt=0, next_run_at__lte=now)
        for source in due:
            source.next_run_at = now + timedelta(minutes=source.interval_minutes)
            source.save(update_fields=["next_run_at"])
            sync_run_request(source=source, trigger=SyncRun.Trigger.SCHEDULE)
            queued += 1
        stale = SyncRun.objects.filter(status=SyncRun.Status.QUEUED, queued_at__lt=now - STALE_QUEUED)
        for run in stale:
            event_record(brain_id=run.brain_id, name="sync.run_requested", payload={"run": run.pk, "source": run.source_id})
    return queued


def quarantined_record_retry(*, record: QuarantinedRecord, by, credit_code: str | None = None) -> QuarantinedRecord:
    """Take a quarantined row again through the source's current mapping, with the credit code corrected if
    one is given. Applied by the same merge as a sync; refused with the reason if the row is still bad."""
    _require_operator(record.brain, by)
    with brain_context(record.brain_id):
        record = QuarantinedRecord.objects.in_brain(record.brain_id).select_for_update().select_related("source").get(
            pk=record.pk)
        if record.status != QuarantinedRecord.Status.OPEN:
            raise DomainError(_("This row is no longer in quarantine."), code="not_open")
        source = record.source
        raw = record.payload
        if credit_code:
            if not isinstance(raw, dict):
                raise DomainError(_("The row is not an object with fields."), code="not_an_object")
            raw = {**raw, source.mapping["credit_code"]: credit_code}
        try:
            mapped = map_row(source.mapping, raw)
        except Rejected as error:
            record.last_error = error.reason[:500]
            record.save(update_fields=["last_error"])
            raise DomainError(error.reason, code=error.code, field="credit_code" if credit_code else None) from None
        records_merge(source=source, rows=[mapped])
        record.status, record.resolved_at, record.resolved_by, record.last_error = (
            QuarantinedRecord.Status.RESOLVED, timezone.now(), by, "")
        record.save(update_fields=["status", "resolved_at", "resolved_by", "last_error"])
        event_record(brain_id=record.brain_id, name="sync.quarantine_resolved",
                     payload={"record": record.pk, "source": source.pk, "by": by.pk})
    return record


def quarantined_record_dismiss(*, record: QuarantinedRecord, by) -> QuarantinedRecord:
    """Leave a bad row out for good (it stays listed as dismissed, and is not reopened when sent again)."""
    _require_operator(record.brain, by)
    with brain_context(record.brain_id):
        changed = QuarantinedRecord.objects.in_brain(record.brain_id).filter(
            Q(pk=record.pk), Q(status=QuarantinedRecord.Status.OPEN)).update(
            status=QuarantinedRecord.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=by)
        if not changed:
            raise DomainError(_("This row is no longer in quarantine."), code="not_open")
        event_record(brain_id=record.brain_id, name="sync.quarantine_dismissed",
                     payload={"record": record.pk, "by": by.pk})
        return QuarantinedRecord.objects.in_brain(record.brain_id).get(pk=record.pk)
