"""Reads of enterprise tags (产业打标): the stored tags of an enterprise, as its reader may see them."""

from dataclasses import dataclass
from datetime import datetime

from brain.models import EnterpriseTag
from brain.tagging import rule_of


@dataclass(frozen=True)
class TagView:
    code: str
    label: str
    explanation: str
    rule: str
    computed_at: datetime | None
    evidence: dict


def enterprise_tag_views(*, brain, enterprise_id: int, full: bool = True) -> list[TagView]:
    """The enterprise's stored tags with their labels and explanations in the reader's language; the evidence
    (the values the rule saw) only for full viewers, private rules' tags not at all for others."""
    views = []
    for tag in EnterpriseTag.objects.in_brain(brain).filter(enterprise_id=enterprise_id).order_by("rule", "code"):
        rule = rule_of(tag.code)
        if rule is None or not (rule.public or full):
            continue
        views.append(TagView(tag.code, str(rule.label) % tag.evidence, rule.explain(tag.evidence),
                             tag.rule, tag.computed_at, tag.evidence if full else {}))
    return views
