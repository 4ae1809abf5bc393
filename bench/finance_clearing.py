"""Dynamic discounting: a clearing run over 10,000 open offers of one buyer's programme, against an honest floor
measured in the same run — sorting the same offers in memory as the clearing ranks them.

    cd /work/main && .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/finance_clearing.py
    .venv/bin/python -m config.local_stack exec -- .venv/bin/python bench/finance_clearing.py 10000 0.1

The programme: one buyer, 500 suppliers, 10,000 confirmed payables owed by the buyer (log-normal around ¥50,000,
to the fen, due in 20 to 120 days), one open offer on each: 80 % at an annual rate drawn from 3 % to 15 %, 20 % a
flat percent of 0.2 % to 3 % (so some fall below the 6 % hurdle), offered over the last ten days. The cash is a
share of the offers' face (the second argument, default 10 %): the clearing pays what fits, best rate first.

Measured side by side, interleaved round by round (the first round warms up), in one process:

  - sort (the floor): the same offers, already in memory with their rates a year, sorted as the clearing ranks
    them (highest rate first, ties by the earlier offer, then id);
  - allocate: finance.services.discounting.allocate on those candidates (filter by the hurdle, sort, fill the cash);
  - nothing: the same clearing run with cash for no offer (the programme's cash set to ¥0.01 inside the rolled-back
    round): the locks, the reads, the terms and the ranking of all 10,000 without a payment;
  - clearing: finance.services.discounting.discount_clearing_run as beat calls it — the programme locked, the open
    offers and their claims locked and read (three queries), each one's terms, the allocation, and for every
    cleared offer its early payment (the database's triggers judge each), its balanced entry, the payable paid, the
    outbox events, the offers and the programme updated; rolled back after each round, so every round clears the
    same offers.

The payables and offers are inserted directly (bulk); of the confirmation entries behind the payables only their
accounts are made. The database is a scratch one; nothing is dispatched (every round rolls back).
"""

import random
import sys
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from _support import django_setup, machine, median, scratch_database, spread

OFFERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
CASH_SHARE = Decimal(sys.argv[2]) if len(sys.argv) > 2 else Decimal("0.1")
SUPPLIERS = 500
RUNS = 5
SEED = 2026_14


class Rollback(Exception):
    """Leaves a round's writes behind: every round starts from the same offers."""


def build(user):
    """A brain with the buyer, its suppliers, the payables and one open offer on each; the programme."""
    from django.utils import timezone

    from finance.models import DiscountOffer, DiscountProgramme, Payable
    from finance.services import books
    from ledger.models import Account
    from tenants.context import brain_context
    from tenants.demo import demo_credit_code
    from tenants.models import Brain, Enterprise, Membership

    started = time.perf_counter()
    rng = random.Random(SEED)
    brain = Brain.objects.create(slug="bench-clearing", name_zh="提前付款基准", name_en="bench", sector="bench")
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(credit_code=demo_credit_code(9_000_000 + n, "331003"), legal_name=f"台州市基准{n:04d}模具有限公司",
                   region_code="331003") for n in range(SUPPLIERS + 1)])
    buyer, suppliers = enterprises[0], [e.pk for e in enterprises[1:]]
    today, now = timezone.localdate(), timezone.now()
    with brain_context(brain.pk):
        Membership.objects.bulk_create([Membership(brain=brain, enterprise=e, status=Membership.Status.ACTIVE,
                                                   roles=["buyer"] if e is buyer else ["supplier"])
                                        for e in enterprises])
        payables = Payable.objects.bulk_create([Payable(
            brain=brain, number=f"AP-BENCH-{n:06d}", source=Payable.Source.GROUP_BUY, source_id=n,
            description="基准应付款", debtor=buyer, creditor_id=rng.choice(suppliers),
            amount=(amount := Decimal(max(100, round(rng.lognormvariate(10.8, 1.0) * 100))) / 100),
            tax=(amount * 13 / 113).quantize(Decimal("0.01")), accepted_on=today - timedelta(days=10),
            due_on=today + timedelta(days=rng.randrange(20, 121)), status=Payable.Status.CONFIRMED,
            confirmed_at=now, confirmed_by=user) for n in range(OFFERS)], batch_size=2000)
        Account.objects.bulk_create([Account(brain=brain, book=books.BOOK, kind=kind, enterprise_id=e)
                                     for e in [buyer.pk, *suppliers]
                                     for kind in (books.RECEIVABLE, books.PAYABLE, books.CASH)])
        face = sum(p.amount for p in payables)
        programme = DiscountProgramme.objects.create(
            brain=brain, number="DP-BENCH-1", buyer=buyer, title="基准提前付款计划",
            cash_available=(face * CASH_SHARE).quantize(Decimal("0.01")), starts_on=today,
            ends_on=today + timedelta(days=30), cutoff_time=timezone.localtime(now).time(), hurdle_apr=Decimal(6),
            created_by=user)
        DiscountOffer.objects.bulk_create([DiscountOffer(
            brain=brain, programme=programme, supplier_id=p.creditor_id, payable=p,
            **({"rate": "apr", "apr": Decimal(rng.randrange(300, 1501)) / 100} if rng.random() < 0.8 else
               {"rate": "percent", "percent": Decimal(rng.randrange(20, 301)) / 100}),
            offered_at=now - timedelta(minutes=rng.randrange(10 * 24 * 60)), offered_by=user)
            for p in payables], batch_size=2000)
    print(f"{OFFERS:,} offers on ¥{face:,.2f} of payables, cash ¥{programme.cash_available:,.2f} "
          f"({CASH_SHARE * 100:.0f} %), built in {time.perf_counter() - started:.1f} s")
    return brain, programme


