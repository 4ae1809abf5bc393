"""BOM import of a generated 10,000-row BOM through capacity.services.projects.bom_import, against a
plain PostgreSQL COPY of the same CSV into a scratch table with the same columns, in the same run.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/bom_import.py

Each timed round imports the file into a fresh project and then COPYs it (paired, so drift on a shared
machine hits both alike); the ratio is import time / COPY time. Also reported: where the import's time
goes (parsing, validation, time inside SQL statements, the rest = Python/ORM), a re-import of the same
file (changes nothing) right after the import and again after ANALYZE, and the same rows as XLSX.
"""

import csv
import io
import random
import sys
import time
from datetime import date, timedelta

from _support import MOULD_PROCESSES, django_setup, machine, make_brain, measure, median, scratch_database, spread

ROWS = 10_000
ROUNDS = 5
SEED = 10_000

COPY_TABLE = """
CREATE TABLE bench_bom_copy (
    part_no varchar(60), name varchar(200), parent_no varchar(60), quantity integer, material varchar(30),
    length_mm numeric(9, 2), width_mm numeric(9, 2), height_mm numeric(9, 2), weight_kg numeric(10, 3),
    processes text, hardness varchar(30), tolerance_mm numeric(6, 4), surface_ra numeric(6, 3),
    standard_part boolean, due_date date, remarks varchar(500)
)"""
HEADER = ["part_no", "name", "parent_no", "quantity", "material", "length_mm", "width_mm", "height_mm", "weight_kg",
          "processes", "hardness", "tolerance_mm", "surface_ra", "standard_part", "due_date", "remarks"]


def generate(rows: int = ROWS) -> list[list]:
    """A mould-like tree: 1 root, 40 assemblies, 160 sub-assemblies, the rest parts with 2–6 processes."""
    rng = random.Random(SEED)
    materials = ["P20", "718H", "NAK80", "S136", "H13", "SKD11", "45#", "Cr12MoV", "SKD61", "SUJ2"]
    table = [["B-000000", "总装", "", 1, "", "", "", "", "", "ASSY;TRIAL", "", "", "", "no", "", ""]]
    assemblies = [f"B-A{n:04d}" for n in range(40)]
    subs = [f"B-S{n:04d}" for n in range(160)]
    for number in assemblies:
        table.append([number, f"部件 {number}", "B-000000", 1, "", "", "", "", "", "ASSY", "", "", "", "no", "", ""])
    for n, number in enumerate(subs):
        table.append([number, f"组件 {number}", assemblies[n % 40], 1, "", "", "", "", "", "ASSY", "", "", "", "no",
                      "", ""])
    due = date(2026, 12, 31)
    while len(table) < rows:
        n = len(table)
        length, width, height = (rng.randint(10, 900), rng.randint(10, 600), rng.randint(5, 300))
        routing = ["CUT"] + rng.sample(MOULD_PROCESSES[1:12], rng.randint(1, 5))
        table.append([
            f"B-{n:06d}", f"零件 {n}", rng.choice(subs), rng.choice([1, 1, 1, 2, 4, 10, 24]), rng.choice(materials),
            length, width, height, f"{length * width * height * 7.85e-6:.3f}", ";".join(routing),
            rng.choice(["", "HRC48-52", "HRC58-60", "HB170-220"]), rng.choice(["0.01", "0.02", "0.005", ""]),
            rng.choice(["0.4", "0.8", "1.6", ""]), rng.choice(["no", "no", "no", "yes"]),
            (due - timedelta(days=rng.randint(0, 60))).isoformat(), "" if rng.random() < 0.8 else "注意倒角",
        ])
    return table


