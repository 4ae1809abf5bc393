"""The sync engine: map and check rows, merge them into the global public records set-based, and run a source.

One batch is one transaction, in the source's brain: the good rows are COPY'd into a temporary staging table and
merged with one INSERT … ON CONFLICT DO UPDATE per round (a key sent twice in a batch is merged in arrival
order, one round per repeat), the bad rows are quarantined with their reason, and the run's counts and the
source's watermark move in the same transaction. So a worker killed mid-batch loses the batch whole, and the
re-run (which asks again from the watermark less the look-back) takes it again; every write is idempotent.

The merge rule lives in SQL (`ib_facts_merge`, migration brain 0001): per attribute, a value replaces the held
one only if it ranks higher by (priority, as-of, source id); a tombstone removes the values as of it or older
and fences off older values arriving later.
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from brain.models import DataSource, SyncRun
from brain.sync.adapters import SourceError, adapter_for
from tenants import credit_code as credit_codes
from tenants.context import brain_context
from tenants.outbox import event_record

logger = logging.getLogger("industry_brain.sync")

BATCH_SIZE = 5000
SHANGHAI = ZoneInfo("Asia/Shanghai")
TRUTHY = {"1", "true", "t", "y", "yes", "d", "deleted", "是", "已删除", "注销删除"}
LOCK_CLASS = 72_013  # pg advisory lock namespace: one sync run per source at a time
FAULTS_KEPT = 100

STAGE_DDL = """
CREATE TEMP TABLE IF NOT EXISTS brain_sync_stage (
    credit_code text NOT NULL, record_id text NOT NULL, round int NOT NULL, deleted bool NOT NULL,
    as_of timestamptz NOT NULL, facts jsonb NOT NULL
)"""

UPSERT = """
WITH merged AS (
    INSERT INTO brain_publicrecord AS r (credit_code, record_type, record_id, facts, first_seen_at, changed_at)
    SELECT s.credit_code, %(record_type)s, s.record_id, s.facts, now(), now()
      FROM brain_sync_stage s WHERE s.round = %(round)s AND NOT s.deleted
    ON CONFLICT (credit_code, record_type, record_id) DO UPDATE
       SET facts = ib_facts_merge(r.facts, excluded.facts, r.deleted_as_of), changed_at = now()
     WHERE ib_facts_merge(r.facts, excluded.facts, r.deleted_as_of) IS DISTINCT FROM r.facts
    RETURNING (r.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
"""

TOMBSTONE = """
WITH merged AS (
    INSERT INTO brain_publicrecord AS r (credit_code, record_type, record_id, facts, deleted_as_of, first_seen_at,
                                         changed_at)
    SELECT s.credit_code, %(record_type)s, s.record_id, '{}'::jsonb, s.as_of, now(), now()
      FROM brain_sync_stage s WHERE s.round = %(round)s AND s.deleted
    ON CONFLICT (credit_code, record_type, record_id) DO UPDATE
       SET deleted_as_of = excluded.deleted_as_of, changed_at = now(),
           facts = ib_facts_merge(r.facts, '{}'::jsonb, excluded.deleted_as_of)
     WHERE r.deleted_as_of IS NULL OR excluded.deleted_as_of > r.deleted_as_of
    RETURNING 1
)
SELECT count(*) FROM merged
"""

QUARANTINE = """
INSERT INTO brain_quarantinedrecord AS q (brain_id, source_id, run_id, reason_code, reason, position, credit_code,
    payload, fingerprint, status, times_seen, first_seen_at, last_seen_at, last_error)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'open', 1, now(), now(), '')
ON CONFLICT (brain_id, source_id, fingerprint) DO UPDATE
   SET times_seen = q.times_seen + 1, last_seen_at = now(), run_id = excluded.run_id
"""


class Rejected(Exception):
    def __init__(self, code: str, reason: str, credit_code: str = ""):
        super().__init__(reason)
        self.code, self.reason, self.credit_code = code, reason, credit_code


@dataclass(frozen=True, slots=True)
class Mapped:
    credit_code: str
    record_id: str
    as_of: datetime
    cursor: datetime | None
    deleted: bool
    attributes: dict


@dataclass
class BatchResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    max_cursor: datetime | None = None
    rejects: list = field(default_factory=list)


# --- Mapping and checks --------------------------------------------------------------------------------------


def parse_instant(value) -> datetime | None:
    """An as-of or cursor value as departments write them: ISO dates and times, 20260301, 2026/03/01; naive
    values are Beijing time. None when it is none of those."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("/", "-")
        if len(text) == 8 and text.isdigit():
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(UTC)


def map_row(mapping: dict, raw) -> Mapped:
    """Our record from a department's row, or Rejected with the reason."""
    if not isinstance(raw, dict):
        raise Rejected("not_an_object", _("The row is not an object with fields."))
    sent = raw.get(mapping["credit_code"])
    code = credit_codes.normalise(str(sent)) if sent not in (None, "") else ""
    if not code:
        raise Rejected("credit_code_missing", _("The row has no unified social credit code."))
    if not credit_codes.SHAPE.match(code):
        raise Rejected("credit_code_malformed",
                       _("“%(code)s” is not a unified social credit code: 18 characters of 0-9 and A-Z without "
                         "I, O, S, V, Z.") % {"code": code[:40]}, code)
    if credit_codes.check_character(code[:17]) != code[17]:
        raise Rejected("credit_code_check",
                       _("The check character of “%(code)s” is wrong (GB 32100-2015 gives %(expected)s).")
                       % {"code": code, "expected": credit_codes.check_character(code[:17])}, code)
    as_of = parse_instant(raw.get(mapping["as_of"]))
    if as_of is None:
        raise Rejected("as_of_invalid", _("The as-of date “%(value)s” is missing or not a date.")
                       % {"value": str(raw.get(mapping["as_of"], ""))[:40]}, code)
    cursor_field = mapping.get("cursor") or mapping["as_of"]
    cursor = as_of if cursor_field == mapping["as_of"] else parse_instant(raw.get(cursor_field))
    record_field = mapping.get("record_id")
    record_id = str(raw.get(record_field) or "").strip() if record_field else code
    if not record_id or len(record_id) > 100:
        raise Rejected("record_id_invalid", _("The record id is missing or longer than 100 characters."), code)
    deleted_field = mapping.get("deleted")
    deleted = bool(deleted_field) and str(raw.get(deleted_field, "")).strip().lower() in TRUTHY
    attributes = {}
    if not deleted:
        for ours, theirs in mapping["attributes"].items():
            value = raw.get(theirs)
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                continue  # not sent: the value we hold stands
            attributes[ours] = value
    return Mapped(code, record_id, as_of, cursor, deleted, attributes)


def facts_of(mapped: Mapped, *, source: DataSource) -> str:
    when = mapped.as_of.isoformat()
    authoritative, priority = source.authoritative_for, source.priority
    return json.dumps({name: {"v": value, "t": when, "s": source.pk, "p": priority if name in authoritative else 0}
                       for name, value in mapped.attributes.items()}, ensure_ascii=False, separators=(",", ":"))


def fingerprint(raw) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# --- One batch -----------------------------------------------------------------------------------------------


def records_merge(*, source: DataSource, rows: list[Mapped]) -> tuple[int, int, int, int]:
    """Merge mapped rows into the public records: (inserted, updated, unchanged, deleted). In the caller's
    transaction."""
    if not rows:
        return 0, 0, 0, 0
    seen: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(STAGE_DDL)
        cursor.execute("TRUNCATE brain_sync_stage")
        with cursor.cursor.copy("COPY brain_sync_stage (credit_code, record_id, round, deleted, as_of, facts) "
                                "FROM STDIN") as copy:
            for row in rows:
                key = (row.credit_code, row.record_id)
                seen[key] = round_ = seen.get(key, 0) + 1
                copy.write_row((row.credit_code, row.record_id, round_, row.deleted, row.as_of,
                                "{}" if row.deleted else facts_of(row, source=source)))
        inserted = updated = deleted = 0
        for round_ in range(1, max(seen.values()) + 1):
            params = {"record_type": source.record_type, "round": round_}
            cursor.execute(UPSERT, params)
            made, changed = cursor.fetchone()
            cursor.execute(TOMBSTONE, params)
            inserted, updated, deleted = inserted + made, updated + changed, deleted + cursor.fetchone()[0]
    return inserted, updated, len(rows) - inserted - updated - deleted, deleted


def quarantine_rows(*, source: DataSource, run_id: int | None, rejects: list[tuple[str, object, Rejected]]) -> None:
    if not rejects:
        return
    with connection.cursor() as cursor:
        cursor.executemany(QUARANTINE, [
            (source.brain_id, source.pk, run_id, error.code, error.reason[:500], position[:200], error.credit_code[:100],
             json.dumps(raw, ensure_ascii=False, default=str), fingerprint(raw))
            for position, raw, error in rejects])


def batch_apply(*, source: DataSource, run: SyncRun, rows: list[tuple[str, object]], advance_watermark: bool,
                faults: list) -> BatchResult:
    """Map, merge and quarantine one batch, and move the run's counts and the watermark: all in the caller's
    transaction (which must have the source's brain entered)."""
    result = BatchResult(read=len(rows))
    good, rejects = [], []
    mapping = source.mapping
    cursor_field = mapping.get("cursor") or mapping["as_of"]
    for position, raw in rows:
        try:
            mapped = map_row(mapping, raw)
        except Rejected as error:
            rejects.append((position, raw, error))
            # quarantined is handled too: its cursor counts, so the watermark does not stall on a bad last row
            cursor = parse_instant(raw.get(cursor_field)) if isinstance(raw, dict) else None
        else:
            good.append(mapped)
            cursor = mapped.cursor
        if cursor is not None and (result.max_cursor is None or cursor > result.max_cursor):
            result.max_cursor = cursor
    result.inserted, result.updated, result.unchanged, result.deleted = records_merge(source=source, rows=good)
    quarantine_rows(source=source, run_id=run.pk, rejects=rejects)
    result.rejected = len(rejects)
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(
        batches=F("batches") + 1, rows_read=F("rows_read") + result.read, inserted=F("inserted") + result.inserted,
        updated=F("updated") + result.updated, unchanged=F("unchanged") + result.unchanged,
        deleted=F("deleted") + result.deleted, rejected=F("rejected") + result.rejected, heartbeat_at=now,
        faults=faults[-FAULTS_KEPT:])
    if advance_watermark and result.max_cursor is not None:
        watermark_advance(source=source, run=run, to=result.max_cursor)
    return result


def watermark_advance(*, source: DataSource, run: SyncRun, to: datetime) -> None:
    """The watermark never moves back: GREATEST of what is held and `to`."""
    DataSource.objects.filter(pk=source.pk).update(watermark=Greatest(Coalesce(F("watermark"), to), to))
    SyncRun.objects.filter(pk=run.pk).update(watermark_to=Greatest(Coalesce(F("watermark_to"), to), to))


# --- A whole run ---------------------------------------------------------------------------------------------


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _try_lock(source_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, source_id])
        return cursor.fetchone()[0]


