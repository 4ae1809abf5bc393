"""The buyer's project board (capacity.selectors.board.project_board) and its page, for a 200-part and a 2,000-part
project side by side: time and query count of the selector, of the whole page (GET through Django's test
client: middleware, brain context, template), of the live fragment and of the API's JSON.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/project_board.py

The projects are generated from a fixed seed and written with bulk_create (the board only reads what the
services keep on each line): 1 root, 10 assemblies, the rest leaf parts with 2–6 operations; 85 % of the
leaves awarded to 20 suppliers (one RFQ, one work order per supplier, a tenth of the lines a single
operation), every work order accepted, each line with a progress state (not started, in progress, done,
blocked with a report saying why), a planned completion, a last report from 0 to 6 days ago, some accepted.
"""

import random
import sys
from datetime import timedelta
from decimal import Decimal

from _support import MOULD_PROCESSES, django_setup, machine, make_brain, measure, median, scratch_database, spread

SIZES = (200, 2_000)
SEED = 2_000
SUPPLIERS = 20


def build(brain, buyer_user, suppliers, leaves: int, code: str, rng: random.Random):
    from django.utils import timezone

    from capacity.models import (
        Award, Operation, Part, ProgressReport, Project, PurchaseOrder, Quote, QuoteLine, Rfq, RfqLine, WorkOrder,
        WorkOrderLine,
    )
    from tenants.context import brain_context
    from tenants.models import Process

    now, today = timezone.now(), timezone.localdate()
    with brain_context(brain.pk):
        processes = list(Process.objects.in_brain(brain).order_by("sort_order"))
        project = Project.objects.create(brain=brain, buyer_id=buyer_user.enterprise_id, code=code,
                                         name=f"基准模具 {code}", due_date=today + timedelta(days=45),
                                         created_by=buyer_user)
        root = Part.objects.create(brain=brain, project=project, part_no=f"{code}-000", name="总装", quantity=1)
        assemblies = Part.objects.bulk_create([
            Part(brain=brain, project=project, parent=root, part_no=f"{code}-A{n:02d}", name=f"部件 {n}", quantity=1)
            for n in range(10)])
        parts = Part.objects.bulk_create([
            Part(brain=brain, project=project, parent=rng.choice(assemblies), part_no=f"{code}-{n:05d}",
                 name=f"零件 {n}", quantity=rng.choice([1, 1, 1, 2, 4, 10, 24]),
                 due_date=today + timedelta(days=rng.randint(-5, 40)) if rng.random() < 0.7 else None)
            for n in range(leaves)])
        operations = Operation.objects.bulk_create([
            Operation(brain=brain, part=part, sequence=10 * (i + 1), process=process)
            for part in parts
            for i, process in enumerate([processes[0]] + rng.sample(processes[1:12], rng.randint(1, 5)))])
        routing = {}
        for operation in operations:
            routing.setdefault(operation.part_id, []).append(operation)
        rfq = Rfq.objects.create(brain=brain, project=project, buyer_id=buyer_user.enterprise_id,
                                 number=f"RFQ-{code}", title="整模外协", deadline=now - timedelta(days=10),
                                 status=Rfq.Status.AWARDED, created_by=buyer_user)
        awarded = [part for part in parts if rng.random() < 0.85]
        rfq_lines = RfqLine.objects.bulk_create([
            RfqLine(brain=brain, rfq=rfq, line_no=n + 1, part=part, quantity=part.quantity,
                    operation=rng.choice(routing[part.pk]) if rng.random() < 0.1 else None, due_date=part.due_date)
            for n, part in enumerate(awarded)])
        winner = {line.pk: rng.randrange(SUPPLIERS) for line in rfq_lines}
        quotes = Quote.objects.bulk_create([Quote(brain=brain, rfq=rfq, supplier=s, submitted_by=buyer_user)
                                            for s in suppliers])
        quote_lines = QuoteLine.objects.bulk_create([
            QuoteLine(brain=brain, quote=quotes[winner[line.pk]], rfq_line=line, unit_price=Decimal("120.00"),
                      lead_time_days=20) for line in rfq_lines])
        orders = PurchaseOrder.objects.bulk_create([
            PurchaseOrder(brain=brain, rfq=rfq, supplier=s, number=f"PO-{code}-{n:03d}", issued_by=buyer_user)
            for n, s in enumerate(suppliers)])
        award_list = Award.objects.bulk_create([
            Award(brain=brain, rfq_line=line, quote_line=ql, purchase_order=orders[winner[line.pk]],
                  unit_price=ql.unit_price, vat_rate=Decimal("13.00"), quantity=line.quantity, awarded_by=buyer_user,
                  awarded_at=now - timedelta(days=14)) for line, ql in zip(rfq_lines, quote_lines)])
        work_orders = WorkOrder.objects.bulk_create([
            WorkOrder(brain=brain, purchase_order=order, rfq=rfq, buyer_id=buyer_user.enterprise_id, supplier=s,
                      status=WorkOrder.Status.ACCEPTED, created_at=now - timedelta(days=14),
                      decided_at=now - timedelta(days=13)) for order, s in zip(orders, suppliers)])
        lines = []
        for award, line in zip(award_list, rfq_lines):
            covered = [line.operation] if line.operation else routing[line.part_id]
            state = rng.choices(["not_started", "in_progress", "done", "blocked"], weights=[2, 6, 2, 0.5])[0]
            done_ops = len(covered) if state == "done" else rng.randint(0, len(covered) - 1)
            lines.append(WorkOrderLine(
                brain=brain, work_order=work_orders[winner[line.pk]], award=award, part_id=line.part_id,
                operation=line.operation, quantity=line.quantity, unit_price=award.unit_price, vat_rate=award.vat_rate,
                due_date=line.due_date, progress_status=state,
                progress_percent=100 if state == "done" else round(100 * done_ops / len(covered)),
                current_operation=None if state == "done" else covered[min(done_ops, len(covered) - 1)],
                planned_completion=today + timedelta(days=rng.randint(-2, 45)),
                last_reported_at=None if state == "not_started" else now - timedelta(hours=rng.randint(1, 150)),
                accepted_quantity=line.quantity if state == "done" and rng.random() < 0.5 else 0))
        lines = WorkOrderLine.objects.bulk_create(lines)
        ProgressReport.objects.bulk_create([
            ProgressReport(brain=brain, line=line, operation=line.current_operation, status=line.progress_status,
                           reason="等材料" if line.progress_status == "blocked" else "", reported_by=buyer_user,
                           reported_at=line.last_reported_at)
            for line in lines if line.last_reported_at and line.current_operation])
    return project