def as_csv(table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(table)
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    django_setup()
    from django.db import connection, transaction

    from capacity import bom
    from capacity.models import Operation, Part
    from capacity.services import projects
    from tenants.context import brain_context

    table = generate()
    content = as_csv(table)
    xlsx = bom.write_xlsx([dict(zip(HEADER, row)) for row in table], chinese_headers=False)
    print(f"machine: {machine()}")
    print(f"BOM: {len(table)} rows, CSV {len(content) / 1e6:.2f} MB, XLSX {len(xlsx) / 1e6:.2f} MB")

    with scratch_database("bom"):
        brain, buyer = make_brain("bench-bom", MOULD_PROCESSES)
        with connection.cursor() as cursor:
            cursor.execute(COPY_TABLE)
        counter = iter(range(1, 1000))

        def new_project():
            return projects.project_create(brain=brain, by=buyer, code=f"BENCH-{next(counter)}", name="10k BOM")

        def do_import(project, data=content, filename="bom.csv"):
            report = projects.bom_import(project=project, by=buyer, content=data, filename=filename)
            assert report.ok, report.errors[:3]
            return report

        def do_copy():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE bench_bom_copy")
            started = time.perf_counter()
            with transaction.atomic():
                raw = connection.connection  # psycopg 3
                with raw.cursor() as cursor:
                    with cursor.copy("COPY bench_bom_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                        copy.write(content)
            return time.perf_counter() - started

        sql_time = [0.0]

        def timing(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_time[0] += time.perf_counter() - started

        # Warm-up, then paired rounds: import into a fresh project, COPY the same bytes, re-import twice.
        do_import(new_project())
        do_copy()
        imports, in_sql, copies, reimports, analysed, stale, last = [], [], [], [], [], [], None
        for _ in range(ROUNDS):
            last = new_project()
            sql_time[0] = 0.0
            started = time.perf_counter()
            with connection.execute_wrapper(timing):
                report = do_import(last)
            imports.append(time.perf_counter() - started)
            in_sql.append(sql_time[0])
            assert report.created == ROWS
            copies.append(do_copy())
            # As a buyer would: straight away, with whatever statistics autovacuum has gathered so far.
            with connection.cursor() as cursor:
                cursor.execute("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'capacity_operation'")
                unanalysed = cursor.fetchone()[0]
            started = time.perf_counter()
            again = do_import(last)
            reimports.append(time.perf_counter() - started)
            stale.append((unanalysed, reimports[-1]))
            assert again.created == 0 and again.updated == 0
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE capacity_part; ANALYZE capacity_operation")
            started = time.perf_counter()
            do_import(last)
            analysed.append(time.perf_counter() - started)
        with brain_context(brain.pk):
            parts = Part.objects.filter(project=last).count()
            operations = Operation.objects.filter(part__project=last).count()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_bom_copy")
            copied = cursor.fetchone()[0]
        assert parts == copied == ROWS
        # Where the import's time goes (the pure steps timed alone, same process, same file).
        processes = projects._process_lookup(brain)
        parse = measure(lambda: bom.read_table(content, "bom.csv"))
        parsed = bom.read_table(content, "bom.csv")
        validate = measure(lambda: bom.validate(parsed, processes=processes, existing_parents={}))
        parse_xlsx = measure(lambda: bom.read_table(xlsx, "bom.xlsx"), runs=3)
        xlsx_imports = measure(lambda: do_import(new_project(), xlsx, "bom.xlsx"), runs=3, warmup=0)

    ratios = sorted(i / c for i, c in zip(imports, copies))
    print()
    print(f"bom_import CSV, {ROWS} rows ({operations} operations): {spread(imports)} "
          f"→ {ROWS / median(imports):,.0f} rows/s")
    print(f"COPY of the same CSV into a scratch table: {spread(copies)} → {ROWS / median(copies):,.0f} rows/s")
    print(f"ratio import / COPY, per paired round: median {median(ratios):.1f}× (min {ratios[0]:.1f}, "
          f"max {ratios[-1]:.1f})")
    print(f"re-import of the same file (no change), right after the import: {spread(reimports)}")
    print("  (rows of capacity_operation changed since its last analyze, seconds) per round: "
          + ", ".join(f"({rows}, {seconds:.2f})" for rows, seconds in stale))
    print(f"re-import of the same file (no change), after ANALYZE: {spread(analysed)}")
    print(f"  import: read_table (CSV parse) alone {spread(parse)}")
    print(f"  import: validate alone {spread(validate)}")
    print(f"  import: inside SQL statements {spread(in_sql)}")
    rest = median(imports) - median(parse) - median(validate) - median(in_sql)
    print(f"  import: the rest (Python/ORM building rows and statements) ≈ {rest * 1000:.0f} ms")
    print(f"bom_import XLSX, {ROWS} rows: {spread(xlsx_imports)} → {ROWS / median(xlsx_imports):,.0f} rows/s; "
          f"read_table XLSX alone {spread(parse_xlsx)}")


if __name__ == "__main__":
    sys.exit(main())
