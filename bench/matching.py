"""Matching: capacity.matching.rank on 500 RFQ lines against 3,000 generated suppliers (a pure function),
then the full capacity.services.matching.matching_run on the same data stored in a scratch database.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/matching.py

The suppliers are made of process families (machining, EDM/wire, heat treatment, finishing, assembly),
with 0–6 machines each, so whole-part lines match the shops that cover their routing and single
operations match the specialists, as in a mould cluster. Same data in both parts: the database run must
find exactly the matches the pure run found.
"""

import csv
import io
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal

from _support import MOULD_PROCESSES, django_setup, machine, make_brain, measure, median, scratch_database, spread

LINES = 500
SUPPLIERS = 3_000
SEED = 3_000
FAMILIES = [["CUT", "TURN", "CNC", "DRILL", "DEEP", "GRIND"], ["WEDM", "EDM", "DRILL"], ["HT", "NITR"],
            ["POLISH", "TEXT"], ["ASSY", "TRIAL"]]
MATERIALS = ["P20", "718H", "NAK80", "S136", "H13", "SKD11", "45#", "CR12MOV", "SKD61", "SUJ2"]
TOLERANCES = [Decimal(t) for t in ("0.002", "0.005", "0.01", "0.02", "0.05")]


def generate():
    """(suppliers, lines) as plain dicts, process codes not ids: the pure and the database run share them."""
    rng = random.Random(SEED)
    suppliers = []
    for n in range(SUPPLIERS):
        codes = set()
        for family in rng.sample(FAMILIES, rng.choice([1, 1, 1, 2])):
            codes.update(rng.sample(family, max(1, round(len(family) * rng.uniform(0.6, 1.0)))))
        free = {code: Decimal(rng.choice([0, 8, 16, 24, 40, 60, 80])) for code in sorted(codes)}
        machines = []
        for _ in range(rng.randint(0, 6)):
            envelope = sorted((rng.randint(300, 2500), rng.randint(200, 1500), rng.randint(150, 900)), reverse=True)
            machines.append({"process": rng.choice(sorted(codes)), "envelope": tuple(envelope),
                             "max_weight_kg": Decimal(rng.choice([200, 500, 1000, 3000, 8000])),
                             "tolerance_mm": rng.choice(TOLERANCES)})
        materials = [] if rng.random() < 0.2 else sorted(rng.sample(MATERIALS, rng.randint(3, 10)))
        suppliers.append({"n": n, "free": free, "machines": machines, "materials": materials})
    lines = []
    for n in range(LINES):
        family = rng.choices(FAMILIES, weights=[6, 3, 2, 1, 0.3])[0]
        routing = rng.sample(family, min(len(family), rng.randint(1, 4)))
        single = rng.random() < 0.4
        dims = sorted((rng.randint(20, 1200), rng.randint(10, 800), rng.randint(5, 400)), reverse=True)
        lines.append({
            "n": n, "routing": routing, "single": routing[0] if single else None,
            "dims": [Decimal(d) for d in dims], "weight_kg": Decimal(dims[0] * dims[1] * dims[2]) * Decimal("7.85e-6"),
            "tolerance_mm": rng.choice(TOLERANCES[1:] + [None]), "material": rng.choice(MATERIALS),
        })
    return suppliers, lines


def pure_specs(suppliers, lines, process_ids):
    from capacity.matching import LineSpec, MachineSpec, SupplierSpec

    supplier_specs = [SupplierSpec(
        enterprise=s["n"], free_hours={process_ids[c]: h for c, h in s["free"].items()},
        machines=[MachineSpec(process=process_ids[m["process"]], envelope=m["envelope"],
                              max_weight_kg=m["max_weight_kg"], tolerance_mm=m["tolerance_mm"]) for m in s["machines"]],
        materials=frozenset(s["materials"])) for s in suppliers]
    line_specs = [LineSpec(
        line=l["n"], processes=(process_ids[l["single"]],) if l["single"] else tuple(process_ids[c] for c in l["routing"]),
        dimensions=tuple(l["dims"]), weight_kg=l["weight_kg"].quantize(Decimal("0.001")),
        tolerance_mm=l["tolerance_mm"], material=l["material"]) for l in lines]
    return supplier_specs, line_specs


def summary(ranked) -> str:
    matches = sum(len(m) for m in ranked.values())
    served = sum(1 for m in ranked.values() if m)
    suppliers = len({match.supplier for m in ranked.values() for match in m})
    return (f"{matches:,} matches, {served}/{len(ranked)} lines with at least one, "
            f"{suppliers:,} distinct suppliers matched")


