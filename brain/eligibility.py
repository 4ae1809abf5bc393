"""Policy eligibility (政策直达): the fields a policy's rules may test on the enterprise file, and their evaluation.

A policy's `rules` are a list of `{"field": <criterion key>, "op": <operator>, "value": …}`; an enterprise is
eligible when every rule is met. Each rule's check keeps what it compared — the value the file holds, with its
source and as-of date — so a decision is explained field by field, in the reader's language, long after it was
made. A rule whose field the file does not hold is *unknown*, never silently met or failed: the enterprise is then
"undetermined" (unless another rule failed), and operators see which data is missing.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from brain.tagging import rule_of
from tenants.models import Membership

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"

OPERATORS = {
    "within": _("is within"),
    "not_within": _("is not within"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "has_all": _("has all of"),
    "has_any": _("has any of"),
    "has_none": _("has none of"),
    "gte": _("is at least"),
    "lte": _("is at most"),
}
LIST_OPS = {"within", "not_within", "in", "not_in", "has_all", "has_any", "has_none"}

# 工信部联企业〔2011〕300号, industry (工业): (class, employees at least, revenue in 万元 at least), largest first. A
# class needs both figures at its floor, else the enterprise falls a class; under either micro floor it is micro.
SIZE_CLASSES = (("large", 1000, 40000), ("medium", 300, 2000), ("small", 20, 300))
SIZE_LABELS = {"large": _("large"), "medium": _("medium"), "small": _("small"), "micro": _("micro")}
TAX_RATINGS = ("A", "B", "M", "C", "D")
# Any currency other than the yuan: named ones, and any "…元" but 万元 / 亿元 / 千元 / 元 itself (港元, 澳元 …).
FOREIGN_CURRENCY = re.compile(r"美金|港币|台币|法郎|卢布|英镑|[^\d\s.,万亿千]元|USD|HKD|EUR|JPY|GBP|AUD|CAD|SGD", re.I)
AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*(亿|万|千)?")
UNIT_IN_WAN = {"亿": Decimal(10000), "万": Decimal(1), "千": Decimal("0.1")}


# Checks are stored and explained later in the reader's language, so what they keep is language-neutral: values
# as held, source names as operators gave them, and codes for our own words (below), rendered when shown.
PHRASES = {
    "platform": _("as registered on the platform"),
    "other_brain": _("a source of another brain"),
    "tag_rules": _("the brain's tag rules"),
    "membership": _("membership"),
    "work_orders": _("work orders on the platform"),
}
MISSING = {
    "no_record": _("no record holds it"),
    "not_amount": _("not an amount in yuan: %(value)s"),
    "not_number": _("not a number: %(value)s"),
    "not_date": _("not a date: %(value)s"),
    "not_code": _("not a code: %(value)s"),
    "region_coarse": _("the file names only a wider region: %(value)s"),
    "size_figures": _("the insured employees and the annual revenue are both needed"),
    "no_tax_rating": _("no tax credit rating on record"),
    "no_platform_work": _("no completed work on the platform yet"),
}


@dataclass(frozen=True)
class Reading:
    """What the file holds for a criterion: the value compared, how it was written, and where it came from.
    `value` None means the file does not hold it; `missing` (a MISSING code) says why."""

    value: object
    shown: str = ""
    source: str = ""  # a source's name, or "@<PHRASES code>"
    as_of: str = ""
    missing: str = ""
    extra: dict | None = None


def _source_code(source: str) -> str:
    """The file names its own provenance in the active language; keep our phrases as codes."""
    for code in ("platform", "other_brain"):
        if source == str(PHRASES[code]):
            return f"@{code}"
    return source


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object
    kind: str  # region | industry | codes | choice | text | number
    ops: tuple[str, ...]
    read: Callable[[object], Reading]
    unit: object = ""
    choices: tuple[tuple[str, object], ...] = ()
    maximum: int = 10**12  # of a number rule's value: a rating is of 5, a rate a percentage


def _registry(file, name: str) -> Reading:
    fact = next((f for f in file.registry if f.name == name), None)
    if fact is None or fact.value in (None, ""):
        return Reading(None, missing="no_record")
    return Reading(fact.value, str(fact.value), _source_code(fact.source), fact.as_of_text)


def _code(name: str, shape: str) -> Callable:
    """A code of the file (region, industry), or unknown if what it holds is not one: a region written out as
    text must not pass a `not_within` rule."""
    def read(file) -> Reading:
        held = _registry(file, name)
        if held.value is None:
            return held
        code = str(held.value).strip().upper()
        if not re.fullmatch(shape, code):
            return Reading(None, held.shown, held.source, held.as_of, missing="not_code")
        return Reading(code, held.shown, held.source, held.as_of)
    return read


def amount_in_wan(text) -> Decimal | None:
    """Registered capital or revenue in 万元 from what registries write ("500万元人民币", "1.2亿", "3000000元",
    "500"; a bare number is 万元, the registry's unit). None for a foreign currency or no number."""
    text = str(text).replace(",", "").replace("，", "").strip()
    if FOREIGN_CURRENCY.search(text):
        return None
    found = AMOUNT.search(text)
    if not found:
        return None
    number = Decimal(found.group(1))
    if found.group(2):
        return number * UNIT_IN_WAN[found.group(2)]
    if "元" in text[found.end():]:
        return number / 10000
    return number


def _amount(name: str) -> Callable:
    def read(file) -> Reading:
        held = _registry(file, name)
        if held.value is None:
            return held
        amount = amount_in_wan(held.value)
        if amount is None:
            return Reading(None, held.shown, held.source, held.as_of, missing="not_amount")
        return Reading(amount, held.shown, held.source, held.as_of)
    return read


def _count(name: str) -> Callable:
    def read(file) -> Reading:
        held = _registry(file, name)
        if held.value is None:
            return held
        try:
            count = Decimal(str(held.value).replace(",", "").strip().rstrip("人"))
        except InvalidOperation:
            count = None
        if count is None or not count.is_finite():
            return Reading(None, held.shown, held.source, held.as_of, missing="not_number")
        return Reading(count, held.shown, held.source, held.as_of)
    return read


def size_class(employees: Decimal | None, revenue: Decimal | None) -> str | None:
    """The size class by the 2011 standard for industry, or None when the figures held cannot decide it."""
    if (employees is not None and employees < 20) or (revenue is not None and revenue < 300):
        return "micro"
    if employees is None or revenue is None:
        return None
    return next(name for name, staff, money in (*SIZE_CLASSES, ("micro", 0, 0))
                if employees >= staff and revenue >= money)


def _size_class(file) -> Reading:
    employees, revenue = _count("employees")(file), _amount("annual_revenue")(file)
    figures = {"employees": employees.shown or "—", "revenue": revenue.shown or "—"}
    found = size_class(employees.value, revenue.value)
    sources = ", ".join(dict.fromkeys(s for s in (employees.source, revenue.source) if s))
    as_of = min((d for d in (employees.as_of, revenue.as_of) if d), default="")
    return Reading(found, "", sources, as_of, missing="" if found else "size_figures", extra=figures)


def _founded_years(file) -> Reading:
    held = _registry(file, "founded_on")
    if held.value is None:
        return held
    text = str(held.value).strip()
    try:
        if re.match(r"\d{4}-\d{2}-\d{2}", text):
            founded = parse_date(text[:10])
        elif re.fullmatch(r"\d{8}", text):
            founded = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        else:
            founded = None
    except ValueError:  # well-formed but no such day: 2001-02-30
        founded = None
    if founded is None:
        return Reading(None, held.shown, held.source, held.as_of, missing="not_date")
    today = timezone.localdate()
    years = today.year - founded.year - ((today.month, today.day) < (founded.month, founded.day))
    return Reading(Decimal(years), founded.isoformat(), held.source, held.as_of)


def _tags(file) -> Reading:
    return Reading(sorted(tag.code for tag in file.tags), source="@tag_rules",
                   extra={tag.code: tag.evidence for tag in file.tags})


def _roles(file) -> Reading:
    return Reading(list(file.platform.roles), source="@membership")


def _tax_credit(file) -> Reading:
    tax = file.tax_credit
    if tax is None:
        return Reading(None, missing="no_tax_rating")
    rating = str(tax.rating).strip().upper()
    if rating not in TAX_RATINGS:  # "D级" must not pass `not_in ["D"]`
        return Reading(None, str(tax.rating), _source_code(tax.source), tax.as_of_text, missing="not_code")
    return Reading(rating, f"{rating} ({tax.year})" if tax.year else rating, _source_code(tax.source),
                   tax.as_of_text)


def _platform(name: str, percent: bool) -> Callable:
    def read(file) -> Reading:
        value = getattr(file.platform, name)
        if value is None:
            return Reading(None, missing="no_platform_work")
        value = Decimal(value) * 100 if percent else Decimal(value)
        shown = f"{value:.1f}%" if percent else f"{value:.2f}"
        return Reading(value.quantize(Decimal("0.1")) if percent else value, shown, "@work_orders")
    return read


# GB/T 2260 names of the clusters' regions, shown beside the codes a rule names (other codes show as codes).
REGION_NAMES = {
    "330000": _("Zhejiang"), "331000": _("Taizhou"), "331002": _("Jiaojiang District"),
    "331003": _("Huangyan District"), "331004": _("Luqiao District"), "331081": _("Wenling"),
    "331082": _("Linhai"), "331083": _("Yuhuan"), "330200": _("Ningbo"), "330206": _("Beilun District"),
    "330281": _("Yuyao"), "330282": _("Cixi"), "330300": _("Wenzhou"), "330700": _("Jinhua"),
}


def region_text(code: str) -> str:
    name = REGION_NAMES.get(code)
    return f"{code} {name}" if name else code


def region_prefix(code: str) -> str:
    """GB/T 2260 codes nest: 330000 Zhejiang ⊃ 331000 Taizhou ⊃ 331003 Huangyan; a code covers those starting
    with it less its trailing pairs of zeros."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


CRITERIA: dict[str, Criterion] = {c.key: c for c in (
    Criterion("region", _("region"), "region", ("within", "not_within"), _code("region_code", r"\d{6}")),
    Criterion("industry", _("industry code"), "industry", ("within", "not_within"), _code("industry", r"[A-T]\d{0,4}")),
    Criterion("status", _("registration status"), "text", ("in", "not_in"), lambda f: _registry(f, "status")),
    Criterion("founded_years", _("years since founding"), "number", ("gte", "lte"), _founded_years, _("years"),
              maximum=200),
    Criterion("registered_capital", _("registered capital"), "number", ("gte", "lte"), _amount("registered_capital"),
              _("10,000 yuan")),
    Criterion("employees", _("insured employees"), "number", ("gte", "lte"), _count("employees"), _("persons")),
    Criterion("annual_revenue", _("annual revenue"), "number", ("gte", "lte"), _amount("annual_revenue"),
              _("10,000 yuan")),
    Criterion("size_class", _("size class"), "choice", ("in", "not_in"), _size_class,
              choices=tuple(SIZE_LABELS.items())),
    Criterion("tags", _("tags"), "codes", ("has_all", "has_any", "has_none"), _tags),
    Criterion("tax_credit", _("tax credit rating"), "choice", ("in", "not_in"), _tax_credit,
              choices=tuple((r, r) for r in TAX_RATINGS)),
    Criterion("roles", _("roles in this brain"), "choice", ("has_all", "has_any", "has_none"), _roles,
              choices=tuple(Membership.Role.choices)),
    Criterion("rating", _("average rating"), "number", ("gte", "lte"), _platform("rating", False), _("of 5"),
              maximum=5),
    Criterion("on_time_rate", _("on-time rate"), "number", ("gte", "lte"), _platform("on_time_rate", True), "%",
              maximum=100),
    Criterion("first_pass_yield", _("first-pass yield"), "number", ("gte", "lte"),
              _platform("first_pass_yield", True), "%", maximum=100),
)}


# --- Validation -----------------------------------------------------------------------------------------------

class RuleError(ValueError):
    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index, self.message = index, message


def rules_clean(rules) -> list[dict]:
    """The rules in their stored form, or RuleError naming the first bad rule (1-based) and what is wrong."""
    if not isinstance(rules, list) or not rules:
        raise RuleError(0, str(_("A policy needs at least one eligibility rule.")))
    if len(rules) > 30:
        raise RuleError(0, str(_("A policy may have at most 30 rules.")))
    cleaned = []
    for index, rule in enumerate(rules, 1):
        if not isinstance(rule, dict) or set(rule) - {"field", "op", "value"}:
            raise RuleError(index, str(_("A rule is {\"field\": …, \"op\": …, \"value\": …}.")))
        criterion = CRITERIA.get(rule.get("field")) if isinstance(rule.get("field"), str) else None
        if criterion is None:
            raise RuleError(index, str(_("Unknown field “%(field)s”; the fields are: %(fields)s.")
                                       % {"field": str(rule.get("field"))[:40], "fields": ", ".join(CRITERIA)}))
        op = rule.get("op")
        if not isinstance(op, str) or op not in criterion.ops:
            raise RuleError(index, str(_("“%(field)s” takes the operators %(ops)s.")
                                       % {"field": criterion.key, "ops": ", ".join(criterion.ops)}))
        value = rule.get("value")
        if op in LIST_OPS:
            if isinstance(value, str):
                # statuses are phrases (存续（在营、开业、在册）): split them on commas only
                value = [v for v in re.split(r"[,，\n]+" if criterion.kind == "text" else r"[,，、\s]+", value) if v]
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                raise RuleError(index, str(_("“%(field)s” needs a list of values.") % {"field": criterion.key}))
            value = list(dict.fromkeys(v.strip() for v in value))
            bad = _bad_values(criterion, value, rule_of)
            if bad:
                raise RuleError(index, str(_("“%(field)s” does not know %(values)s.")
                                           % {"field": criterion.key, "values": ", ".join(bad)}))
        else:
            try:
                number = Decimal(str(value).strip()[:40])
            except InvalidOperation:
                number = None
            if (isinstance(value, bool) or not isinstance(value, int | float | str) or number is None
                    or not number.is_finite() or not 0 <= number <= criterion.maximum):
                raise RuleError(index, str(_("“%(field)s” needs a number from 0 to %(maximum)s.")
                                           % {"field": criterion.key, "maximum": criterion.maximum}))
            value = f"{number.normalize():f}"
        cleaned.append({"field": criterion.key, "op": op, "value": value})
    return cleaned


def _bad_values(criterion: Criterion, values: list[str], rule_of) -> list[str]:
    if criterion.kind == "region":
        return [v for v in values if not re.fullmatch(r"\d{6}", v)]
    if criterion.kind == "industry":
        return [v for v in values if not re.fullmatch(r"[A-T]\d{0,4}", v.upper())]
    if criterion.kind == "choice":
        allowed = {code for code, _label in criterion.choices}
        return [v for v in values if v not in allowed]
    if criterion.kind == "codes":
        return [v for v in values if rule_of(v) is None]
    return [v for v in values if len(v) > 60]


# --- Evaluation -----------------------------------------------------------------------------------------------

def _compare(criterion: Criterion, op: str, expected, actual) -> bool:
    if op in ("gte", "lte"):
        limit = Decimal(expected)
        return actual >= limit if op == "gte" else actual <= limit
    if op in ("within", "not_within"):
        inside = any(str(actual).upper().startswith(region_prefix(v).upper() if criterion.kind == "region"
                                                     else v.upper()) for v in expected)
        return inside if op == "within" else not inside
    if op in ("in", "not_in"):
        found = str(actual).strip() in expected
        return found if op == "in" else not found
    held = set(actual)
    if op == "has_all":
        return set(expected) <= held
    if op == "has_any":
        return bool(set(expected) & held)
    return not set(expected) & held


def _coarser(held: str, codes: list[str]) -> bool:
    """The file holds a wider region than a rule names (331000 Taizhou, the rule 331003 Huangyan): it may or may
    not lie within."""
    wide = region_prefix(held)
    return any(len(wide) < len(region_prefix(code)) and region_prefix(code).startswith(wide) for code in codes)


def check(rule: dict, file) -> dict:
    """One rule against one file: the stored check (what was compared, from where, and the outcome)."""
    criterion = CRITERIA[rule["field"]]
    reading = criterion.read(file)
    stored = {**rule, "shown": reading.shown, "source": reading.source, "as_of": reading.as_of}
    if reading.extra:
        stored["extra"] = reading.extra
    if reading.value is None:
        return {**stored, "outcome": UNKNOWN, "missing": reading.missing}
    actual = reading.value
    if criterion.kind == "region" and not _compare(criterion, "within", rule["value"], actual) and _coarser(
            actual, rule["value"]):
        # not inside any code named, but it may be: 331000 on file against a rule on 331003
        return {**stored, "outcome": UNKNOWN, "missing": "region_coarse"}
    if isinstance(actual, Decimal):
        stored["actual"] = str(actual)
    else:
        stored["actual"] = actual
    return {**stored, "outcome": MET if _compare(criterion, rule["op"], rule["value"], actual) else NOT_MET}


def decide(rules: list[dict], file) -> tuple[str, list[dict]]:
    """(outcome, checks) of one enterprise's file against a policy's rules. Every rule is checked, also after one
    fails, so the explanation is whole."""
    checks = [check(rule, file) for rule in rules]
    outcomes = {c["outcome"] for c in checks}
    if NOT_MET in outcomes:
        return NOT_ELIGIBLE, checks
    return (UNDETERMINED if UNKNOWN in outcomes else ELIGIBLE), checks


# --- Explanations ---------------------------------------------------------------------------------------------

OUTCOME_LABELS = {MET: _("met"), NOT_MET: _("not met"), UNKNOWN: _("unknown")}


def _tag_label(code: str, evidence: dict | None = None) -> str:
    tag_rule = rule_of(code)
    if tag_rule is None:
        return code
    name = code.split(":", 1)[1] if ":" in code else ""
    try:
        return str(tag_rule.label) % {"name": name, "material": name, **(evidence or {})}
    except (KeyError, TypeError, ValueError):
        return code


def expected_text(rule: dict) -> str:
    """The rule's values as a reader says them: tags and choices by their names, numbers with their unit."""
    criterion = CRITERIA[rule["field"]]
    value = rule["value"]
    if rule["op"] in ("gte", "lte"):
        return f"{value} {criterion.unit}".strip()
    if criterion.kind == "choice":
        choices = dict(criterion.choices)
        return ", ".join(str(choices.get(v, v)) for v in value)
    if criterion.kind == "codes":
        return ", ".join(_tag_label(code) for code in value)
    if criterion.kind == "region":
        return ", ".join(region_text(code) for code in value)
    return ", ".join(value)


def rule_text(rule: dict) -> str:
    criterion = CRITERIA[rule["field"]]
    return f"{criterion.label} {OPERATORS[rule['op']]} {expected_text(rule)}"


def _found_text(stored: dict, criterion: Criterion) -> str:
    """What the file held, as a reader says it."""
    actual, extra = stored.get("actual"), stored.get("extra") or {}
    if stored["field"] == "size_class":
        figures = str(_("insured employees %(employees)s, annual revenue %(revenue)s") % extra) if extra else ""
        if actual is None:
            return figures
        return f"{SIZE_LABELS[actual]} ({figures})" if figures else str(SIZE_LABELS[actual])
    if criterion.kind == "codes":
        return ", ".join(_tag_label(code, extra.get(code)) for code in actual) or str(_("none"))
    if criterion.kind == "choice" and isinstance(actual, list):
        choices = dict(criterion.choices)
        return ", ".join(str(choices.get(v, v)) for v in actual) or str(_("none"))
    if criterion.kind == "region":
        return region_text(str(actual))
    if stored["field"] == "founded_years":
        return str(_("%(years)s years (founded %(date)s)") % {"years": actual, "date": stored.get("shown", "")})
    return stored.get("shown") or str(actual)


@dataclass(frozen=True)
class CheckView:
    """One check as a sentence in the reader's language."""

    field: str
    label: str
    requirement: str
    found: str
    source: str
    as_of: str
    outcome: str
    outcome_label: str


def source_text(source: str) -> str:
    names = [str(PHRASES.get(part[1:], part)) if part.startswith("@") else part for part in source.split(", ")]
    return ", ".join(n for n in names if n)


def check_view(stored: dict) -> CheckView:
    criterion = CRITERIA[stored["field"]]
    if stored["outcome"] == UNKNOWN:
        why = MISSING.get(stored.get("missing") or "no_record", MISSING["no_record"])
        found = str(_("unknown: %(why)s") % {"why": str(why) % {"value": stored.get("shown", "")}})
        held = _found_text(stored, criterion) if stored.get("extra") else stored.get("shown", "")
        if held and stored.get("missing") not in ("not_amount", "not_number", "not_date", "not_code",
                                                  "region_coarse"):
            found = f"{found} ({held})"
    else:
        found = _found_text(stored, criterion)
    return CheckView(stored["field"], str(criterion.label), rule_text(stored), found, source_text(stored.get("source", "")),
                     stored.get("as_of", ""), stored["outcome"], str(OUTCOME_LABELS[stored["outcome"]]))


def vocabulary() -> list[dict]:
    """Every field a rule may test, with its operators, unit and allowed values, in the reader's language."""
    return [{"field": c.key, "label": str(c.label), "kind": c.kind,
             "operators": [{"op": op, "label": str(OPERATORS[op])} for op in c.ops],
             "unit": str(c.unit), "choices": [{"value": v, "label": str(label)} for v, label in c.choices]}
            for c in CRITERIA.values()]