def main() -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from finance.models import DiscountOffer, DiscountProgramme, EarlyPayment
    from finance.services import discounting
    from finance.services.discounting import _candidates, allocate
    from tenants.context import brain_context
    from tenants.models import User

    settings.DEBUG = False  # no query log behind every statement
    with scratch_database("finance_clearing"):
        print(machine())
        user = User.objects.create(username="bench-buyer", full_name="基准采购")
        brain, programme = build(user)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        cutoff = timezone.now()
        paid_on = timezone.localtime(cutoff).date()
        with transaction.atomic(), brain_context(brain.pk):  # the candidates as the clearing sees them, once
            candidates, lapsed = _candidates(programme, cutoff, paid_on)
        assert not lapsed and len(candidates) == OFFERS

        def sort():
            return sorted(candidates, key=lambda c: (-c.terms.apr, c.offer.ranked_at, c.offer.pk))

        def allocation():
            return allocate(candidates, programme.cash_available, programme.hurdle_apr)

        runs = []

        def clearing():
            try:
                with transaction.atomic():
                    runs.append(discounting.discount_clearing_run(programme=programme, cutoff_at=cutoff))
                    raise Rollback
            except Rollback:
                pass

        def reading():
            """The same clearing with too little cash for any offer: the locks, reads and ranking without a payment."""
            try:
                with transaction.atomic():
                    with brain_context(brain.pk):
                        DiscountProgramme.objects.in_brain(brain).filter(pk=programme.pk).update(
                            cash_available=Decimal("0.01"))
                    assert discounting.discount_clearing_run(programme=programme, cutoff_at=cutoff).offers_cleared == 0
                    raise Rollback
            except Rollback:
                pass

        timed = defaultdict(list)
        for round_ in range(RUNS + 1):  # interleaved; the first round warms up
            for key, fn in (("sort", sort), ("allocate", allocation), ("nothing", reading), ("clearing", clearing)):
                started = time.perf_counter()
                fn()
                if round_:
                    timed[key].append(time.perf_counter() - started)
        cleared, below, skipped = allocation()
        run = runs[-1]
        assert (run.offers_cleared, run.offers_below_hurdle, run.offers_skipped) == (len(cleared), below, skipped)
        with brain_context(brain.pk):
            assert not EarlyPayment.objects.in_brain(brain).exists()  # every round rolled back
            assert DiscountOffer.objects.in_brain(brain).filter(status="open").count() == OFFERS
        print(f"\nclearing: {run.offers_cleared:,} offers cleared (¥{run.cash_cleared:,.2f} paid, discounts "
              f"¥{run.discount_total:,.2f}), {skipped:,} did not fit, {below:,} below the hurdle")
        base = median(timed["sort"])
        for key in ("sort", "allocate", "nothing", "clearing"):
            print(f"  {key:<9} {spread(timed[key])}  = {median(timed[key]) / base:,.1f} × the in-memory sort")
        per = (median(timed["clearing"]) - median(timed["nothing"])) / max(1, run.offers_cleared) * 1000
        print(f"  (nothing: the same run with cash for no offer.) Each early payment made adds {per:.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
