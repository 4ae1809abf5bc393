"""Metered API reads vs unmetered reads of the same rows, side by side, on one real uvicorn server.

Two products of one brain publish the same 100 rows (the price index's fields); one member reads both through
the rows API (`GET /api/v1/brains/<brain>/data-product-rows/<id>/`, a page of 100 rows, `Authorization: Api-Key`):
- metered: a paid product, the subscription at ¥0.05 a call and ¥0.01 a row, so every read writes one usage
  record under its Idempotency-Key (dataproducts.services.usage.usage_record: a savepoint and an INSERT);
- unmetered: a product on request, the subscription unpriced, so the same read writes nothing.
CLIENTS threads (each its own keep-alive connection) read for SECONDS per round; rounds alternate metered and
unmetered so both see the same machine load. A second part replays every metered read's key once (a client's
retry): no new record, the same amount. Afterwards the records are counted against the 200s the clients saw.

    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/dataproducts_metering.py [clients] [seconds]
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

from _support import ROOT, django_setup, machine, make_brain, scratch_database

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 4
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
ROUNDS = 3
ROWS = 100


def start_server(port: int) -> subprocess.Popen:
    """uvicorn on the scratch database, in its own process (as bench/board_fanout.py, without a worker: a read
    sends no event)."""
    from django.db import connection

    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    web = subprocess.Popen([sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                            "--port", str(port), "--log-level", "warning", "--lifespan", "off"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return web
        except OSError:
            time.sleep(0.2)
    web.kill()
    raise RuntimeError("uvicorn did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_data():
    from dataproducts.models import Revision, RevisionRow
    from dataproducts.services import products, subscriptions
    from tenants.context import brain_context
    from tenants.models import BrainStaff, User
    from tenants.services.api_keys import api_key_create

    brain, buyer = make_brain("mould", ["CNC", "HT"])
    operator = User.objects.create(username="bench-operator")
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    made = {}
    for label, access, prices in (
            ("metered", "paid", {"price_per_call": Decimal("0.05"), "price_per_row": Decimal("0.01")}),
            ("unmetered", "request", {})):
        product = products.product_create(brain=brain, by=operator, definition="price_index", code=label,
                                          name_zh=label, name_en=label, access=access, **prices)
        product = products.product_update(product=product, by=operator, status="listed")
        with brain_context(brain.pk):  # the same rows in both, as a published build would leave them
            revision = Revision.objects.create(brain=brain, product=product, number=1, period_from=date(2026, 1, 1),
                                               period_to=date(2026, 6, 30), definition_version="1", row_count=ROWS)
            RevisionRow.objects.bulk_create(RevisionRow(
                brain=brain, revision=revision, position=n, enterprises=5,
                dimensions={"process": ["CNC", "HT"][n % 2], "material": "steel", "month": f"2026-{n % 6 + 1:02d}"},
                measures={"median": "120.50", "p25": "100.00", "p75": "140.00", "enterprises": 5, "lines": 40})
                for n in range(ROWS))
            Revision.objects.filter(pk=revision.pk).update(status="published", published_at=revision.computed_at,
                                                           published_by=operator)
        subscription = subscriptions.subscription_grant(product=product, enterprise_id=buyer.enterprise_id, days=30,
                                                        by=operator)
        made[label] = (product, subscription)
    issued = api_key_create(by=buyer, name="bench", scope="read", brains=[brain])
    type(issued.api_key).objects.filter(pk=issued.api_key.pk).update(rate_limit_per_minute=100_000)
    return brain, made, issued.secret


def read_for(base, path, secret, seconds, keys_out):
    """CLIENTS threads reading `path` for `seconds`; returns (reads, latencies) and appends the keys sent."""
    import httpx

    stop_at = time.perf_counter() + seconds
    latencies, failures, lock = [], [], threading.Lock()

    def client():
        mine, sent = [], []
        with httpx.Client(base_url=base, headers={"Authorization": f"Api-Key {secret}"}, timeout=120) as http:
            while time.perf_counter() < stop_at:
                key = uuid.uuid4().hex
                started = time.perf_counter()
                try:
                    response = http.get(path, headers={"Idempotency-Key": key})
                except httpx.TimeoutException:
                    failures.append("timeout")
                    continue
                if response.status_code != 200 or len(response.json()["results"]) != ROWS:
                    failures.append(response.status_code)
                    continue
                mine.append(time.perf_counter() - started)
                sent.append(key)
        with lock:
            latencies.extend(mine)
            keys_out.extend(sent)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} reads failed: {sorted(set(map(str, failures)))}")
    return latencies


def record_in_process(subscription, n=1000):
    """usage_record called directly: n fresh keys (an INSERT each), then n retries of one key (the savepoint's
    unique violation, then the read back)."""
    from dataproducts.services.usage import usage_record

    timed = {}
    started = time.perf_counter()
    for k in range(n):
        usage_record(subscription=subscription, kind="call", idempotency_key=f"fresh-{k}", rows=ROWS)
    timed["fresh keys (a record each)"] = (n, time.perf_counter() - started)
    started = time.perf_counter()
    for _k in range(n):
        usage_record(subscription=subscription, kind="call", idempotency_key="fresh-0", rows=ROWS)
    timed["one key again (a retry: no record)"] = (n, time.perf_counter() - started)
    return timed


def main():
    django_setup()
    print(machine())
    with scratch_database("dataproducts_metering"):
        from django.db.models import Sum

        from dataproducts.models import UsageRecord
        from tenants.context import brain_context

        brain, made, secret = setup_data()
        port = free_port()
        server = start_server(port)
        base = f"http://127.0.0.1:{port}"
        try:
            paths = {label: f"/api/v1/brains/{brain.slug}/data-product-rows/{product.pk}/?page_size={ROWS}"
                     for label, (product, _s) in made.items()}
            keys = {"metered": [], "unmetered": []}
            for path in paths.values():  # warm up: imports, caches, connections
                read_for(base, path, secret, 1.0, [])
            results = {"metered": [], "unmetered": []}
            for _round in range(ROUNDS):
                for label in ("unmetered", "metered"):
                    latencies = read_for(base, paths[label], secret, SECONDS, keys[label])
                    results[label].append((len(latencies) / SECONDS, latencies))
            with brain_context(brain.pk):
                records = UsageRecord.objects.in_brain(brain).filter(subscription=made["metered"][1])
                counted = records.filter(idempotency_key__in=keys["metered"]).count()
                before = records.aggregate(total=Sum("amount"))["total"]
            # Retries: every metered key again, by the same clients (the first read's record is returned).
            import httpx

            started = time.perf_counter()
            with httpx.Client(base_url=base, headers={"Authorization": f"Api-Key {secret}"}, timeout=30) as http:
                sample = keys["metered"][:2000]
                for key in sample:
                    assert http.get(paths["metered"], headers={"Idempotency-Key": key}).status_code == 200
            retry_rate = len(sample) / (time.perf_counter() - started)
            with brain_context(brain.pk):
                after = records.aggregate(total=Sum("amount"))["total"]
                unmetered = UsageRecord.objects.in_brain(brain).filter(subscription=made["unmetered"][1]).count()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
        recorded = record_in_process(made["metered"][1])

        print(f"\n{CLIENTS} clients, {ROUNDS} rounds of {SECONDS:.0f} s each, a page of {ROWS} rows per read\n")
        print("| reads | per second (median of rounds) | rounds | latency p50 | p95 |")
        print("|---|---|---|---|---|")
        rates = {}
        for label in ("unmetered", "metered"):
            per_round = [rate for rate, _l in results[label]]
            latencies = sorted(x for _r, lat in results[label] for x in lat)
            rates[label] = statistics.median(per_round)
            print(f"| {label} | {rates[label]:.0f} | {', '.join(f'{r:.0f}' for r in per_round)} | "
                  f"{latencies[len(latencies) // 2] * 1000:.1f} ms | {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms |")
        print(f"\nmetered / unmetered throughput: {rates['metered'] / rates['unmetered']:.2f}")
        print(f"metered reads answered 200: {len(keys['metered'])}; usage records for their keys: {counted}; "
              f"unmetered reads {len(keys['unmetered'])}, records {unmetered}")
        print(f"{len(sample)} retries with used keys (one client): {retry_rate:.0f}/s; amount before ¥{before}, "
              f"after ¥{after} (unchanged: {before == after})")
        print("\nusage_record itself, in this process, one call at a time (no HTTP):")
        for label, (count, seconds) in recorded.items():
            print(f"- {label}: {count} calls in {seconds:.2f} s, {count / seconds:.0f}/s, "
                  f"{seconds / count * 1000:.2f} ms each")
        assert counted == len(keys["metered"]) and unmetered == 0 and before == after


if __name__ == "__main__":
    main()