def _unlock(source_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, source_id])


def sync_run_execute(*, brain_id: int, source_id: int, run_id: int | None = None,
                     trigger: str = SyncRun.Trigger.SCHEDULE, batch_size: int = BATCH_SIZE,
                     client=None) -> SyncRun | None:
    """Run a source now: every row changed since the watermark less the look-back, batch by batch.

    One run per source at a time (a session advisory lock, which dies with a killed worker's connection); a
    run found `running` when the lock is free was a lost worker's and is marked abandoned. None when another
    run holds the source, or the source is gone.
    """
    if not _try_lock(source_id):
        return None
    try:
        run = _run_start(brain_id=brain_id, source_id=source_id, run_id=run_id, trigger=trigger)
        if run is None:
            return None
        source = run.source
        faults: list = []
        adapter = adapter_for(source, faults=faults, client=client)
        keep = None
        if not adapter.ordered and run.since is not None:
            keep = _newer_than(source.mapping, run.since)
        max_cursor = None
        try:
            for rows in chunked(adapter.rows(since=run.since, keep=keep), batch_size):
                with brain_context(brain_id):
                    result = batch_apply(source=source, run=run, rows=rows, advance_watermark=adapter.ordered,
                                         faults=faults)
                if result.max_cursor is not None and (max_cursor is None or result.max_cursor > max_cursor):
                    max_cursor = result.max_cursor
        except SourceError as exc:
            return _run_finish(run, status=SyncRun.Status.FAILED, error=str(exc), faults=faults)
        except Exception as exc:
            logger.exception("sync run %s failed", run.pk)
            _run_finish(run, status=SyncRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], faults=faults)
            raise
        return _run_finish(run, status=SyncRun.Status.SUCCEEDED, faults=faults,
                           watermark=None if adapter.ordered else max_cursor)
    finally:
        _unlock(source_id)