def main() -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from capacity.selectors.board import project_board
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Enterprise, Membership

    settings.ALLOWED_HOSTS = ["*"]
    print(machine())
    with scratch_database("project_board"):
        brain, user = make_brain("bench-board", MOULD_PROCESSES)
        suppliers = [Enterprise.objects.create(credit_code=demo_credit_code(9_100_000 + n, "331003"),
                                               legal_name=f"基准供应商{n:02d}", region_code="331003")
                     for n in range(SUPPLIERS)]
        with brain_context(brain.pk):
            Membership.objects.bulk_create([Membership(brain=brain, enterprise=s, roles=["supplier"],
                                                       status=Membership.Status.ACTIVE) for s in suppliers])
        rng = random.Random(SEED)
        projects = {size: build(brain, user, suppliers, size - 11, f"B{size}", rng) for size in SIZES}
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(user)
        results = {}
        for size, project in projects.items():
            row = {}
            board = project_board(project, viewer=user)
            row["rows"] = board.total
            row["counts"] = board.counts
            row["overall"] = board.overall_percent
            with CaptureQueriesContext(connection) as queries:
                project_board(project, viewer=user)
            row["selector_queries"] = len(queries)
            row["selector"] = measure(lambda p=project: project_board(p, viewer=user), runs=7)
            url = f"/b/{brain.slug}/capacity/projects/{project.pk}/board/"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            row["page_queries"], row["page_bytes"] = len(queries), len(response.content)
            row["page"] = measure(lambda u=url: client.get(u), runs=7)
            row["fragment"] = measure(lambda u=url: client.get(u, headers={"HX-Request": "true"}), runs=7)
            row["late_only"] = measure(lambda u=url: client.get(u, {"status": "late"}), runs=7)
            one = board.rows[len(board.rows) // 2].part.pk  # what a live update re-fetches: one touched row
            row["changed"] = measure(lambda u=url, n=one: client.get(u, {"changed": n}, headers={"HX-Request": "true"}),
                                     runs=7)
            api = f"/api/v1/brains/{brain.slug}/projects/{project.pk}/board/"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(api)
            assert response.status_code == 200, response.content[:300]
            row["api_queries"], row["api_bytes"] = len(queries), len(response.content)
            row["api"] = measure(lambda u=api: client.get(u), runs=7)
            results[size] = row
    small, large = (results[size] for size in SIZES)
    print(f"\n| measured (same run) | {SIZES[0]} parts | {SIZES[1]:,} parts | ratio |")
    print("| --- | --- | --- | --- |")
    print(f"| board rows (leaf parts) | {small['rows']} | {large['rows']} | |")
    for key, label in (("selector", "`project_board` (selector)"), ("page", "board page, GET (HTML)"),
                       ("fragment", "live fragment, GET with HX-Request (whole board)"),
                       ("changed", "live update of one touched row (`?changed=`)"),
                       ("late_only", "page filtered to late parts"),
                       ("api", "API `projects/{id}/board/` (JSON)")):
        print(f"| {label} | {spread(small[key])} | {spread(large[key])} | "
              f"{median(large[key]) / median(small[key]):.1f}× |")
    for key, label in (("selector_queries", "queries, selector"), ("page_queries", "queries, page"),
                       ("api_queries", "queries, API")):
        print(f"| {label} | {small[key]} | {large[key]} | |")
    print(f"| page size | {small['page_bytes'] / 1024:.0f} KB | {large['page_bytes'] / 1024:.0f} KB | |")
    print(f"| API body | {small['api_bytes'] / 1024:.0f} KB | {large['api_bytes'] / 1024:.0f} KB | |")
    print(f"\nrisk classes, {SIZES[1]:,} parts: {large['counts']}; overall {large['overall']} %")
    print(f"risk classes, {SIZES[0]} parts: {small['counts']}; overall {small['overall']} %")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
