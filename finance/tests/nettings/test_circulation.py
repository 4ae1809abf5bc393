"""The netting algorithm (finance.circulation) on hand-built graphs with known answers, and on random graphs
against a linear program: each payable nets at most its amount, every party's net position stays, and the total
netted is the most there is."""

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from finance.circulation import Claim, netting


def claims(*rows):
    """Claims from (debtor, creditor, amount) rows, numbered from 1 in order (which also ranks parallel ones)."""
    return [Claim(id=n, debtor=d, creditor=c, amount=a, order=(n,)) for n, (d, c, a) in enumerate(rows, start=1)]


def positions(rows, netted):
    """What each party is owed less what it owes, on the netted amounts (all zero for a netting)."""
    net = defaultdict(int)
    for claim in rows:
        net[claim.creditor] += netted.get(claim.id, 0)
        net[claim.debtor] -= netted.get(claim.id, 0)
    return net


def test_a_triangle_nets_its_smallest_debt_on_every_side():
    rows = claims(("A", "B", 10000), ("B", "C", 8000), ("C", "A", 6000))
    assert netting(rows) == {1: 6000, 2: 6000, 3: 6000}


def test_a_payable_in_two_cycles_goes_to_the_longer_one():
    """A→B is in A→B→C→A and in A→B→D→E→A. Cancelling the first cycle found (the triangle) nets 3 × 100; giving
    A→B to the longer cycle nets 4 × 100, the most."""
    rows = claims(("A", "B", 100), ("B", "C", 100), ("C", "A", 100), ("B", "D", 100), ("D", "E", 100),
                  ("E", "A", 100))
    assert netting(rows) == {1: 100, 4: 100, 5: 100, 6: 100}


def test_a_payable_in_two_cycles_serves_both_when_it_can():
    rows = claims(("A", "B", 150), ("B", "C", 100), ("C", "A", 100), ("B", "D", 50), ("D", "A", 50))
    assert netting(rows) == {1: 150, 2: 100, 3: 100, 4: 50, 5: 50}


def test_netting_pairs_first_would_net_less():
    """u and v owe each other 1; v owes w and w owes u 1. Bilateral netting first cancels 2 and leaves no cycle;
    the most is 3, around u→v→w→u, leaving v's debt to u."""
    rows = claims(("u", "v", 1), ("v", "u", 1), ("v", "w", 1), ("w", "u", 1))
    assert netting(rows) == {1: 1, 3: 1, 4: 1}


def test_parallel_payables_between_one_pair_net_earliest_first_and_at_most_one_in_part():
    rows = claims(("A", "B", 3000), ("A", "B", 5000), ("A", "B", 4000), ("B", "A", 6000))
    assert netting(rows) == {1: 3000, 2: 3000, 4: 6000}


def test_a_graph_without_a_cycle_nets_nothing():
    rows = claims(("A", "B", 100), ("B", "C", 100), ("A", "C", 100), ("D", "C", 50))
    assert netting(rows) == {}
    assert netting([]) == {}


def test_only_the_parts_with_a_cycle_net_and_each_on_its_own():
    rows = claims(("A", "B", 500), ("B", "A", 300), ("B", "C", 900), ("C", "D", 70), ("D", "C", 90),
                  ("E", "F", 1))
    assert netting(rows) == {1: 300, 2: 300, 4: 70, 5: 70}


def test_amounts_are_exact_to_the_fen_however_large():
    big = 99_999_999_999_999  # ¥999,999,999,999.99, the largest amount a column holds
    rows = claims(("A", "B", big), ("B", "C", big - 1), ("C", "A", big - 2))
    assert netting(rows) == {1: big - 2, 2: big - 2, 3: big - 2}


@pytest.mark.parametrize("bad", [Claim(1, "A", "B", 0), Claim(1, "A", "A", 5), Claim(1, "A", "B", 1.5)])
def test_it_refuses_what_is_not_a_debt_in_fen(bad):
    with pytest.raises(ValueError):
        netting([bad])


def most_by_linear_program(rows) -> float:
    """The largest circulation within the amounts, by HiGHS: an answer found another way."""
    if not rows:
        return 0
    parties = sorted({p for claim in rows for p in (claim.debtor, claim.creditor)})
    index = {p: n for n, p in enumerate(parties)}
    flow = np.zeros((len(parties), len(rows)))
    for column, claim in enumerate(rows):
        flow[index[claim.debtor], column] += 1
        flow[index[claim.creditor], column] -= 1
    result = linprog(-np.ones(len(rows)), A_eq=flow, b_eq=np.zeros(len(parties)),
                     bounds=[(0, claim.amount) for claim in rows], method="highs")
    assert result.status == 0
    return -result.fun


graphs = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 10_000_000)),
                  max_size=16).map(lambda rows: claims(*[(d, c, a) for d, c, a in rows if d != c]))


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_on_any_graph_positions_stay_each_nets_at_most_its_amount_and_the_total_is_the_most(rows):
    netted = netting(rows)
    amounts = {claim.id: claim.amount for claim in rows}
    assert all(isinstance(part, int) and 0 < part <= amounts[claim] for claim, part in netted.items())
    assert not any(positions(rows, netted).values())
    assert abs(sum(netted.values()) - most_by_linear_program(rows)) < 0.5
