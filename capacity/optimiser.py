"""Award optimisation: one quote per line at least total cost, within free capacity, due dates and an
optional maximum number of suppliers. An exact mixed-integer programme solved by HiGHS through SciPy."""

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array


@dataclass(frozen=True)
class Option:
    line: int  # rfq line id
    quote_line: int
    supplier: int
    cost: Decimal  # unit price × quantity
    meets_due_date: bool
    hours: dict[int, float] = field(default_factory=dict)  # process id -> hours this line needs there


@dataclass
class Result:
    feasible: bool
    choice: dict[int, int]  # line -> quote line
    total: Decimal | None
    unquoted: list[int]  # lines nobody (feasibly) quoted: left out of the programme
    optimal: bool = True  # False: the time limit ended the search; `gap` bounds the distance to the optimum
    gap: float | None = None  # relative: (total - best bound) / total


def naive(options: list[Option]) -> Result:
    """The cheapest quote per line, ignoring capacity, due dates and the supplier limit."""
    best: dict[int, Option] = {}
    for option in options:
        if option.line not in best or option.cost < best[option.line].cost:
            best[option.line] = option
    return Result(True, {line: o.quote_line for line, o in best.items()},
                  sum((o.cost for o in best.values()), Decimal("0")), [])


def optimise(options: list[Option], *, capacity: dict[tuple[int, int], float], max_suppliers: int | None = None,
             time_limit: float = 30.0) -> Result:
    """capacity: (supplier, process) -> hours available until the due dates. Missing means unlimited."""
    usable = [o for o in options if o.meets_due_date]
    lines = sorted({o.line for o in options})
    quoted = sorted({o.line for o in usable})
    unquoted = [line for line in lines if line not in set(quoted)]
    suppliers = sorted({o.supplier for o in usable})
    if not usable:
        return Result(not lines, {}, Decimal("0") if not lines else None, unquoted)

    n_x, n_y = len(usable), len(suppliers) if max_suppliers else 0
    line_row = {line: i for i, line in enumerate(quoted)}
    supplier_col = {s: n_x + i for i, s in enumerate(suppliers)}
    rows, lower, upper = [], [], []

    def new_row(lo, hi):
        rows.append({})
        lower.append(lo)
        upper.append(hi)
        return rows[-1]

    one_each = [new_row(1, 1) for _ in quoted]  # every quoted line gets exactly one quote
    for i, option in enumerate(usable):
        one_each[line_row[option.line]][i] = 1
    loads: dict[tuple[int, int], dict[int, float]] = {}
    for i, option in enumerate(usable):
        for process, hours in option.hours.items():
            if (option.supplier, process) in capacity and hours:
                loads.setdefault((option.supplier, process), {})[i] = hours
    for key, coefficients in loads.items():
        new_row(-np.inf, capacity[key]).update(coefficients)
    if max_suppliers:
        for i, option in enumerate(usable):  # x ≤ y: a line goes only to a chosen supplier
            new_row(-np.inf, 0).update({i: 1, supplier_col[option.supplier]: -1})
        new_row(-np.inf, max_suppliers).update({supplier_col[s]: 1 for s in suppliers})

    matrix = lil_array((len(rows), n_x + n_y))
    for r, coefficients in enumerate(rows):
        for c, value in coefficients.items():
            matrix[r, c] = value
    # Costs in fen as floats: exact for totals under 2^53 fen, far beyond any RFQ.
    costs = np.array([float(o.cost * 100) for o in usable] + [0.0] * n_y)
    solution = milp(costs, integrality=np.ones(n_x + n_y), bounds=Bounds(0, 1),
                    constraints=LinearConstraint(matrix.tocsr(), lower, upper),
                    options={"time_limit": time_limit})
    # status 0: optimal; 1: the time limit came first, but the best award found so far is still feasible
    # (SciPy returns it with its gap to the lower bound). Anything else: no feasible award.
    if solution.x is None or solution.status not in (0, 1):
        return Result(False, {}, None, unquoted)
    chosen = [usable[i] for i in range(n_x) if solution.x[i] > 0.5]
    gap = getattr(solution, "mip_gap", None)
    return Result(True, {o.line: o.quote_line for o in chosen}, sum((o.cost for o in chosen), Decimal("0")),
                  unquoted, optimal=solution.status == 0, gap=None if gap is None else float(gap))
