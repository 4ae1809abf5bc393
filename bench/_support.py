"""What the benchmarks share: Django set up from a script, a scratch database, timing, the machine.

Run every bench through the local stack, so DATABASE_URL points at a real PostgreSQL:

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/<name>.py

Database benches create their own database next to the dev one (``bench_ib_<name>``, migrated like a
test database, with RLS) and drop it at the end, so they never see or touch the demo data.
"""

import contextlib
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # Every outbox dispatch logs a cross-brain audit line; a bench makes thousands. Not silenced anywhere else.
    logging.getLogger("industry_brain.audit").setLevel(logging.WARNING)


@contextlib.contextmanager
def scratch_database(name: str):
    """A fresh, migrated database `bench_ib_<name>` (dropped afterwards, even on failure)."""
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_ib_{name}"
    original = connection.settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    print(f"scratch database {connection.settings_dict['NAME']} ready in {time.perf_counter() - started:.1f} s "
          f"(dev database {original} untouched)")
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original, verbosity=0, keepdb=False)


def measure(fn, *, runs: int = 5, warmup: int = 1, before=None) -> list[float]:
    """Run `before()` (untimed) then `fn()` (timed): warm-up runs first, then `runs` timed ones."""
    times = []
    for index in range(warmup + runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        if index >= warmup:
            times.append(elapsed)
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


def spread(times: list[float]) -> str:
    return f"median {median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(times)})"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import django

    parts = [f"{os.cpu_count()} × {cpu}", f"Python {platform.python_version()}", f"Django {django.get_version()}",
             platform.platform()]
    with contextlib.suppress(Exception):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            parts.append(f"PostgreSQL {cursor.fetchone()[0]}")
    return "; ".join(parts)


def make_brain(slug: str, codes: list[str]):
    """A brain with a process catalogue, a buyer enterprise and its admin user (rows, as fixtures make them)."""
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Brain, Enterprise, Membership, Process, User

    brain = Brain.objects.create(slug=slug, name_zh=slug, name_en=slug, sector=slug)
    with brain_context(brain.pk):
        for order, code in enumerate(codes):
            Process.objects.create(brain=brain, code=code, name_zh=code, name_en=code, sort_order=order)
    buyer = Enterprise.objects.create(credit_code=demo_credit_code(9_000_001, "331003"), legal_name="基准买方",
                                      region_code="331003")
    with brain_context(brain.pk):
        Membership.objects.create(brain=brain, enterprise=buyer, roles=["buyer"], status=Membership.Status.ACTIVE)
    user = User.objects.create(username=f"bench-{slug}", enterprise=buyer, enterprise_role="admin")
    return brain, user


MOULD_PROCESSES = ["CUT", "TURN", "CNC", "DRILL", "DEEP", "WEDM", "EDM", "GRIND", "HT", "NITR", "POLISH", "TEXT",
                   "ASSY", "TRIAL"]
