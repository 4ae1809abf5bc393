"""Enterprise tags (产业打标): derived rows, rewritten from the enterprise file by brain.tagging's rules."""

from django.utils import timezone

from brain.models import EnterpriseTag
from brain.selectors.enterprise_files import EnterpriseFileNotFound, enterprise_file
from brain.tagging import findings_of
from tenants.context import brain_context
from tenants.models import Brain, Membership


def enterprise_tags_recompute(*, brain, enterprise_id: int) -> list[str]:
    """Recompute the enterprise's tags in `brain` from its file by brain.tagging's rules; return the tag codes.

    Idempotent: a tag still given with the same evidence keeps its row and time; a tag no rule gives any more
    goes. Two recomputes of one enterprise at once are serialised on its membership row."""
    brain_id = getattr(brain, "pk", brain)
    with brain_context(brain_id):
        if not Membership.objects.in_brain(brain_id).select_for_update().filter(enterprise_id=enterprise_id).exists():
            return []
        try:
            file = enterprise_file(brain=Brain.objects.get(pk=brain_id), enterprise=enterprise_id, viewer=None)
        except EnterpriseFileNotFound:
            return []
        found = findings_of(file)
        held = {tag.code: tag for tag in EnterpriseTag.objects.in_brain(brain_id).filter(enterprise_id=enterprise_id)}
        EnterpriseTag.objects.in_brain(brain_id).filter(
            enterprise_id=enterprise_id, code__in=[code for code in held if code not in found]).delete()
        now = timezone.now()
        for code, (rule, finding) in found.items():
            tag = held.get(code)
            if tag is None:
                EnterpriseTag.objects.create(brain_id=brain_id, enterprise_id=enterprise_id, code=code, rule=rule.code,
                                             evidence=finding.evidence, computed_at=now)
            elif tag.evidence != finding.evidence or tag.rule != rule.code:
                tag.evidence, tag.rule, tag.computed_at = finding.evidence, rule.code, now
                tag.save(update_fields=["evidence", "rule", "computed_at"])
        return sorted(found)
