"""Reads of policies (政策直达) and their decisions. Operators see every policy and every decision; members see
published policies and their own enterprise's decisions only; government viewers see published policies and
the counts, never one enterprise's decision."""

from django.db.models import Count, Q, QuerySet

from brain import eligibility
from brain.models import Policy, PolicyMatch


def policy_list(*, brain, viewer) -> QuerySet[Policy]:
    policies = Policy.objects.in_brain(brain).order_by("-published_at", "-created_at", "-id")
    if viewer.is_operator:
        return policies
    if viewer.is_member or viewer.staff_role:
        return policies.filter(status__in=[Policy.Status.PUBLISHED, Policy.Status.WITHDRAWN])
    return policies.none()


def policy_match_list(*, brain, viewer, policy_id: int | None = None,
                      outcome: str | None = None) -> QuerySet[PolicyMatch]:
    """Decisions the viewer may read: all for operators, its own enterprise's for a member, none for others."""
    matches = PolicyMatch.objects.in_brain(brain).select_related("policy", "enterprise").order_by(
        "policy_id", "outcome", "enterprise__legal_name", "id")
    if not viewer.is_operator:
        own = viewer.membership
        if not (viewer.is_member and own):
            return matches.none()
        matches = matches.filter(enterprise_id=own.enterprise_id, policy__status__in=[
            Policy.Status.PUBLISHED, Policy.Status.WITHDRAWN])
    if policy_id:
        matches = matches.filter(policy_id=policy_id)
    if outcome:
        matches = matches.filter(outcome=outcome)
    return matches


def policy_counts(*, brain, policy_ids) -> dict[int, dict[str, int]]:
    """{policy id: {outcome: count, "told": count}} in one query."""
    rows = PolicyMatch.objects.in_brain(brain).filter(policy_id__in=list(policy_ids)).values("policy_id").annotate(
        **{outcome: Count("id", filter=Q(outcome=outcome)) for outcome in PolicyMatch.Outcome.values},
        told=Count("id", filter=Q(notified_at__isnull=False)))
    empty = {outcome: 0 for outcome in (*PolicyMatch.Outcome.values, "told")}
    counts = {policy_id: dict(empty) for policy_id in policy_ids}
    for row in rows:
        counts[row.pop("policy_id")] = row
    return counts


def own_matches(*, brain, viewer, policy_ids) -> dict[int, PolicyMatch]:
    """The viewer's enterprise's decision on each of these policies."""
    own = viewer.membership
    if not (viewer.is_member and own):
        return {}
    return {m.policy_id: m for m in PolicyMatch.objects.in_brain(brain).filter(
        policy_id__in=list(policy_ids), enterprise_id=own.enterprise_id)}


def policy_told(*, brain, policy_id: int) -> set[int]:
    """The enterprises told they are eligible for the policy (each once)."""
    return set(PolicyMatch.objects.in_brain(brain).filter(policy_id=policy_id, notified_at__isnull=False)
               .values_list("enterprise_id", flat=True))


def policy_match_still_eligible(*, brain, policy: Policy, match_id: int) -> bool:
    """Whether a decision found eligible still stands: the policy open, the decision not re-made otherwise."""
    return policy.is_open and PolicyMatch.objects.in_brain(brain).filter(
        pk=match_id, outcome=PolicyMatch.Outcome.ELIGIBLE).exists()


def match_explanation(match: PolicyMatch) -> list[eligibility.CheckView]:
    """The decision field by field, in the reader's language."""
    return [eligibility.check_view(stored) for stored in match.checks]


def rule_texts(policy: Policy) -> list[str]:
    return [eligibility.rule_text(rule) for rule in policy.rules]


def preview_view(preview) -> dict:
    """A preview with each rule in words beside what it rules out."""
    return {"members": preview.members, "counts": preview.counts,
            "rules": [{"rule": eligibility.rule_text(rule), "failed": failed, "unknown": unknown}
                      for rule, failed, unknown in zip(preview.rules, preview.failed_by_rule,
                                                       preview.unknown_by_rule, strict=True)],
            "eligible": [{"enterprise": pk, "name": name} for pk, name in preview.eligible]}
