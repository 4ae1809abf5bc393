"""Building the machining price index over 1,000,000 awarded quote lines, against a plain GROUP BY of the same rows.

The scratch brain has the mould brain's 14 processes, 400 suppliers and one buyer; 10,000 RFQs of 100 lines each over
3,000 parts (12 material grades, one operation each), every line awarded to one of the RFQ's five suppliers over the
twelve months of 2025: 1,000,000 awards, generated set-based in SQL (generate_series), as the application role inside
the brain (RLS applies; the role owns the tables).

Timed, in the same run, alternating:
- the build: dataproducts.services.revisions.revision_build over the year (the definition's query streamed in chunks,
  the privacy rule per cell, complementary suppression, differencing against what was published, the rows and
  contributions stored: a draft revision);
- the plain GROUP BY: the same joins and cells, percentile_cont(0.25, 0.5, 0.75), count(DISTINCT supplier) and
  count(*), nothing else (no privacy, nothing stored).

    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/dataproducts_price_index.py [rfqs]
"""

import sys
import time
from datetime import date

from _support import (
    MOULD_PROCESSES,
    django_setup,
    machine,
    make_brain,
    measure,
    median,
    scratch_database,
    spread,
)

RFQS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LINES_PER_RFQ = 100
PARTS = 3_000
SUPPLIERS = 400
SLOTS = 5  # suppliers per RFQ
GRADES = ["P20", "718H", "NAK80", "S136", "H13", "SKD61", "SKD11", "Cr12MoV", "45#", "6061", "紫铜", "PEEK"]


