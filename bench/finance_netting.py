"""Netting before financing: a netting over 5,000 confirmed payables among 500 members of one brain (a random
graph, fixed seed), against an honest floor measured in the same run.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/finance_netting.py
    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/finance_netting.py 2000 200

The graph: every payable is owed by one member to another drawn at random (a sparse random graph, so almost every
member is in one strongly connected part and cycles abound); amounts log-normal around ¥50,000 (to the fen), due
in the next 60 days; all confirmed. A second graph, "tiered", is closer to a cluster's supply chain: members in
four tiers (mould makers, machining shops, heat treatment and surface shops, steel traders) owe mostly the tier
below, and only 5 % of debts go up a tier (a shop buying a fixture from a mould maker), so cycles are rare.

Measured side by side, interleaved round by round (the first round warms up), in one process:

  - floor: reading the payables a netting takes (the same query: confirmed, due in the window, in no live netting,
    never paid early, between active members) and building the graph in memory, claims grouped by pair;
  - the algorithm alone (finance.circulation.netting) on that graph;
  - netting_preview, as the operator's "preview" calls it: the read and the algorithm, nothing written;
  - netting_propose: the same plus the proposal, its legs and positions, the outbox event (rolled back after
    each round, so every round proposes the same);
  - settlement: every party marked confirmed (untimed), then netting_settle: the payables locked in id order and
    re-checked, each netted one split (the remainder a payable of its own with its number), one balanced entry.

The payables are inserted directly (bulk) as confirmed ones; of the confirmation entries behind them only their
accounts are made (each member's receivable and payable in the finance book), which is all the netting's entry
touches. The database is a scratch one; nothing is dispatched (every round
rolls back, so no outbox event commits).
"""

import random
import sys
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from _support import django_setup, machine, median, scratch_database, spread

PAYABLES = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
MEMBERS = int(sys.argv[2]) if len(sys.argv) > 2 else 500
RUNS = 7
SEED = 2026_14
TIERS = (0.1, 0.4, 0.3, 0.2)  # shares of the members: mould makers, machining, heat/surface, steel traders


class Rollback(Exception):
    """Leaves a round's writes behind: every round starts from the same payables."""


def random_graph(rng, members: list[int]) -> list[tuple[int, int]]:
    pairs = []
    for _ in range(PAYABLES):
        debtor, creditor = rng.sample(members, 2)
        pairs.append((debtor, creditor))
    return pairs


def tiered_graph(rng, members: list[int]) -> list[tuple[int, int]]:
    tiers, start = [], 0
    for share in TIERS:
        size = max(2, round(share * len(members)))
        tiers.append(members[start:start + size])
        start += size
    tiers[-1] += members[start:]
    pairs = []
    for _ in range(PAYABLES):
        tier = rng.randrange(len(tiers) - 1)
        if rng.random() < 0.05:  # a debt up the chain: what makes a cycle possible
            debtor, creditor = rng.choice(tiers[tier + 1]), rng.choice(tiers[tier])
        else:
            debtor, creditor = rng.choice(tiers[tier]), rng.choice(tiers[tier + 1])
        pairs.append((debtor, creditor))
    return pairs


def build(name: str, graph, operator):
    """A brain of MEMBERS active members and PAYABLES confirmed payables among them drawn by `graph`."""
    from django.utils import timezone

    from finance.models import Payable
    from finance.services import books
    from ledger.models import Account
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Brain, BrainStaff, Enterprise, Membership

    started = time.perf_counter()
    offset = 7_000_000 if name == "random" else 8_000_000
    brain = Brain.objects.create(slug=f"bench-netting-{name}", name_zh=f"轧差基准{name}", name_en="bench",
                                 sector="bench")
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(credit_code=demo_credit_code(offset + n, "331003"), legal_name=f"台州市基准{name}{n:04d}模具有限公司",
                   region_code="331003") for n in range(MEMBERS)])
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
        Membership.objects.bulk_create([Membership(brain=brain, enterprise=e, roles=["buyer", "supplier"],
                                                   status=Membership.Status.ACTIVE) for e in enterprises])
    rng = random.Random(SEED)
    today = timezone.localdate()
    ids = [e.pk for e in enterprises]
    rows = []
    for n, (debtor, creditor) in enumerate(graph(rng, ids)):
        amount = Decimal(max(1, round(rng.lognormvariate(10.8, 1.0) * 100))) / 100
        rows.append(Payable(
            brain=brain, number=f"AP-BENCH-{n:06d}", source=Payable.Source.GROUP_BUY, source_id=n,
            description="基准应付款", debtor_id=debtor, creditor_id=creditor, amount=amount,
            tax=(amount * 13 / 113).quantize(Decimal("0.01")), accepted_on=today - timedelta(days=5),
            due_on=today + timedelta(days=rng.randrange(1, 61)), status=Payable.Status.CONFIRMED,
            confirmed_at=timezone.now(), confirmed_by=operator))
    with brain_context(brain.pk):
        Payable.objects.bulk_create(rows, batch_size=1000)
        # What the debtors' confirmations left in the finance book: every member's receivable and payable account.
        Account.objects.bulk_create([Account(brain=brain, book=books.BOOK, kind=kind, enterprise_id=e)
                                     for e in ids for kind in (books.RECEIVABLE, books.PAYABLE)])
    print(f"{name}: {MEMBERS} members, {PAYABLES:,} payables built in {time.perf_counter() - started:.1f} s")
    return brain, today, today + timedelta(days=60)


