"""Run one government-data source now, in this process (what a `sync` worker does for a queued run)."""

from django.core.management.base import BaseCommand, CommandError

from brain.models import DataSource
from brain.sync.engine import BATCH_SIZE, sync_run_execute
from tenants.context import cross_brain


class Command(BaseCommand):
    help = "Sync one government-data source now: python manage.py brain_sync <source id>"

    def add_arguments(self, parser):
        parser.add_argument("source_id", type=int)
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, source_id, batch_size, **options):
        with cross_brain(reason="brain_sync command: find the source's brain"):
            brain_id = DataSource.objects.filter(pk=source_id).values_list("brain_id", flat=True).first()
        if brain_id is None:
            raise CommandError(f"no source {source_id}")
        run = sync_run_execute(brain_id=brain_id, source_id=source_id, batch_size=batch_size,
                               trigger="manual")
        if run is None:
            raise CommandError("another run holds this source")
        self.stdout.write(f"run {run.pk} {run.status}: read {run.rows_read}, inserted {run.inserted}, updated "
                          f"{run.updated}, unchanged {run.unchanged}, deleted {run.deleted}, rejected {run.rejected}"
                          + (f" — {run.error}" if run.error else ""))