def generate(brain, user) -> None:
    from django.db import connection, transaction

    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Enterprise, Membership

    suppliers = Enterprise.objects.bulk_create(
        Enterprise(credit_code=demo_credit_code(8_000_000 + index, "331003" if index % 3 else "331081"),
                   legal_name=f"基准供应商{index}", region_code="331003" if index % 3 else "331081")
        for index in range(SUPPLIERS))
    with transaction.atomic(), brain_context(brain.pk):
        Membership.objects.bulk_create(Membership(brain=brain, enterprise=supplier, roles=["supplier"],
                                                  status=Membership.Status.ACTIVE) for supplier in suppliers)
    supplier_ids = sorted(supplier.pk for supplier in suppliers)
    params = {"brain": brain.pk, "buyer": user.enterprise_id, "user": user.pk, "parts": PARTS, "rfqs": RFQS,
              "lines": LINES_PER_RFQ, "slots": SLOTS, "grades": GRADES, "suppliers": supplier_ids}
    steps = [
        ("project", """INSERT INTO capacity_project (updated_at, brain_id, buyer_id, code, name, customer, status,
                           created_by_id, created_at)
                       VALUES (now(), %(brain)s, %(buyer)s, 'BENCH', '基准项目', '', 'open', %(user)s, now())"""),
        ("parts", """INSERT INTO capacity_part (updated_at, brain_id, project_id, part_no, name, quantity, material,
                         hardness, standard_part, remarks)
                     SELECT now(), %(brain)s, (SELECT max(id) FROM capacity_project), 'P-' || j, '零件' || j, 10,
                            (%(grades)s::text[])[1 + j %% array_length(%(grades)s::text[], 1)], '', false, ''
                     FROM generate_series(0, %(parts)s - 1) j ORDER BY j"""),
        ("operations", """INSERT INTO capacity_operation (updated_at, brain_id, part_id, sequence, process_id)
                          SELECT now(), %(brain)s, p.id, 1,
                                 (SELECT id FROM tenants_process WHERE brain_id = %(brain)s
                                  ORDER BY sort_order OFFSET (p.id %% 14) LIMIT 1)
                          FROM capacity_part p WHERE p.brain_id = %(brain)s ORDER BY p.id"""),
        ("rfqs", """INSERT INTO capacity_rfq (updated_at, brain_id, project_id, buyer_id, number, title, deadline,
                        open_to_all, status, notes, payment_days, created_by_id, created_at)
                    SELECT now(), %(brain)s, (SELECT max(id) FROM capacity_project), %(buyer)s, 'B-' || i, '询价' || i,
                           now(), true, 'awarded', '', 60, %(user)s, now()
                    FROM generate_series(0, %(rfqs)s - 1) i ORDER BY i"""),
        ("rfq lines", """INSERT INTO capacity_rfqline (updated_at, brain_id, rfq_id, line_no, part_id, operation_id,
                             quantity)
                         SELECT now(), %(brain)s, r.base + i, k + 1, p.base + (i * %(lines)s + k) %% %(parts)s,
                                o.base + (i * %(lines)s + k) %% %(parts)s, 1 + (i + k) %% 50
                         FROM (SELECT min(id) AS base FROM capacity_rfq WHERE brain_id = %(brain)s) r,
                              (SELECT min(id) AS base FROM capacity_part WHERE brain_id = %(brain)s) p,
                              (SELECT min(id) AS base FROM capacity_operation WHERE brain_id = %(brain)s) o,
                              generate_series(0, %(rfqs)s - 1) i, generate_series(0, %(lines)s - 1) k
                         ORDER BY i, k"""),
        ("quotes", """INSERT INTO capacity_quote (updated_at, brain_id, rfq_id, supplier_id, revision, remarks,
                          submitted_at, submitted_by_id)
                      SELECT now(), %(brain)s, r.base + i,
                             (%(suppliers)s::bigint[])[1 + (i * 7 + s * 61) %% array_length(%(suppliers)s::bigint[], 1)],
                             1, '', now(), %(user)s
                      FROM (SELECT min(id) AS base FROM capacity_rfq WHERE brain_id = %(brain)s) r,
                           generate_series(0, %(rfqs)s - 1) i, generate_series(0, %(slots)s - 1) s ORDER BY i, s"""),
        ("quote lines", """INSERT INTO capacity_quoteline (updated_at, brain_id, quote_id, rfq_line_id, unit_price,
                               currency, vat_rate, lead_time_days, remarks)
                           SELECT now(), %(brain)s, q.base + i * %(slots)s + k %% %(slots)s,
                                  l.base + i * %(lines)s + k,
                                  round((40 + ((i * %(lines)s + k) %% %(parts)s) %% 14 * 15
                                         + random() * 60)::numeric, 2),
                                  'CNY', 13, 7 + k %% 20, ''
                           FROM (SELECT min(id) AS base FROM capacity_quote WHERE brain_id = %(brain)s) q,
                                (SELECT min(id) AS base FROM capacity_rfqline WHERE brain_id = %(brain)s) l,
                                generate_series(0, %(rfqs)s - 1) i, generate_series(0, %(lines)s - 1) k
                           ORDER BY i, k"""),
        ("purchase orders", """INSERT INTO capacity_purchaseorder (updated_at, brain_id, rfq_id, supplier_id, number,
                                   issued_at, issued_by_id)
                               SELECT now(), %(brain)s, q.rfq_id, q.supplier_id, 'PO-' || q.id, now(), %(user)s
                               FROM capacity_quote q WHERE q.brain_id = %(brain)s ORDER BY q.id"""),
        ("awards", """INSERT INTO capacity_award (updated_at, brain_id, rfq_line_id, quote_line_id, purchase_order_id,
                          unit_price, vat_rate, quantity, awarded_by_id, awarded_at)
                      SELECT now(), %(brain)s, ql.rfq_line_id, ql.id, po.base + (ql.quote_id - q.base), ql.unit_price,
                             13, l.quantity, %(user)s,
                             timestamptz '2025-01-01 10:00+08' + ((r.id - r0.base) %% 12) * interval '1 month'
                                 + ((r.id - r0.base) %% 27) * interval '1 day'
                      FROM capacity_quoteline ql JOIN capacity_rfqline l ON l.id = ql.rfq_line_id
                      JOIN capacity_rfq r ON r.id = l.rfq_id,
                           (SELECT min(id) AS base FROM capacity_quote WHERE brain_id = %(brain)s) q,
                           (SELECT min(id) AS base FROM capacity_purchaseorder WHERE brain_id = %(brain)s) po,
                           (SELECT min(id) AS base FROM capacity_rfq WHERE brain_id = %(brain)s) r0
                      WHERE ql.brain_id = %(brain)s"""),
    ]
    for name, sql in steps:
        started = time.perf_counter()
        with transaction.atomic(), brain_context(brain.pk), connection.cursor() as cursor:
            cursor.execute(sql, params)
            print(f"  {name}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        # fresh statistics before the next step joins this table (without them the planner nests loops over
        # seq scans: the awards' join took minutes for 30,000 rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE capacity_project, capacity_part, capacity_operation, capacity_rfq, "
                           "capacity_rfqline, capacity_quote, capacity_quoteline, capacity_purchaseorder, "
                           "capacity_award")


