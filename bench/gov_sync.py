"""Government-data sync at scale: N registry records (default 1,000,000) through the sync engine, against a plain
COPY of the same rows, then a re-run of the same data that changes nothing.

The rows are the fake registry's (brain.fake_registry, fixed seed, 1 in 1,000 with a broken credit code),
written once as a CSV file and synced by a file-drop source: the production adapter and engine, batch by
batch (5,000 rows a transaction). In the same run the CSV is COPY'd into a scratch table with the same columns,
the floor any import has to stand on. Then:

  1. first sync: every row new (inserted, or quarantined for its credit code);
  2. full re-run of the same data (watermark reset): every row read, mapped, merged, nothing written;
  3. incremental re-run (watermark kept): only the look-back window is read again;
  4. the HTTP adapter over N/10 rows from the fake registry in its own process (5,000 a page).

    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/gov_sync.py [N]
"""

import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _support import ROOT, django_setup, machine, scratch_database

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
BATCH = 5000


def main() -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection

    from brain import fake_registry
    from brain.models import PublicRecord
    from brain.services import sync as services
    from brain.sync.engine import sync_run_execute
    from tenants.context import brain_context
    from tenants.models import Brain, BrainStaff, User

    drop = Path(tempfile.mkdtemp(prefix="gov-bench-"))
    settings.GOV_DATA_DROP_DIR = drop
    (drop / "registry").mkdir()
    path = drop / "registry" / "qyjbxx.csv"
    fields = ["id", "tyshxydm", "qymc", "fddbr", "zczb", "clrq", "djzt", "zs", "hydm", "gxsj", "scbz"]
    started = time.perf_counter()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(fake_registry.iter_registry_rows(N, bad_every=1000))
    print(f"{N:,} rows generated and written as CSV ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s")

    with scratch_database("gov_sync"):
        print(machine())
        brain = Brain.objects.create(slug="bench-gov", name_zh="基准大脑", name_en="bench", sector="bench")
        operator = User.objects.create(username="bench-operator")
        with brain_context(brain.pk):
            BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)

        # The floor: COPY of the same CSV into a table of the same columns.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_copy (" + ", ".join(f"{f} text" for f in fields) + ")")
            started = time.perf_counter()
            with path.open("rb") as handle, cursor.cursor.copy(
                    "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            copy_seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_copy")

        source = services.data_source_create(
            brain=brain, by=operator, name="企业登记（基准）", kind="file_drop", department="market_regulation",
            record_type="registration", folder="registry", mapping=fake_registry.MAPPING,
            authoritative_for=["legal_name", "status", "legal_representative"], priority=50, interval_minutes=0)

        def timed_run(label):
            began = time.perf_counter()
            run = sync_run_execute(brain_id=brain.pk, source_id=source.pk, batch_size=BATCH)
            seconds = time.perf_counter() - began
            assert run.status == "succeeded" and run.reconciled, (run.status, run.error)
            print(f"{label}: {seconds:.1f} s, {run.rows_read / seconds:,.0f} rows/s — read {run.rows_read:,}, "
                  f"inserted {run.inserted:,}, updated {run.updated:,}, unchanged {run.unchanged:,}, "
                  f"rejected {run.rejected:,}, {run.batches} batches")
            return run, seconds

        first, first_seconds = timed_run("1. first sync")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE brain_publicrecord")
            cursor.execute("SELECT pg_total_relation_size('brain_publicrecord')")
            size = cursor.fetchone()[0]
        print(f"   COPY of the same rows: {copy_seconds:.1f} s ({N / copy_seconds:,.0f} rows/s); "
              f"ratio sync / COPY = {first_seconds / copy_seconds:.1f}×; public records {PublicRecord.objects.count():,}"
              f" ({size / 1e6:.0f} MB with indexes)")
        services.data_source_update(source=source, by=operator, reset_watermark=True)
        _again, again_seconds = timed_run("2. full re-run, same data")
        print(f"   ratio re-run / COPY = {again_seconds / copy_seconds:.1f}×")
        _incr, _ = timed_run("3. incremental re-run (watermark kept, 60 min look-back)")

        # 4. the HTTP adapter, against the fake registry in its own process
        http_rows = max(N // 10, 1000)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "brain.fake_registry", "--rows", str(http_rows), "--port",
                                   str(port), "--bad-every", "1000"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            server.stdout.readline()  # "fake registry at …": it is listening
            http = services.data_source_create(
                brain=brain, by=operator, name="企业登记（HTTP）", kind="http_json", department="market_regulation",
                record_type="registration", url=f"http://127.0.0.1:{port}{fake_registry.PATH}",
                token=fake_registry.TOKEN, mapping=fake_registry.MAPPING, options={"page_size": 5000, "timeout": 60},
                authoritative_for=["legal_name"], priority=40, interval_minutes=0)
            began = time.perf_counter()
            run = sync_run_execute(brain_id=brain.pk, source_id=http.pk, batch_size=BATCH)
            seconds = time.perf_counter() - began
            assert run.status == "succeeded" and run.reconciled, run.error
            print(f"4. HTTP adapter, {http_rows:,} rows ({run.rows_read // 5000 + 1} pages, already held: "
                  f"{run.unchanged:,} unchanged, {run.updated:,} updated): {seconds:.1f} s, "
                  f"{run.rows_read / seconds:,.0f} rows/s")
        finally:
            server.terminate()
            server.wait(10)
    os.remove(path)


if __name__ == "__main__":
    main()
