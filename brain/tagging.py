"""Enterprise tags (产业打标): a small registry of declarative rules over the enterprise file.

Each rule names its code, its label, whether its tags are public (shown to every member of the brain) and a
predicate: `find(file)` returns the tags it gives, each with the evidence it saw. Labels and explanations
are formatted from the evidence when shown, so they are translated in the reader's language.
brain.services.tags.enterprise_tags_recompute stores what the rules find.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.utils.translation import gettext_lazy as _

ON_TIME_RATE = Decimal("0.95")
ON_TIME_MIN_LINES = 5
TRUE_WORDS = {"1", "true", "t", "y", "yes", "是", "有", "已认定"}


@dataclass(frozen=True)
class Finding:
    code: str
    evidence: dict


@dataclass(frozen=True)
class TagRule:
    code: str
    label: object  # lazy text, formatted with the evidence
    explanation: object  # lazy text, formatted with the evidence
    find: Callable[["object"], list[Finding]]
    public: bool = True
    prefix: str = field(default="")  # tags of the form "<prefix>:<value>" belong to this rule

    def explain(self, evidence: dict) -> str:
        return str(self.explanation) % evidence

    def owns(self, tag_code: str) -> bool:
        return tag_code == self.code or bool(self.prefix) and tag_code.startswith(self.prefix + ":")


def is_true(value) -> bool:
    return value is True or str(value).strip().lower() in TRUE_WORDS


def _flag(attribute: str):
    def find(file) -> list[Finding]:
        for fact in file.flags:
            if fact.name == attribute and is_true(fact.value):
                return [Finding(attribute, {"source": fact.source, "as_of": fact.as_of_text})]
        return []
    return find


def _tax_a(file) -> list[Finding]:
    tax = file.tax_credit
    if tax and str(tax.rating).strip().upper() == "A":
        return [Finding("tax_credit_a", {"rating": "A", "year": tax.year or "", "as_of": tax.as_of_text})]
    return []


def _invention_patents(file) -> list[Finding]:
    count = sum(1 for p in file.patents if str(p.kind).strip().lower() in {"invention", "发明", "发明专利"})
    return [Finding("invention_patents", {"count": count})] if count else []


def _processes(file) -> list[Finding]:
    return [Finding(f"process:{p.code}", {"name": p.name, "code": p.code}) for p in file.platform.processes]


def _materials(file) -> list[Finding]:
    return [Finding(f"material:{m}", {"material": m}) for m in file.platform.materials]


def _on_time(file) -> list[Finding]:
    facts = file.platform
    if facts.on_time_rate is None or facts.completed_lines < ON_TIME_MIN_LINES or facts.on_time_rate < ON_TIME_RATE:
        return []
    return [Finding("on_time", {"rate": f"{facts.on_time_rate * 100:.1f}", "lines": facts.completed_lines})]


RULES: list[TagRule] = [
    TagRule("high_tech", _("High-tech enterprise"),
            _("A government record says so: %(source)s, as of %(as_of)s."), _flag("high_tech")),
    TagRule("specialised_sme", _("Specialised and sophisticated SME"),
            _("A government record says so: %(source)s, as of %(as_of)s."), _flag("specialised_sme")),
    TagRule("tax_credit_a", _("Tax credit A"),
            _("Tax credit rating A for %(year)s (tax bureaus publish their A-rated taxpayers)."), _tax_a),
    TagRule("invention_patents", _("Invention patents"),
            _("Invention patents on record: %(count)s."), _invention_patents),
    TagRule("process", _("Process: %(name)s"),
            _("Offers %(name)s in its capability profile."), _processes, prefix="process"),
    TagRule("material", _("Material: %(material)s"),
            _("Works %(material)s according to its capability profile."), _materials, prefix="material"),
    TagRule("on_time", _("On-time delivery"),
            _("%(rate)s%% of %(lines)s completed lines were on time (the rule: at least 95%% over at least 5 lines)."),
            _on_time),
]


def rule_of(tag_code: str) -> TagRule | None:
    return next((rule for rule in RULES if rule.owns(tag_code)), None)


def findings_of(file) -> dict[str, tuple[TagRule, Finding]]:
    """Every tag the rules give this file: {tag code: (rule, finding)}."""
    return {finding.code: (rule, finding) for rule in RULES for finding in rule.find(file)}