def main() -> None:
    django_setup()
    from capacity import matching as pure
    from django.db import connection
    from django.utils import timezone

    from capacity.models import Invitation, Machine, Part, Rfq, SupplierCapacity, SupplierProfile
    from capacity.services import matching, projects, rfqs
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Enterprise, Membership, Process

    print(f"machine: {machine()}")
    suppliers, lines = generate()

    # 1. The pure function, process ids 1..14.
    ids = {code: index + 1 for index, code in enumerate(MOULD_PROCESSES)}
    supplier_specs, line_specs = pure_specs(suppliers, lines, ids)
    ranked = pure.rank(line_specs, supplier_specs)
    pure_times = measure(lambda: pure.rank(line_specs, supplier_specs), runs=7)
    print(f"\nrank(): {LINES} lines × {SUPPLIERS} suppliers: {spread(pure_times)}; {summary(ranked)}")

    # 2. The full service on the same data in a scratch database.
    with scratch_database("matching"):
        brain, buyer = make_brain("bench-matching", MOULD_PROCESSES)
        with brain_context(brain.pk):
            process = {p.code: p for p in Process.objects.in_brain(brain)}
        started = time.perf_counter()
        enterprises = Enterprise.objects.bulk_create(
            Enterprise(credit_code=demo_credit_code(2_000_000 + s["n"], "331003"), legal_name=f"供应商 {s['n']:04d}",
                       region_code="331003") for s in suppliers)
        with brain_context(brain.pk):
            Membership.objects.bulk_create(Membership(brain=brain, enterprise=e, roles=["supplier"],
                                                      status=Membership.Status.ACTIVE) for e in enterprises)
            profiles = SupplierProfile.objects.bulk_create(
                SupplierProfile(brain=brain, enterprise=e, materials=s["materials"])
                for e, s in zip(enterprises, suppliers))
            SupplierCapacity.objects.bulk_create(
                SupplierCapacity(brain=brain, profile=p, process=process[code], weekly_free_hours=hours)
                for p, s in zip(profiles, suppliers) for code, hours in s["free"].items())
            Machine.objects.bulk_create(
                Machine(brain=brain, profile=p, process=process[m["process"]], machine_type="机床",
                        envelope_x_mm=m["envelope"][0], envelope_y_mm=m["envelope"][1], envelope_z_mm=m["envelope"][2],
                        max_weight_kg=m["max_weight_kg"], tolerance_mm=m["tolerance_mm"])
                for p, s in zip(profiles, suppliers) for m in s["machines"])
        project = projects.project_create(brain=brain, by=buyer, code="BENCH-MATCH", name="matching")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["part_no", "name", "quantity", "material", "length_mm", "width_mm", "height_mm", "weight_kg",
                         "tolerance_mm", "processes"])
        for l in lines:
            writer.writerow([f"P{l['n']:04d}", f"零件 {l['n']}", 1, l["material"], *l["dims"],
                             l["weight_kg"].quantize(Decimal("0.001")), l["tolerance_mm"] or "", ";".join(l["routing"])])
        report = projects.bom_import(project=project, by=buyer, content=buffer.getvalue().encode(), filename="b.csv")
        assert report.ok, report.errors[:3]
        with brain_context(brain.pk):
            parts = {p.part_no: p for p in Part.objects.in_brain(brain).filter(project=project)
                     .prefetch_related("operations__process")}
        rfq_lines = []
        for l in lines:
            part = parts[f"P{l['n']:04d}"]
            operation = next((o.pk for o in part.operations.all() if o.process.code == l["single"]), None)
            rfq_lines.append({"part": part.pk, "operation": operation})
        rfq = rfqs.rfq_create(project=project, by=buyer, title="bench", deadline=timezone.now() + timedelta(days=3),
                              lines=rfq_lines)
        rfqs.rfq_publish(rfq=rfq, by=buyer)
        print(f"stored {SUPPLIERS} suppliers and {LINES} lines in {time.perf_counter() - started:.1f} s")

        def clear():
            with brain_context(brain.pk):
                Invitation.objects.in_brain(brain).filter(rfq=rfq).delete()

        def run():
            with brain_context(brain.pk):
                return matching.matching_run(brain_id=rfq.brain_id, rfq_id=rfq.pk)

        with brain_context(brain.pk):
            stored_rfq = Rfq.objects.get(pk=rfq.pk)
            line_load = measure(lambda: matching.line_specs(stored_rfq))
            supplier_load = measure(lambda: matching.supplier_specs(brain.pk, exclude=buyer.enterprise_id))
            db_lines = matching.line_specs(stored_rfq)
            db_suppliers = matching.supplier_specs(brain.pk, exclude=buyer.enterprise_id)
            db_rank = measure(lambda: pure.rank(db_lines, db_suppliers))
            db_ranked = pure.rank(db_lines, db_suppliers)
        first = measure(run, before=clear)
        rerun = measure(run)
        invited = run()
        with brain_context(brain.pk):
            invitations = Invitation.objects.in_brain(brain).filter(rfq=rfq).count()
            with connection.cursor() as cursor:
                cursor.execute("SELECT sum(pg_column_size(matched_lines)) FROM capacity_invitation WHERE rfq_id = %s",
                               [rfq.pk])
                stored_bytes = cursor.fetchone()[0]
    assert summary(db_ranked) == summary(ranked), (summary(db_ranked), summary(ranked))

    print(f"matching_run (no invitations yet): {spread(first)}; {invited:,} suppliers invited "
          f"({invitations:,} invitation rows, matched_lines {stored_bytes / 1e6:.1f} MB stored); {summary(db_ranked)}")
    print(f"matching_run again (updates the same invitations): {spread(rerun)}")
    print(f"  of which line_specs (load 500 lines): {spread(line_load)}")
    print(f"  of which supplier_specs (load 3,000 profiles, capacities, machines): {spread(supplier_load)}")
    print(f"  of which rank() on the loaded specs: {spread(db_rank)}")
    rest = median(first) - median(line_load) - median(supplier_load) - median(db_rank)
    print(f"  the rest (writing invitations with their reasons, the event) ≈ {rest * 1000:.0f} ms")
    print(f"ratio matching_run / rank(): {median(first) / median(pure_times):.1f}×")


if __name__ == "__main__":
    sys.exit(main())
