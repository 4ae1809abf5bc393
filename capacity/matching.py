"""Matching: which suppliers can make an RFQ line, and how well they fit. Pure functions over plain data,
so the service loads everything in a few queries and the ranking can be tested and benchmarked alone."""

from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_RATING = Decimal("3.50")  # of 5: a supplier with no record yet is ranked as average
DEFAULT_ON_TIME = Decimal("0.900")
DEFAULT_FIRST_PASS_YIELD = Decimal("0.950")  # no inspection yet: neither rewarded nor punished
MAX_MATCHES_PER_LINE = 20  # the best 20 per line are invited: enough choice, no flood of invitations


@dataclass(frozen=True)
class MachineSpec:
    process: int
    envelope: tuple[int, int, int]  # sorted descending
    max_weight_kg: Decimal
    tolerance_mm: Decimal


@dataclass
class SupplierSpec:
    enterprise: int
    free_hours: dict[int, Decimal]  # process -> free hours per week
    machines: list[MachineSpec] = field(default_factory=list)
    materials: frozenset[str] = frozenset()
    rating: Decimal | None = None
    on_time_rate: Decimal | None = None
    first_pass_yield: Decimal | None = None


@dataclass(frozen=True)
class LineSpec:
    line: int
    processes: tuple[int, ...]  # every process the line needs
    dimensions: tuple[Decimal, ...] | None  # sorted descending, or None if unknown
    weight_kg: Decimal | None
    tolerance_mm: Decimal | None
    material: str


@dataclass(frozen=True)
class Match:
    supplier: int
    score: float
    reasons: tuple[str, ...]  # codes rendered on the page: process, envelope, tolerance, material, capacity


def _machine_fits(machine: MachineSpec, line: LineSpec) -> bool:
    if line.dimensions and any(need > have for need, have in zip(line.dimensions, machine.envelope)):
        return False
    if line.weight_kg is not None and line.weight_kg > machine.max_weight_kg:
        return False
    return True


def match_line(line: LineSpec, supplier: SupplierSpec) -> Match | None:
    """A match if the supplier offers every process with free hours, has a machine that fits for each,
    and handles the material (when it lists materials); None otherwise."""
    reasons, fitting = [], []
    for process in line.processes:
        if supplier.free_hours.get(process, 0) <= 0:
            return None
        machines = [m for m in supplier.machines if m.process == process]
        fits = [m for m in machines if _machine_fits(m, line)]
        if machines and not fits:
            return None
        fitting += fits
    reasons.append("process")
    if fitting:
        reasons.append("envelope")
        # The drawing's tolerance is held by the finishing machine, not by every step (a saw or a furnace
        # need not): one machine that fits the part must hold it.
        if line.tolerance_mm is not None:
            if not any(m.tolerance_mm <= line.tolerance_mm for m in fitting):
                return None
            reasons.append("tolerance")
    if line.material and supplier.materials:
        if line.material.upper() not in supplier.materials:
            return None
        reasons.append("material")
    hours = min((supplier.free_hours[p] for p in line.processes), default=Decimal(0))
    reasons.append(f"capacity:{hours.normalize():f}")
    rating = supplier.rating if supplier.rating is not None else DEFAULT_RATING
    on_time = supplier.on_time_rate if supplier.on_time_rate is not None else DEFAULT_ON_TIME
    first_pass = supplier.first_pass_yield if supplier.first_pass_yield is not None else DEFAULT_FIRST_PASS_YIELD
    fit = len([r for r in reasons if r in ("envelope", "tolerance", "material")]) / 3
    headroom = min(float(hours) / 40.0, 1.0)  # a free working week counts as full headroom
    score = (0.35 * fit + 0.20 * float(rating) / 5 + 0.20 * float(on_time) + 0.10 * float(first_pass)
             + 0.15 * headroom)
    return Match(supplier.enterprise, round(score, 3), tuple(reasons))


def rank(lines: list[LineSpec], suppliers: list[SupplierSpec], *, limit: int = MAX_MATCHES_PER_LINE
         ) -> dict[int, list[Match]]:
    """For every line, the best `limit` matching suppliers, best first. Suppliers are indexed by process."""
    by_process: dict[int, list[SupplierSpec]] = {}
    for supplier in suppliers:
        for process, hours in supplier.free_hours.items():
            if hours > 0:
                by_process.setdefault(process, []).append(supplier)
    ranked = {}
    for line in lines:
        if not line.processes:
            ranked[line.line] = []
            continue
        candidates = min((by_process.get(p, []) for p in line.processes), key=len)
        matches = [m for m in (match_line(line, s) for s in candidates) if m is not None]
        ranked[line.line] = sorted(matches, key=lambda m: (-m.score, m.supplier))[:limit]
    return ranked