GROUP_BY = """
SELECT pr.code, CASE WHEN p.material IN ('P20', '718', '718H', 'NAK80', 'S136', 'S136H', '2738', '3Cr2Mo')
                     THEN 'plastic' ELSE p.material END AS family,
       to_char(a.awarded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.unit_price),
       percentile_cont(0.25) WITHIN GROUP (ORDER BY a.unit_price),
       percentile_cont(0.75) WITHIN GROUP (ORDER BY a.unit_price),
       count(DISTINCT po.supplier_id), count(*)
FROM capacity_award a
JOIN capacity_purchaseorder po ON po.id = a.purchase_order_id
JOIN capacity_rfqline l ON l.id = a.rfq_line_id
JOIN capacity_operation o ON o.id = l.operation_id
JOIN tenants_process pr ON pr.id = o.process_id
JOIN capacity_part p ON p.id = l.part_id
WHERE a.brain_id = %s AND a.voided_at IS NULL AND a.awarded_at >= '2025-01-01 00:00+08' AND a.awarded_at < '2026-01-01 00:00+08'
GROUP BY 1, 2, 3
"""


def main() -> None:
    django_setup()
    from django.db import connection, transaction

    from dataproducts.services.products import product_create
    from dataproducts.services.revisions import revision_build
    from tenants.context import brain_context
    from tenants.models import BrainStaff

    print(machine())
    with scratch_database("price_index"):
        brain, user = make_brain("bench-index", MOULD_PROCESSES)
        operator = type(user).objects.create(username="bench-operator")
        with transaction.atomic(), brain_context(brain.pk):
            BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
        started = time.perf_counter()
        generate(brain, user)
        print(f"generated {RFQS * LINES_PER_RFQ:,} awarded lines in {time.perf_counter() - started:.0f} s")
        product = product_create(brain=brain, by=operator, definition="price_index", code="index",
                                 name_zh="外协加工价格指数", name_en="Machining price index", access="open")
        built = []

        def build():
            built.append(revision_build(product=product, period_from=date(2025, 1, 1), period_to=date(2025, 12, 31),
                                        by=operator))

        cells = []

        def group_by():
            with transaction.atomic(), brain_context(brain.pk), connection.cursor() as cursor:
                cursor.execute(GROUP_BY, [brain.pk])
                cells.append(len(cursor.fetchall()))

        builds, plains = [], []
        build(), group_by()  # warm-up: caches, plans
        for _round in range(3):  # paired, so the machine's load hits both alike
            builds += measure(build, runs=1, warmup=0)
            plains += measure(group_by, runs=1, warmup=0)
        revision = built[-1]
        print(f"build of the price index: {spread(builds)}")
        print(f"plain GROUP BY with percentile_cont: {spread(plains)} ({cells[-1]} cells)")
        print(f"ratio build / GROUP BY: {median(builds) / median(plains):.1f}×")
        print(f"revision: {revision.row_count} rows published, {revision.suppressed_count} cells suppressed, "
              f"{revision.enterprise_count} enterprises, {revision.lineage['records']:,} records in published rows")


if __name__ == "__main__":
    main()
