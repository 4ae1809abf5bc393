"""The most that can be netted among payables: a maximum circulation on the directed payable graph, exact to the fen.

A netting cancels, on every payable (debtor → creditor), an amount 0 ≤ x ≤ its amount, such that every party's
netted amounts owing and owed are equal, so what it is owed less what it owes is unchanged: x is a circulation.
Netting the most means maximising Σx.

How: the remainders r = amount − x are then a flow along the payables in which every party sends its net debt
(what it owes less what it is owed, if positive) to the net creditors, and Σr is what is still to pay. So the
largest netting is a minimum-cost flow, every payable costing 1 per fen left on it; r = amount (net nothing) is
always feasible. It is solved exactly, in integer fen, by the primal-dual method: shortest paths from the net
debtors (Dijkstra on reduced costs, with potentials), then a maximum flow (Dinic) on the arcs of reduced cost 0,
repeated until every net debt is routed. Only payables inside a strongly connected part of the graph can be netted,
so each part is solved on its own; parallel payables between one pair are one arc, the pair's netted amount shared
out earliest due first.

Why not plain cycle cancelling (find a cycle, cancel its smallest payable, repeat): the first cycle cancelled can
block a larger netting — a payable in two cycles given to the shorter one, or netting pairs bilaterally first —
and undoing it needs the residual graph, i.e. this. finance/tests/nettings/test_circulation.py has both cases and
checks every answer against a linear program on random graphs.
"""

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

__all__ = ["Claim", "netting"]


@dataclass(frozen=True)
class Claim:
    """A payable as the graph sees it: `amount` in fen (an int > 0); `order` ranks parallel claims (earliest first)."""

    id: Hashable
    debtor: Hashable
    creditor: Hashable
    amount: int
    order: tuple = ()


def netting(claims: Iterable[Claim]) -> dict[Hashable, int]:
    """{claim id: fen netted} for every claim netted (> 0) in a netting that cancels the most in total. Each claim's
    netted amount is at most its amount, and every party nets as much owed as owing."""
    claims = list(claims)
    for claim in claims:
        if not isinstance(claim.amount, int) or claim.amount <= 0 or claim.debtor == claim.creditor:
            raise ValueError(f"claim {claim.id!r}: an amount in fen > 0 between two parties")
    pairs: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in claims:
        pairs[(claim.debtor, claim.creditor)].append(claim)
    capacity = {pair: sum(claim.amount for claim in group) for pair, group in pairs.items()}
    netted_pairs: dict[tuple, int] = {}
    for component in _strong_components(capacity):
        netted_pairs.update(_most_netted(component))
    netted = {}
    for pair, amount in netted_pairs.items():
        for claim in sorted(pairs[pair], key=lambda claim: (claim.order, str(claim.id))):
            if amount <= 0:
                break
            part = min(claim.amount, amount)
            netted[claim.id] = part
            amount -= part
    _check(claims, netted)
    return netted


def _check(claims: list[Claim], netted: dict) -> None:
    """The promise, checked on every answer: a bug must never reach the books."""
    position = defaultdict(int)
    for claim in claims:
        part = netted.get(claim.id, 0)
        if not 0 <= part <= claim.amount:
            raise AssertionError(f"claim {claim.id!r}: {part} netted of {claim.amount}")
        position[claim.debtor] -= part
        position[claim.creditor] += part
    if any(position.values()):
        raise AssertionError("a party's net position would change")