def _newer_than(mapping: dict, since: datetime):
    cursor_field = mapping.get("cursor") or mapping["as_of"]

    def keep(raw) -> bool:
        if not isinstance(raw, dict):
            return True
        cursor = parse_instant(raw.get(cursor_field))
        return cursor is None or cursor >= since  # unreadable: kept, so it is quarantined rather than lost

    return keep


def _run_start(*, brain_id, source_id, run_id, trigger) -> SyncRun | None:
    with brain_context(brain_id):
        source = DataSource.objects.in_brain(brain_id).select_for_update().filter(pk=source_id).first()
        if source is None:
            return None
        now = timezone.now()
        runs = SyncRun.objects.in_brain(brain_id).filter(source=source)
        asked = runs.filter(pk=run_id).first() if run_id else None
        lost = runs.filter(status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.ABANDONED, finished_at=now,
            error=_("The worker running it was lost; its durable batches are kept and the next run re-reads the rest."))
        if asked is not None and asked.status not in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING):
            return None  # a redelivered task of a run that has finished: nothing to do
        if asked is not None and asked.status == SyncRun.Status.RUNNING and lost:
            trigger, asked = asked.trigger, None  # its worker was killed: carry on in a new run
        queued = runs.filter(status=SyncRun.Status.QUEUED)
        run = asked or queued.order_by("queued_at", "id").first()
        if run is None:
            run = SyncRun(brain_id=brain_id, source=source, trigger=trigger, queued_at=now)
        run.source = source
        run.status, run.started_at, run.heartbeat_at = SyncRun.Status.RUNNING, now, now
        run.watermark_from = run.watermark_to = source.watermark
        run.since = source.watermark - timedelta(minutes=source.lookback_minutes) if source.watermark else None
        run.save()
        return run


def _run_finish(run: SyncRun, *, status: str, faults: list, error: str = "", watermark=None) -> SyncRun:
    with brain_context(run.brain_id):
        if watermark is not None:
            watermark_advance(source=run.source, run=run, to=watermark)
        SyncRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now(), error=error,
                                                 faults=faults[-FAULTS_KEPT:])
        run.refresh_from_db()
        event_record(brain_id=run.brain_id, name="sync.run_finished",
                     payload={"run": run.pk, "source": run.source_id, "status": status, "read": run.rows_read,
                              "rejected": run.rejected})
    return run
