"""Reads of government-data sync: sources, runs, the quarantine (tenant-owned, `brain=`), and public records
(global: the same in every brain)."""

from django.db.models import QuerySet

from brain.models import DataSource, PublicRecord, QuarantinedRecord, SyncRun


def data_source_list(*, brain, viewer) -> QuerySet[DataSource]:
    """The brain's sources: its operators' to see (their tokens and folders are the brain's business only)."""
    if not viewer.is_operator:
        return DataSource.objects.none()
    return DataSource.objects.in_brain(brain).order_by("name", "id")


def sync_run_list(*, brain, viewer, source_id: int | None = None) -> QuerySet[SyncRun]:
    if not viewer.is_operator:
        return SyncRun.objects.none()
    runs = SyncRun.objects.in_brain(brain).select_related("source").order_by("-queued_at", "-id")
    return runs.filter(source_id=source_id) if source_id else runs


def quarantined_record_list(*, brain, viewer, status: str | None = QuarantinedRecord.Status.OPEN,
                            source_id: int | None = None) -> QuerySet[QuarantinedRecord]:
    if not viewer.is_operator:
        return QuarantinedRecord.objects.none()
    records = QuarantinedRecord.objects.in_brain(brain).select_related("source").order_by("-last_seen_at", "-id")
    if status:
        records = records.filter(status=status)
    return records.filter(source_id=source_id) if source_id else records


def public_records_of(*, credit_code: str, record_type: str | None = None,
                      include_deleted: bool = False) -> list[PublicRecord]:
    """What the government says about one enterprise (global: the same in every brain)."""
    records = PublicRecord.objects.filter(credit_code=credit_code).order_by("record_type", "record_id")
    if record_type:
        records = records.filter(record_type=record_type)
    return [r for r in records if include_deleted or not r.is_deleted]
