"""WebSocket fan-out of one progress report to the open boards of its project: 1 client, then 500, on a real
uvicorn + Channels server with the Redis channel layer and a real Celery worker, both in their own processes.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/board_fanout.py

The path measured is the product's: the supplier's `progress_report` commits, the outbox hands
`work_order.progress` to Celery, the worker's `push_project_board` sends one group message, and each
board socket receives {"type": "update", "topic": "board"}. Times run from the call to `progress_report`
(in this process) until each socket has the update. Every round sends one report; 5 rounds per size
after a warm-up. The 500 sockets belong to one buyer user (500 open tabs): the server and the channel
layer treat them as 500 connections all the same. Redis db 4 (the bench's own) carries the broker and the
channel layer; the database is a scratch one.
"""

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from _support import ROOT, django_setup, machine, make_brain, scratch_database

SIZES = (1, 500)
ROUNDS = 5
REDIS_DB = 4


def _redis_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


os.environ["REDIS_URL"] = _redis_url()  # before Django reads its settings



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(port: int) -> list[subprocess.Popen]:
    """uvicorn (HTTP + WebSocket) and a Celery worker on the scratch database, each in its own process."""
    from django.db import connection

    url = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    python = sys.executable
    web = subprocess.Popen([python, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port",
                            str(port), "--log-level", "warning", "--lifespan", "off"], cwd=ROOT, env=env)
    worker = subprocess.Popen([python, "-m", "celery", "-A", "config", "worker", "-P", "threads", "-c", "2",
                               "-Q", "default,matching,sync,webhooks", "--loglevel", "warning", "--without-heartbeat",
                               "--without-gossip", "--without-mingle"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return [web, worker]
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("uvicorn did not start")


def stop(processes) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def setup_data():
    """A buyer with a 200-part project, one supplier with an accepted work order of every part."""
    from datetime import timedelta
    from decimal import Decimal

    from django.test import Client
    from django.utils import timezone

    from capacity.models import Rfq, WorkOrder
    from capacity.services import awards, profiles, projects, rfqs, work_orders
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Enterprise, Membership, User

    brain, buyer = make_brain("bench-fanout", ["CNC", "HT"])
    supplier_enterprise = Enterprise.objects.create(credit_code=demo_credit_code(9_200_001, "331003"),
                                                    legal_name="基准加工厂", region_code="331003")
    with brain_context(brain.pk):
        Membership.objects.create(brain=brain, enterprise=supplier_enterprise, roles=["supplier"],
                                  status=Membership.Status.ACTIVE)
    supplier = User.objects.create(username="bench-supplier", enterprise=supplier_enterprise, enterprise_role="admin")
    buyer.set_password("bench-password")
    buyer.save()
    profiles.profile_save(brain=brain, by=supplier, capacities=[{"process": "CNC", "weekly_free_hours": Decimal(80)}])
    project = projects.project_create(brain=brain, by=buyer, code="FAN-1", name="扇出基准模具",
                                      due_date=timezone.localdate() + timedelta(days=60))
    parts = [projects.part_save(project=project, by=buyer, part_no=f"F-{n:03d}", name="零件", quantity=2,
                                processes=["CNC", "HT"]) for n in range(200)]
    rfq = rfqs.rfq_publish(rfq=rfqs.rfq_create(project=project, by=buyer, title="整模", lines=[
        {"part": p.pk} for p in parts], deadline=timezone.now() + timedelta(days=1)), by=buyer)
    with brain_context(brain.pk):
        lines = list(rfq.lines.order_by("line_no"))
    quote = rfqs.quote_submit(rfq=rfq, by=supplier, lines=[
        {"rfq_line": line.pk, "unit_price": Decimal("100"), "vat_rate": Decimal("13"), "lead_time_days": 20}
        for line in lines])
    with brain_context(brain.pk):
        Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        rfq.refresh_from_db()
        decisions = {ql.rfq_line_id: ql.pk for ql in quote.lines.all()}
    [order] = awards.award_lines(rfq=rfq, decisions=decisions, by=buyer)
    with brain_context(brain.pk):
        work_order = WorkOrder.objects.get(purchase_order=order)
    work_orders.work_order_accept(work_order=work_order, by=supplier)
    with brain_context(brain.pk):
        line = work_order.lines.select_related("work_order", "part").order_by("pk").first()
        operation = line.part.operations.order_by("sequence").first()
    client = Client()
    assert client.login(username=buyer.username, password="bench-password")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return brain, project, line, operation, supplier, cookie


async def open_boards(url, origin, cookie, project_id, count):
    import json

    import websockets

    async def one():
        socket_ = await websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": origin},
                                           open_timeout=60, max_queue=None)
        await asyncio.wait_for(socket_.recv(), 60)  # hello
        await socket_.send(json.dumps({"subscribe": "board", "id": project_id}))
        answer = json.loads(await asyncio.wait_for(socket_.recv(), 60))
        assert answer["ok"], answer
        return socket_

    sockets = []
    for start in range(0, count, 50):  # connect in batches: a handshake is a session and membership read
        sockets += await asyncio.gather(*(one() for _ in range(min(50, count - start))))
    return sockets


async def one_round(sockets, report) -> list[float]:
    """Send one report; seconds from the call until each socket has the update."""
    import json

    loop = asyncio.get_running_loop()

    async def wait_update(socket_):
        while True:
            message = json.loads(await asyncio.wait_for(socket_.recv(), 30))
            if message["type"] == "update" and message["topic"] == "board":
                return time.perf_counter()

    waiters = [asyncio.ensure_future(wait_update(s)) for s in sockets]
    started = time.perf_counter()
    await loop.run_in_executor(None, report)
    committed = time.perf_counter()
    arrived = await asyncio.gather(*waiters)
    return [t - started for t in arrived], committed - started


def main() -> None:
    django_setup()
    from capacity.services import work_orders

    print(machine())
    print(f"redis {os.environ['REDIS_URL']}")
    with scratch_database("board_fanout"):
        brain, project, line, operation, supplier, cookie = setup_data()
        port = free_port()
        processes = start_servers(port)
        results = {}
        try:
            percent = iter(range(1, 100))

            def report():
                from django.db import connection

                work_orders.progress_report(line=line, operation=operation, by=supplier, status="in_progress",
                                            percent=next(percent))
                connection.close()  # the executor thread's own connection

            async def run():
                origin = f"http://127.0.0.1:{port}"
                url = f"ws://127.0.0.1:{port}/ws/b/{brain.slug}/live/"
                for size in SIZES:
                    opened = time.perf_counter()
                    sockets = await open_boards(url, origin, cookie, project.pk, size)
                    connect_time = time.perf_counter() - opened
                    await one_round(sockets, report)  # warm-up
                    rounds = [await one_round(sockets, report) for _ in range(ROUNDS)]
                    await asyncio.gather(*(s.close() for s in sockets))
                    results[size] = (rounds, connect_time)

            asyncio.run(run())
        finally:
            stop(processes)
    print(f"\n| measured (same run, {ROUNDS} reports each) | " + " | ".join(f"{s} board(s)" for s in SIZES) + " |")
    print("| --- | " + " | ".join("---" for _ in SIZES) + " |")

    def cell(values):
        return f"{statistics.median(values) * 1000:.0f} ms ({min(values) * 1000:.0f}–{max(values) * 1000:.0f})"

    print("| report call (commit + outbox dispatch to the broker) | "
          + " | ".join(cell([c for _t, c in results[s][0]]) for s in SIZES) + " |")
    print("| median socket's update, per report | "
          + " | ".join(cell([statistics.median(t) for t, _c in results[s][0]]) for s in SIZES) + " |")
    print("| last socket's update (all have it), per report | "
          + " | ".join(cell([max(t) for t, _c in results[s][0]]) for s in SIZES) + " |")
    print("| first socket's update, per report | "
          + " | ".join(cell([min(t) for t, _c in results[s][0]]) for s in SIZES) + " |")
    print("| opening the boards' sockets (hello + subscribe) | "
          + " | ".join(f"{results[s][1] * 1000:.0f} ms" for s in SIZES) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
