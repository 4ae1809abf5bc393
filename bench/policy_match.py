"""Policy matching (政策直达) at brain scale: one published policy of four rules against N active members (default
500 and 2,000), each with a registration public record (region, capital, employees, revenue, founded_on; some
high-tech or specialised SMEs) and its tags recomputed.

Measured side by side in one run, per brain size:

  - the enterprise file alone (`enterprise_file(..., viewer=None)`) for every member: the floor, because
    matching decides from the file;
  - `eligibility.decide` alone over the files already built (pure Python);
  - `policy_match`, first run: every decision inserted (the matches are deleted before each round, untimed);
  - `policy_match`, second run: nothing changed, so nothing is written;
  - `policy_preview`: the same decisions, nothing stored;

and the SQL queries each of these issues per member (django.test.utils.CaptureQueriesContext, on separate,
untimed runs), with the statements of the no-change run grouped by kind.

    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/policy_match.py
    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/policy_match.py 200

Redis db 5 is the bench's own (the outbox hands `policy.eligible` to the broker after each decision commits, as
in production; no worker runs, and the db is flushed at the end); the database is a scratch one.
"""

import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _support import django_setup, machine, measure, median, scratch_database

REDIS_DB = 5
_redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{REDIS_DB}"))  # before Django reads its settings


SIZES = [int(a) for a in sys.argv[1:]] or [500, 2000]
RUNS = 3
SEED = 2026_12
RULES = [
    {"field": "region", "op": "within", "value": ["331003"]},
    {"field": "tags", "op": "has_any", "value": ["high_tech", "specialised_sme"]},
    {"field": "size_class", "op": "in", "value": ["small", "medium"]},
    {"field": "registered_capital", "op": "gte", "value": 100},
]
MAPPING = {
    "credit_code": "tyshxydm", "as_of": "gxsj",
    "attributes": {"legal_name": "qymc", "enterprise_type": "qylx", "registered_capital": "zczb",
                   "founded_on": "clrq", "legal_representative": "fddbr", "address": "zs", "region_code": "xzqh",
                   "industry": "hydm", "status": "djzt", "employees": "cbrs", "annual_revenue": "yysr",
                   "high_tech": "gxjs", "specialised_sme": "zjtx"},
}
REGIONS = ["331003"] * 6 + ["331004", "331081", "331002", "330206"]  # most of a Huangyan brain is in Huangyan


def registration_rows(count: int, first_index: int) -> list[dict]:
    """`count` registration rows of made-up enterprises: 1 in 10 without size figures (undetermined), about a
    third high-tech, a sixth specialised SMEs."""
    from tenants.demo import demo_credit_code

    rng = random.Random(SEED + first_index)
    rows = []
    for index in range(first_index, first_index + count):
        region = REGIONS[index % len(REGIONS)]
        row = {
            "tyshxydm": demo_credit_code(index, region), "gxsj": "2026-11-02 09:00:00",
            "qymc": f"台州市基准{index:05d}模具有限公司", "qylx": "有限责任公司(自然人投资或控股)",
            "zczb": f"{rng.choice([50, 100, 200, 300, 500, 800, 1000, 2000, 5000])}万元人民币",
            "clrq": f"{rng.randrange(1995, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "fddbr": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["建国", "海峰", "晓东", "丽华", "志强"]),
            "zs": f"浙江省台州市黄岩区模具城{index}号", "xzqh": region, "hydm": "C3525", "djzt": "存续",
            "gxjs": "是" if rng.random() < 0.33 else "", "zjtx": "是" if rng.random() < 0.17 else "",
        }
        if index % 10:
            row["cbrs"] = str(rng.choice([12, 35, 85, 150, 320, 600, 1200]))
            row["yysr"] = f"{rng.choice([200, 800, 3200, 9000, 25000, 45000])}万元"
        rows.append(row)
    return rows


def build_brain(size: int, first_index: int, operator, source_for):
    """A brain of `size` active members with registration records and tags; its registration source."""
    from django.db import transaction

    from brain.services import tags as services
    from brain.sync.engine import map_row, records_merge
    from tenants.context import brain_context
    from tenants.models import Brain, BrainStaff, Enterprise, Membership

    started = time.perf_counter()
    brain = Brain.objects.create(slug=f"bench-policy-{size}", name_zh=f"政策基准{size}", name_en="bench",
                                 sector="bench", region_code="331003")
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    source = source_for(brain)
    rows = registration_rows(size, first_index)
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(credit_code=row["tyshxydm"], legal_name=row["qymc"], region_code=row["xzqh"]) for row in rows])
    with brain_context(brain.pk):
        Membership.objects.bulk_create([
            Membership(brain=brain, enterprise=e, roles=["supplier"], status=Membership.Status.ACTIVE)
            for e in enterprises])
    with brain_context(brain.pk), transaction.atomic():
        records_merge(source=source, rows=[map_row(MAPPING, row) for row in rows])
    for enterprise in enterprises:
        services.enterprise_tags_recompute(brain=brain, enterprise_id=enterprise.pk)
    print(f"brain of {size:,} members with records and tags built in {time.perf_counter() - started:.1f} s")
    return brain, [e.pk for e in enterprises]


def statement_kind(sql: str) -> str:
    """A statement with its literals blanked, cut to what names it."""
    sql = re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)
    sql = re.sub(r"SELECT .*? FROM", "SELECT … FROM", sql, count=1)
    return sql[:110]


