"""Award optimiser: capacity.optimiser.optimise on 500 RFQ lines × 50 quotes each (25,000 options), with
capacity constraints that bind and a max_suppliers variant, against optimiser.naive.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/award_optimiser.py

200 suppliers with a price level each (log-normal, σ 0.15); every line needs 5–40 h on one or two of four
processes; each (supplier, process) has 3× its even share of the total demand, so the cheapest suppliers
run out of hours under the naive choice. optimise() is called as the service calls it (default 30 s time
limit). A thin wrapper around the module's `milp` (bench only, nothing is changed) records how long HiGHS
took, its status and its best solution, so the model-building time and a discarded incumbent are visible.
Reference variants without capacity show what the capacity rows cost. 5 % of the quotes miss their
line's due date: optimise() leaves them out, naive() does not, so naive is never quite feasible here.
"""

import random
import sys
import time
from collections import defaultdict
from decimal import Decimal

from _support import django_setup, machine, measure, median, spread

LINES = 500
QUOTES = 50
SUPPLIERS = 200
PROCESSES = (1, 2, 3, 4)
CAPACITY_FACTOR = 3.0
MAX_SUPPLIERS = 80  # with capacity: 200/3 suppliers' hours are needed at least, so 80 binds but is feasible
REFERENCE_MAX_SUPPLIERS = 15  # without capacity: the naive choice uses 26 suppliers
SEED = 500


def generate():
    from capacity.optimiser import Option

    rng = random.Random(SEED)
    level = {s: rng.lognormvariate(0, 0.15) for s in range(SUPPLIERS)}
    options, demand = [], defaultdict(float)
    for line in range(LINES):
        base = rng.uniform(1_000, 50_000)  # CNY for the line at an average price level
        hours = {p: round(rng.uniform(5, 40), 1) for p in rng.sample(PROCESSES, rng.randint(1, 2))}
        for process, h in hours.items():
            demand[process] += h
        for k, supplier in enumerate(rng.sample(range(SUPPLIERS), QUOTES)):
            options.append(Option(
                line=line, quote_line=line * 1000 + k, supplier=supplier,
                cost=Decimal(str(round(base * level[supplier] * rng.uniform(0.95, 1.05), 2))),
                meets_due_date=rng.random() < 0.95, hours=hours,
            ))
    capacity = {(s, p): demand[p] / SUPPLIERS * CAPACITY_FACTOR for s in range(SUPPLIERS) for p in PROCESSES}
    return options, capacity


def overload(options, choice, capacity) -> tuple[int, float]:
    """(supplier, process) pairs a choice overloads, and the worst load / capacity."""
    load = defaultdict(float)
    for option in options:
        if choice.get(option.line) == option.quote_line:
            for process, hours in option.hours.items():
                load[(option.supplier, process)] += hours
    over = [load[key] / capacity[key] for key in load if key in capacity and load[key] > capacity[key] + 1e-9]
    return len(over), max(over, default=0.0)


def main() -> None:
    django_setup()
    from capacity import optimiser

    print(f"machine: {machine()}")
    options, capacity = generate()
    print(f"{LINES} lines × {QUOTES} quotes = {len(options):,} options, {SUPPLIERS} suppliers, "
          f"{len(capacity)} capacity rows at {CAPACITY_FACTOR:g}× the even share")

    solver = []
    real_milp = optimiser.milp

    def recording_milp(*args, **kwargs):
        started = time.perf_counter()
        result = real_milp(*args, **kwargs)
        solver.append({"seconds": time.perf_counter() - started, "status": result.status,
                       "message": result.message, "has_x": result.x is not None,
                       "objective": result.fun, "gap": getattr(result, "mip_gap", None)})
        return result

    optimiser.milp = recording_milp

    naive_times = measure(lambda: optimiser.naive(options), runs=7)
    cheapest = optimiser.naive(options)
    pairs, worst = overload(options, cheapest.choice, capacity)
    print(f"\nnaive (cheapest per line): {spread(naive_times)}; total {cheapest.total:,.2f} CNY; "
          f"overloads {pairs} (supplier, process) pairs, worst at {worst:.1f}× capacity; "
          f"{len({o.supplier for o in options if cheapest.choice.get(o.line) == o.quote_line})} suppliers")

    variants = [
        ("capacity", capacity, None),
        (f"capacity + max_suppliers={MAX_SUPPLIERS}", capacity, MAX_SUPPLIERS),
        ("reference: no capacity", {}, None),
        (f"reference: max_suppliers={REFERENCE_MAX_SUPPLIERS}, no capacity", {}, REFERENCE_MAX_SUPPLIERS),
    ]
    for label, limits, max_suppliers in variants:
        solver.clear()
        results = []
        times = measure(lambda: results.append(optimiser.optimise(options, capacity=limits, max_suppliers=max_suppliers)),
                        runs=3)
        result, run = results[-1], solver[-1]
        solve = median([s["seconds"] for s in solver[1:]])
        print(f"\noptimise, {label}: {spread(times)} (HiGHS {solve * 1000:.0f} ms, building the model "
              f"≈ {(median(times) - solve) * 1000:.0f} ms)")
        print(f"  HiGHS: status {run['status']} ({run['message'].split('(')[0].strip()}), "
              f"solution {'found' if run['has_x'] else 'none'}"
              + (f", objective {run['objective'] / 100:,.2f} CNY, gap {run['gap'] * 100:.3f}%" if run["has_x"] else ""))
        if result.feasible:
            used = len({o.supplier for o in options if result.choice.get(o.line) == o.quote_line})
            print(f"  Result: feasible, total {result.total:,.2f} CNY = naive {'+' if result.total >= cheapest.total else ''}"
                  f"{(result.total / cheapest.total - 1) * 100:.2f}%, {used} suppliers, "
                  f"{len(result.unquoted)} lines unquoted")
        else:
            print("  Result: feasible=False — the service would store the recommendation as 'no feasible award'"
                  + (f", although HiGHS held a solution {run['objective'] / 100 / float(cheapest.total) * 100 - 100:+.2f}% "
                     f"against naive" if run["has_x"] else ""))
        # Is the naive choice itself feasible under the same limits? (as recommendation_compute checks)
        check = optimiser.optimise([o for o in options if cheapest.choice.get(o.line) == o.quote_line],
                                   capacity=limits, max_suppliers=max_suppliers)
        print(f"  naive choice feasible under these limits and the due dates: {check.feasible and not check.unquoted}")


if __name__ == "__main__":
    sys.exit(main())