def _strong_components(capacity: dict[tuple, int]) -> list[dict[tuple, int]]:
    """The arcs inside each strongly connected part of the graph (Tarjan, iterative): only they can be netted."""
    out = defaultdict(list)
    for debtor, creditor in capacity:
        out[debtor].append(creditor)
        out.setdefault(creditor, [])
    index, low, on_stack, stack, component = {}, {}, set(), [], {}
    counter = 0
    for root in out:
        if root in index:
            continue
        work = [(root, iter(out[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(out[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = node
                    if member == node:
                        break
    parts: dict = defaultdict(dict)
    for (debtor, creditor), amount in capacity.items():
        if component[debtor] == component[creditor]:
            parts[component[debtor]][(debtor, creditor)] = amount
    return list(parts.values())


def _most_netted(capacity: dict[tuple, int]) -> dict[tuple, int]:
    """{(debtor, creditor): fen netted > 0} of one strongly connected part: capacity less the min-cost flow."""
    nodes = sorted({party for pair in capacity for party in pair}, key=str)
    number = {party: n for n, party in enumerate(nodes)}
    source, sink = len(nodes), len(nodes) + 1
    graph = _Graph(len(nodes) + 2)
    arcs = {pair: graph.add(number[pair[0]], number[pair[1]], amount, 1) for pair, amount in capacity.items()}
    balance = [0] * len(nodes)
    for (debtor, creditor), amount in capacity.items():
        balance[number[debtor]] += amount
        balance[number[creditor]] -= amount
    for node, owes in enumerate(balance):
        if owes > 0:
            graph.add(source, node, owes, 0)
        elif owes < 0:
            graph.add(node, sink, -owes, 0)
    graph.min_cost_flow(source, sink)
    netted = {pair: graph.capacity[arc] for pair, arc in arcs.items()}  # what is left unused on an arc is netted
    return {pair: amount for pair, amount in netted.items() if amount}


class _Graph:
    """A residual graph in flat lists: arc a and its reverse a ^ 1."""

    def __init__(self, size: int):
        self.size = size
        self.head: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []

    def add(self, tail: int, head: int, capacity: int, cost: int) -> int:
        arc = len(self.to)
        self.to += [head, tail]
        self.capacity += [capacity, 0]
        self.cost += [cost, -cost]
        self.head[tail].append(arc)
        self.head[head].append(arc + 1)
        return arc

    def min_cost_flow(self, source: int, sink: int) -> None:
        """Route everything the source sends at least cost (primal-dual: every cost here is >= 0 at the start)."""
        potential = [0] * self.size
        while True:
            distance = self._distances(source, potential)
            if distance[sink] is None:
                return
            reach = distance[sink]
            for node in range(self.size):
                potential[node] += reach if distance[node] is None else min(distance[node], reach)
            self._max_flow_on_tight_arcs(source, sink, potential)

    def _distances(self, source: int, potential: list[int]) -> list[int | None]:
        """Dijkstra on reduced costs (never negative, by the potentials) over arcs with room left."""
        distance: list[int | None] = [None] * self.size
        distance[source] = 0
        queue = [(0, source)]
        to, capacity, cost, head = self.to, self.capacity, self.cost, self.head
        while queue:
            reached, node = heapq.heappop(queue)
            if reached != distance[node]:
                continue
            base = reached + potential[node]
            for arc in head[node]:
                if capacity[arc] > 0:
                    nxt = to[arc]
                    candidate = base + cost[arc] - potential[nxt]
                    if distance[nxt] is None or candidate < distance[nxt]:
                        distance[nxt] = candidate
                        heapq.heappush(queue, (candidate, nxt))
        return distance

    def _max_flow_on_tight_arcs(self, source: int, sink: int, potential: list[int]) -> None:
        """Dinic on the arcs of reduced cost 0: every path it augments is a shortest one."""
        to, capacity, cost, head = self.to, self.capacity, self.cost, self.head
        tight = [[arc for arc in head[node] if cost[arc] + potential[node] == potential[to[arc]]]
                 for node in range(self.size)]
        while True:
            level = [-1] * self.size
            level[source] = 0
            frontier = [source]
            while frontier and level[sink] < 0:
                following = []
                for node in frontier:
                    for arc in tight[node]:
                        if capacity[arc] > 0 and level[to[arc]] < 0:
                            level[to[arc]] = level[node] + 1
                            following.append(to[arc])
                frontier = following
            if level[sink] < 0:
                return
            cursor = [0] * self.size
            while True:  # a blocking flow, one path at a time, the cursors never going back
                path, node = [], source
                while node != sink:
                    arcs = tight[node]
                    while cursor[node] < len(arcs):
                        arc = arcs[cursor[node]]
                        if capacity[arc] > 0 and level[to[arc]] == level[node] + 1:
                            break
                        cursor[node] += 1
                    else:
                        if node == source:
                            break
                        level[node] = -1  # a dead end this round
                        arc = path.pop()
                        node = to[arc ^ 1]
                        cursor[node] += 1
                        continue
                    path.append(arc)
                    node = to[arc]
                if node != sink:
                    break
                pushed = min(capacity[arc] for arc in path)
                for arc in path:
                    capacity[arc] -= pushed
                    capacity[arc ^ 1] += pushed