def main() -> None:
    django_setup()
    from django.conf import settings

    from tenants.models import User

    settings.DEBUG = False  # no query log behind every statement
    with scratch_database("finance_netting"):
        print(machine())
        operator = User.objects.create(username="bench-operator", full_name="基准运营")
        for name, graph in (("random", random_graph), ("tiered", tiered_graph)):
            measure_graph(name, *build(name, graph, operator), operator)


def measure_graph(name, brain, window_from, window_to, operator) -> None:
    """Time the floor, the algorithm, the preview, the proposal and the settlement on one brain's payables."""
    from django.db import connection, transaction

    from finance import circulation
    from finance.models import Netting, NettingParty, Payable
    from finance.selectors.nettings import nettable_payables
    from finance.services import nettings
    from tenants.context import brain_context
    from tenants.selectors.memberships import active_members

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    window = {"window_from": window_from, "window_to": window_to}

    def floor():
        """Read what a netting reads and build the graph in memory: claims by (debtor, creditor)."""
        with brain_context(brain.pk):
            members = active_members(brain=brain).values("enterprise_id")
            rows = (nettable_payables(brain=brain, **window)
                    .filter(debtor_id__in=members, creditor_id__in=members)
                    .values_list("pk", "debtor_id", "creditor_id", "amount", "due_on"))
            graph = defaultdict(list)
            for pk, debtor, creditor, amount, due_on in rows:
                graph[(debtor, creditor)].append(circulation.Claim(
                    id=pk, debtor=debtor, creditor=creditor, amount=int(amount * 100), order=(due_on, pk)))
        return graph

    claims = [claim for group in floor().values() for claim in group]
    total = sum(claim.amount for claim in claims)

    def algorithm():
        return circulation.netting(claims)

    def preview():
        return nettings.netting_preview(brain=brain, by=operator, **window)

    def propose():
        try:
            with transaction.atomic():
                nettings.netting_propose(brain=brain, by=operator, **window)
                raise Rollback
        except Rollback:
            pass

    settle_times = []

    def settle():
        try:
            with transaction.atomic():
                netting = nettings.netting_propose(brain=brain, by=operator, **window)
                with brain_context(brain.pk):
                    NettingParty.objects.in_brain(brain).filter(netting=netting).update(
                        decision=NettingParty.Decision.CONFIRMED, decided_at=netting.proposed_at)
                started = time.perf_counter()
                nettings.netting_settle(netting=netting, by=operator)
                settle_times.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass

    timed = defaultdict(list)
    for round_ in range(RUNS + 1):  # interleaved; the first round warms up
        for key, fn in (("floor", floor), ("algorithm", algorithm), ("preview", preview),
                        ("propose", propose)):
            started = time.perf_counter()
            fn()
            if round_:
                timed[key].append(time.perf_counter() - started)
        settle()
    netted = algorithm()
    plan = preview()
    partial = sum(1 for claim in claims if claim.id in netted and netted[claim.id] < claim.amount)
    with brain_context(brain.pk):
        assert not Netting.objects.in_brain(brain).exists()  # every round rolled back
        assert Payable.objects.in_brain(brain).count() == PAYABLES
    print(f"\n{name}: {len(claims):,} payables, ¥{total / 100:,.2f} owed, {len({c.debtor for c in claims} | {c.creditor for c in claims})} parties")
    print(f"  netted ¥{sum(netted.values()) / 100:,.2f} = {sum(netted.values()) / total * 100:.1f} % of the "
          f"total, on {len(netted):,} payables ({partial:,} of them in part), "
          f"{len(plan.positions)} parties; plan agrees: {plan.netted_total * 100 == sum(netted.values())}")
    base = median(timed["floor"])
    for key in ("floor", "algorithm", "preview", "propose"):
        print(f"  {key:<10} {spread(timed[key])}  = {median(timed[key]) / base:.2f} × floor")
    settle_runs = settle_times[1:]
    print(f"  {'settle':<10} {spread(settle_runs)}  = {median(settle_runs) / base:.2f} × floor "
          f"({partial:,} remainders split off and numbered, one entry)")


if __name__ == "__main__":
    sys.exit(main())
