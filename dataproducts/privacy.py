"""The one privacy module: nothing of a data product is published except the rows `publish` returns.

A definition (dataproducts.definitions) yields observations: the cell they fall in (its dimension values), the
enterprise behind them (one per unified social credit code, so distinct enterprise ids are distinct credit codes),
a weight for the dominance rule (e.g. a line's value) and the raw values its aggregate function needs. `publish`
groups them into cells and applies the product's rule (`rule_for`: the strictest of the brain's and the product's):

1. primary suppression: a cell with fewer distinct enterprises than the minimum, or one where a single enterprise
   holds more than `max_share` % of the cell's weight, is not published;
2. differencing: a cell that an earlier published revision of the product already published, from other
   contributions, is published again only if the difference (every enterprise whose records or weight in the cell
   changed, weighted by how much) passes the rule itself; else subtracting the two revisions would reveal it;
3. complementary suppression: the suppressed cells fold into ONE remainder row, its measures recomputed from the
   pooled observations. The remainder must pass the rule (and the differencing check against earlier remainders of
   the same period) too; while it does not, the smallest published cell joins it; if nothing makes it pass, no
   remainder is published at all (and the cells added for it are published after all).

No totals are published beside the rows: whatever the pages show as a total is the sum of published rows, so no
total minus the other cells reveals a suppressed one. Filters only select among published rows.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from dataproducts.models import DataProductSettings
from tenants.context import brain_context

__all__ = ["Cell", "Observation", "Outcome", "Row", "Rule", "passes", "publish", "rule_for"]


class Rule(NamedTuple):
    min_enterprises: int
    max_share: Decimal  # percent

    def as_dict(self) -> dict:
        return {"min_enterprises": self.min_enterprises, "max_share": str(self.max_share)}


class Observation(NamedTuple):
    cell: tuple  # the dimension values, in the definition's order
    enterprise: int
    weight: Any  # int or Decimal, not negative
    values: Any  # whatever the definition's aggregate function reads


_UNREAD = object()


def rule_for(product, *, settings=_UNREAD) -> Rule:
    """The strictest of the brain's DataProductSettings and the product's own rule: more enterprises, smaller share.
    `settings`: the brain's settings already read (None: it has none), to read them once for many products."""
    if settings is _UNREAD:
        with brain_context(product.brain_id):
            settings = DataProductSettings.objects.in_brain(product.brain_id).first()
    minimum = settings.min_enterprises if settings else 5
    share = settings.max_share if settings else Decimal("60.00")
    if product.min_enterprises is not None:
        minimum = max(minimum, product.min_enterprises)
    if product.max_share is not None:
        share = min(share, product.max_share)
    return Rule(minimum, Decimal(share))


def passes(rule: Rule, weights: Mapping[int, Any]) -> bool:
    """Enough distinct enterprises, and none above the largest share of the total weight."""
    if len(weights) < rule.min_enterprises:
        return False
    total = sum(weights.values())
    if total <= 0:
        return True  # nobody's weight to dominate
    return max(weights.values()) * 100 <= rule.max_share * total


def difference(now: Mapping[int, tuple], before: Mapping[int, tuple]) -> dict[int, Any]:
    """What changed between two publications of a cell, per enterprise: the absolute change of its weight (at least
    a token weight when only its record count changed); enterprises whose contribution is unchanged are absent."""
    changed = {}
    for enterprise in set(now) | set(before):
        records_now, weight_now = now.get(enterprise, (0, 0))
        records_before, weight_before = before.get(enterprise, (0, 0))
        if (records_now, weight_now) != (records_before, weight_before):
            changed[enterprise] = abs(Decimal(weight_now) - Decimal(weight_before))
    return changed


@dataclass
class Cell:
    key: tuple
    values: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)  # enterprise → weight
    records: dict = field(default_factory=dict)  # enterprise → observations

    @property
    def enterprises(self) -> int:
        return len(self.weights)

    @property
    def size(self):
        return sum(self.weights.values())

    def contributors(self) -> dict[int, tuple]:
        return {enterprise: (self.records[enterprise], weight) for enterprise, weight in self.weights.items()}

    def add(self, other: "Cell") -> None:
        self.values.extend(other.values)
        for enterprise, weight in other.weights.items():
            self.weights[enterprise] = self.weights.get(enterprise, 0) + weight
            self.records[enterprise] = self.records.get(enterprise, 0) + other.records[enterprise]