def main() -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from brain import eligibility
    from brain.models import Policy, PolicyMatch
    from brain.selectors.enterprise_files import enterprise_file
    from brain.services import policies as policy_services
    from brain.services import sync as services
    from tenants.context import brain_context
    from tenants.models import OutboxEvent, User

    # As in production: no query log behind every statement (the dev default DEBUG=1 keeps one). Queries are
    # counted below with CaptureQueriesContext, which logs for its block only.
    settings.DEBUG = False
    connection.queries_log = deque(maxlen=1_000_000)  # the default keeps 9,000: too few for 2,000 members
    drop = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    settings.GOV_DATA_DROP_DIR = drop
    (drop / "registration").mkdir()

    results = []
    with scratch_database("policy_match"):
        print(machine())
        operator = User.objects.create(username="bench-operator")

        def source_for(brain):
            return services.data_source_create(
                brain=brain, by=operator, name="市场监管局企业登记信息（基准）", kind="file_drop",
                department="market_regulation", record_type="registration", folder="registration", mapping=MAPPING,
                interval_minutes=0)

        first_index = 1
        for size in SIZES:
            brain, members = build_brain(size, first_index, operator, source_for)
            first_index += size
            policy = policy_services.policy_create(
                brain=brain, by=operator, title="黄岩区中小企业数字化改造补助（基准）", issuer="台州市黄岩区经济和信息化局",
                summary="对区内高新技术中小企业的数字化改造给予补助。", rules=RULES,
                apply_by=timezone.localdate() + timedelta(days=60))
            policy = policy_services.policy_publish(policy=policy, by=operator)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

            def files():
                with brain_context(brain.pk):
                    return [enterprise_file(brain=brain, enterprise=pk, viewer=None) for pk in members]

            built = files()

            def decide_all():
                for file in built:
                    eligibility.decide(policy.rules, file)

            def forget():
                with brain_context(brain.pk):
                    PolicyMatch.objects.in_brain(brain).filter(policy=policy).delete()
                    OutboxEvent.objects.in_brain(brain).filter(name="policy.eligible").delete()

            counts = {}

            def match():
                counts.update(policy_services.policy_match(brain_id=brain.pk, policy_id=policy.pk))

            def preview():
                policy_services.policy_preview(brain=brain, by=operator, rules=RULES)

            def queries(fn, before=None) -> tuple[int, list]:
                if before:
                    before()
                with CaptureQueriesContext(connection) as captured:
                    fn()
                return len(captured), captured.captured_queries

            # Interleaved so drift on a shared machine falls on all alike: the file floor, then each path.
            timed = {"file": [], "decide": [], "first": [], "second": [], "preview": []}
            for _round in range(RUNS + 1):  # the first round warms up
                for key, fn, before in (("file", files, None), ("decide", decide_all, None),
                                        ("first", match, forget), ("second", match, None),
                                        ("preview", preview, None)):
                    [seconds] = measure(fn, runs=1, warmup=0, before=before)
                    if _round:
                        timed[key].append(seconds)
            outcome = dict(counts)
            with brain_context(brain.pk):
                stored = PolicyMatch.objects.in_brain(brain).filter(policy=policy).count()
                told = Policy.objects.in_brain(brain).get(pk=policy.pk).matches.filter(
                    notified_at__isnull=False).count()

            q_file, _ = queries(files)
            q_first, _ = queries(match, forget)
            q_second, second_sql = queries(match)
            q_preview, _ = queries(preview)
            kinds = Counter(statement_kind(q["sql"]) for q in second_sql)
            results.append({"size": size, "timed": timed, "outcome": outcome, "stored": stored, "told": told,
                            "queries": {"file": q_file, "first": q_first, "second": q_second, "preview": q_preview},
                            "kinds": kinds})

    with __import__("contextlib").suppress(Exception):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # the bench's own db: the tasks nobody ran

    print()
    print(f"{RUNS} rounds after a warm-up round, interleaved; medians (min–max), members/s, ratio to the file alone")
    for result in results:
        size, timed, queries = result["size"], result["timed"], result["queries"]
        floor = median(timed["file"])
        print(f"\n## {size:,} members — outcomes {result['outcome']}, {result['stored']:,} decisions stored, "
              f"{result['told']:,} told")
        print("| measured (same run) | time | members/s | per member | ratio to the file | queries / member |")
        print("| --- | --- | --- | --- | --- | --- |")
        for key, label in (("file", "`enterprise_file`, every member (the floor)"),
                           ("decide", "`eligibility.decide` alone over built files"),
                           ("first", "`policy_match`, first run (inserts every decision)"),
                           ("second", "`policy_match`, second run (nothing changed, no writes)"),
                           ("preview", "`policy_preview`")):
            times = timed[key]
            m = median(times)
            per_query = f"{queries[key] / size:.1f}" if key in queries else "0"
            print(f"| {label} | {m * 1000:,.0f} ms ({min(times) * 1000:,.0f}–{max(times) * 1000:,.0f}) | "
                  f"{size / m:,.0f} | {m / size * 1000:.2f} ms | {m / floor:.2f}× | {per_query} |")
        print("\nstatements of the no-change run, per member (kinds issued at least once per member):")
        for kind, count in result["kinds"].most_common():
            if count >= size:
                print(f"  {count / size:4.1f}  {kind}")
        rest = sum(c for c in result["kinds"].values() if c < size)
        print(f"  (and {rest} statements once per run)")


if __name__ == "__main__":
    main()