@dataclass
class Row:
    """A published row: `key` is None for the remainder."""

    key: tuple | None
    measures: dict
    enterprises: int
    contributors: dict  # enterprise → (records, weight): kept for the next revision's differencing, never shown

    @property
    def is_remainder(self) -> bool:
        return self.key is None


@dataclass
class Outcome:
    rows: list[Row]  # published cells by key, then the remainder if any
    suppressed: list[tuple]  # keys of every cell not published as itself
    remainder_cells: list[tuple]  # the suppressed keys pooled in the published remainder (empty if none)
    cells: dict[tuple, Cell]
    reasons: dict[tuple, str]  # suppressed key → "enterprises" | "dominance" | "differencing" | "complementary"

    def contributions(self) -> dict[int, dict]:
        """Per enterprise: records read, published cells it fed, suppressed cells it fed."""
        suppressed = set(self.suppressed)
        result: dict[int, dict] = {}
        for key, cell in self.cells.items():
            for enterprise, records in cell.records.items():
                entry = result.setdefault(enterprise, {"records": 0, "cells": 0, "suppressed_cells": 0})
                entry["records"] += records
                entry["suppressed_cells" if key in suppressed else "cells"] += 1
        return result


def group(observations: Iterable[Observation]) -> dict[tuple, Cell]:
    cells: dict[tuple, Cell] = {}
    for cell_key, enterprise, weight, values in observations:
        cell = cells.get(cell_key)
        if cell is None:
            cell = cells[cell_key] = Cell(cell_key)
        cell.values.append(values)
        cell.weights[enterprise] = cell.weights.get(enterprise, 0) + weight
        cell.records[enterprise] = cell.records.get(enterprise, 0) + 1
    return cells


def _passes_against(rule: Rule, contributors: dict, earlier: Iterable[Mapping[int, tuple]]) -> bool:
    for before in earlier:
        changed = difference(contributors, before)
        if changed and not passes(rule, changed):
            return False
    return True


def publish(observations: Iterable[Observation], *, aggregate: Callable[[list, int], dict], rule: Rule,
            earlier: Mapping[tuple, list] | None = None, earlier_remainders: list | None = None) -> Outcome:
    """The rows that may be published from `observations` under `rule`.

    `earlier` maps a cell key to the contributors (enterprise → (records, weight)) of each earlier publication of
    that cell; `earlier_remainders` lists those of earlier published remainders of the same period."""
    earlier = earlier or {}
    cells = group(observations)
    reasons: dict[tuple, str] = {}
    for key, cell in cells.items():
        if cell.enterprises < rule.min_enterprises:
            reasons[key] = "enterprises"
        elif not passes(rule, cell.weights):
            reasons[key] = "dominance"
        elif not _passes_against(rule, cell.contributors(), earlier.get(key, ())):
            reasons[key] = "differencing"
    primary = [key for key in cells if key in reasons]
    remainder_keys: list[tuple] = []
    if primary:
        pool = Cell(None)
        for key in primary:
            pool.add(cells[key])
        # The smallest published cells first, each joining the remainder until it passes.
        candidates = sorted((key for key in cells if key not in reasons),
                            key=lambda key: (cells[key].size, cells[key].enterprises, _sortable(key)))
        added = []
        while not (passes(rule, pool.weights)
                   and _passes_against(rule, pool.contributors(), earlier_remainders or ())):
            if not candidates:
                pool = None
                break
            key = candidates.pop(0)
            pool.add(cells[key])
            added.append(key)
        if pool is not None:
            for key in added:
                reasons[key] = "complementary"
            remainder_keys = primary + added
    suppressed = [key for key in cells if key in reasons]
    rows = [Row(key, aggregate(cells[key].values, cells[key].enterprises), cells[key].enterprises,
                cells[key].contributors())
            for key in sorted((key for key in cells if key not in reasons), key=_sortable)]
    if remainder_keys:
        rows.append(Row(None, aggregate(pool.values, pool.enterprises), pool.enterprises, pool.contributors()))
    return Outcome(rows=rows, suppressed=sorted(suppressed, key=_sortable),
                   remainder_cells=sorted(remainder_keys, key=_sortable), cells=cells, reasons=reasons)


def _sortable(key: tuple) -> tuple:
    return tuple("" if value is None else str(value) for value in key)
