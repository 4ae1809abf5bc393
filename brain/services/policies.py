"""Policy matching (政策直达): operators record policies with eligibility rules over the enterprise file; published,
a policy is matched against every active member of its brain, eligible enterprises are told once, and every
decision keeps its checks so it can be explained field by field (brain.eligibility).

Matching follows the file: a publish or a change of rules matches every member (task `match_policy`); a change of
one enterprise's file (a sync, its capability profile, completed work, admission) matches that enterprise against
every open policy (`policies_match_enterprise`, called where its tags are recomputed).

Who hears of it: an eligible enterprise is told once (in-app and by e-mail, and by webhook if it subscribed,
brain.webhooks), and told again if the policy is withdrawn. Nobody hears of another enterprise's decision.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brain import eligibility
from brain.models import Policy, PolicyMatch
from brain.selectors.enterprise_files import EnterpriseFileNotFound, enterprise_file
from brain.selectors.policies import policy_match_still_eligible, policy_told
from tenants.access import require_operator
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import NOTIFICATION_TITLES, Brain, Membership, OutboxEvent, User
from tenants.outbox import event_record
from tenants.services.notifications import tell

NOTIFICATION_TITLES.update({
    "policy.eligible": gettext_lazy("Your enterprise is eligible for %(policy)s: apply by %(apply_by)s"),
    "policy.eligible.no_deadline": gettext_lazy("Your enterprise is eligible for %(policy)s"),
    "policy.withdrawn": gettext_lazy("%(policy)s was withdrawn"),
})

POLICY_FIELDS = ("title", "issuer", "document_number", "summary", "benefit", "url", "apply_by", "rules")


def _require_operator(brain, by) -> None:
    with brain_context(brain.pk):  # staff rows are the brain's own
        require_operator(brain=brain, user=by)


def _brain(brain) -> Brain:
    return brain if isinstance(brain, Brain) else Brain.objects.get(pk=brain)


def _rules(rules) -> list[dict]:
    try:
        return eligibility.rules_clean(rules)
    except eligibility.RuleError as error:
        message = error.message if not error.index else _("Rule %(index)s: %(problem)s") % {
            "index": error.index, "problem": error.message}
        raise DomainError(message, code="invalid_rule", field="rules") from None


def _clean(values: dict, *, new_deadline: bool = True) -> dict:
    required = {"title": _("Give the policy's title."), "issuer": _("Say who issued the policy."),
                "summary": _("Summarise what the policy offers and to whom.")}
    for name, message in required.items():
        if not str(values.get(name) or "").strip():
            raise DomainError(message, field=name)
    values["rules"] = _rules(values.get("rules"))
    apply_by = values.get("apply_by")
    if apply_by and new_deadline and apply_by < timezone.localdate():
        raise DomainError(_("The last day to apply has passed already."), code="deadline_passed", field="apply_by")
    return values


def policy_create(*, brain, by, **fields) -> Policy:
    """A draft policy: nobody but operators sees it until it is published."""
    _require_operator(brain, by)
    values = _clean({name: fields.get(name) for name in POLICY_FIELDS})
    with brain_context(brain.pk):  # a transaction
        policy = Policy(brain=brain, created_by=by, **{k: "" if v is None and k != "apply_by" else v
                                                        for k, v in values.items()})
        policy.full_clean(exclude=["brain", "created_by"])
        policy.save()
        event_record(brain_id=brain.pk, name="policy.created", payload={"policy": policy.pk, "by": by.pk})
    return policy


def policy_update(*, policy: Policy, by, **fields) -> Policy:
    """Change a draft or a published policy. New rules on a published policy re-match every member; enterprises
    told before are not told again."""
    brain = policy.brain
    _require_operator(brain, by)
    with brain_context(brain.pk):  # a transaction
        policy = Policy.objects.in_brain(brain).select_for_update().get(pk=policy.pk)
        if policy.status == Policy.Status.WITHDRAWN:
            raise DomainError(_("A withdrawn policy cannot be changed."), code="invalid_state")
        values = {name: getattr(policy, name) for name in POLICY_FIELDS}
        values.update({k: v for k, v in fields.items() if k in POLICY_FIELDS})
        # a published policy's deadline may pass; only a new, past deadline is refused
        deadline_changed = "apply_by" in fields and fields["apply_by"] != policy.apply_by
        values = _clean(values, new_deadline=deadline_changed)
        rules_changed = values["rules"] != policy.rules
        for name, value in values.items():
            setattr(policy, name, value if value is not None or name == "apply_by" else "")
        if rules_changed:
            policy.rules_version += 1
        policy.full_clean(exclude=["brain", "created_by"])
        policy.save()
        event_record(brain_id=brain.pk, name="policy.changed",
                     payload={"policy": policy.pk, "by": by.pk, "rematch": rules_changed or deadline_changed})
    return policy


def policy_delete(*, policy: Policy, by) -> None:
    """Delete a draft (nobody but operators has seen it); a published policy is withdrawn instead, so what
    enterprises were told stays on record."""
    brain = policy.brain
    _require_operator(brain, by)
    with brain_context(brain.pk):  # a transaction
        policy = Policy.objects.in_brain(brain).select_for_update().get(pk=policy.pk)
        if policy.status != Policy.Status.DRAFT:
            raise DomainError(_("Only a draft can be deleted; withdraw a published policy."), code="invalid_state")
        policy_id = policy.pk
        policy.delete()
        event_record(brain_id=brain.pk, name="policy.deleted", payload={"policy": policy_id, "by": by.pk})


def policy_publish(*, policy: Policy, by) -> Policy:
    """Publish a draft: every member sees it, and it is matched against every active member (a task)."""
    brain = policy.brain
    _require_operator(brain, by)
    with brain_context(brain.pk):  # a transaction
        policy = Policy.objects.in_brain(brain).select_for_update().get(pk=policy.pk)
        if policy.status != Policy.Status.DRAFT:
            raise DomainError(_("Only a draft can be published; this policy is “%(status)s”.")
                              % {"status": policy.get_status_display()}, code="invalid_state")
        if policy.apply_by and policy.apply_by < timezone.localdate():
            raise DomainError(_("The last day to apply has passed already."), code="deadline_passed",
                              field="apply_by")
        policy.status, policy.published_at = Policy.Status.PUBLISHED, timezone.now()
        policy.save(update_fields=["status", "published_at"])
        event_record(brain_id=brain.pk, name="policy.published", payload={"policy": policy.pk, "by": by.pk})
    return policy


def policy_withdraw(*, policy: Policy, by, reason: str) -> Policy:
    """Withdraw a published policy, with the reason: enterprises told of it are told it is withdrawn."""
    brain = policy.brain
    _require_operator(brain, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the policy is withdrawn; the enterprises told of it will read it."),
                          field="reason")
    with brain_context(brain.pk):  # a transaction
        policy = Policy.objects.in_brain(brain).select_for_update().get(pk=policy.pk)
        if policy.status != Policy.Status.PUBLISHED:
            raise DomainError(_("Only a published policy can be withdrawn; this policy is “%(status)s”.")
                              % {"status": policy.get_status_display()}, code="invalid_state")
        policy.status, policy.withdrawn_at, policy.withdraw_reason = (
            Policy.Status.WITHDRAWN, timezone.now(), reason[:300])
        policy.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
        event_record(brain_id=brain.pk, name="policy.withdrawn", payload={"policy": policy.pk, "by": by.pk})
    return policy


def policy_rematch_request(*, policy: Policy, by) -> None:
    """Match an open policy against every member again now (a task), e.g. after correcting records by hand."""
    brain = policy.brain
    _require_operator(brain, by)
    with brain_context(brain.pk):  # a transaction
        policy = Policy.objects.in_brain(brain).get(pk=policy.pk)
        if not policy.is_open:
            raise DomainError(_("Only a published policy before its last day is matched."), code="invalid_state")
        event_record(brain_id=brain.pk, name="policy.rematch_requested", payload={"policy": policy.pk, "by": by.pk})


# --- Matching -------------------------------------------------------------------------------------------------

def _members(brain_id: int):
    return Membership.objects.in_brain(brain_id).filter(status=Membership.Status.ACTIVE).order_by("enterprise_id")


def _file(brain: Brain, enterprise_id: int):
    try:
        return enterprise_file(brain=brain, enterprise=enterprise_id, viewer=None)
    except EnterpriseFileNotFound:
        return None


def _lock_member(brain_id: int, enterprise_id: int) -> bool:
    """Lock the enterprise's membership row, the lock its tags recompute takes: the file read after it is the one
    the decision is stored for, never an older one a concurrent recompute has replaced."""
    return _members(brain_id).select_for_update().filter(enterprise_id=enterprise_id).exists()


def _open_policy(brain_id: int, policy_id: int) -> Policy | None:
    """The policy as it is now, share-locked: matchings of one policy run side by side, while a change of its
    rules or its withdrawal (FOR UPDATE) waits for them and they for it. So a decision is made by the current rules,
    and nobody is told after a withdrawal committed."""
    policy = next(iter(Policy.objects.raw("SELECT * FROM brain_policy WHERE id = %s AND brain_id = %s FOR SHARE",
                                          [policy_id, brain_id])), None)
    return policy if policy is not None and policy.is_open else None


def _decide_and_store(*, policy: Policy, enterprise_id: int, file) -> PolicyMatch:
    """Decide one enterprise and store the decision; tell it if it is newly eligible. The caller holds the
    enterprise's membership lock and the policy's share lock, in its brain_context (the transaction)."""
    brain_id = policy.brain_id
    outcome, checks = eligibility.decide(policy.rules, file)
    match = PolicyMatch.objects.in_brain(brain_id).filter(policy_id=policy.pk, enterprise_id=enterprise_id
                                                          ).order_by().first()
    if match is None:
        match = PolicyMatch(brain_id=brain_id, policy_id=policy.pk, enterprise_id=enterprise_id)
    elif (match.outcome, match.checks, match.rules_version) == (outcome, checks, policy.rules_version):
        return match  # nothing changed: no write, no new change time for ERPs to fetch
    now = timezone.now()
    match.outcome, match.checks, match.rules_version, match.evaluated_at = outcome, checks, policy.rules_version, now
    tell = outcome == PolicyMatch.Outcome.ELIGIBLE and match.notified_at is None
    if tell:
        match.notified_at = now
    match.save()
    if tell:
        event_record(brain_id=brain_id, name="policy.eligible",
                     payload={"policy": policy.pk, "enterprise": enterprise_id, "match": match.pk})
    return match


def policy_match(*, brain_id: int, policy_id: int) -> dict[str, int]:
    """Match a published, open policy against every active member: {outcome: count}. Safe to run twice or at
    once; a policy withdrawn or past its deadline is not matched (its decisions stay as they were). Each member is
    its own transaction (brain_context is one), so a long run holds no lock for long, loses nothing done when it
    fails half-way, and tells each eligible enterprise as soon as it is decided."""
    counts = {outcome: 0 for outcome in PolicyMatch.Outcome.values}
    with brain_context(brain_id):
        brain = Brain.objects.get(pk=brain_id)
        if _open_policy(brain_id, policy_id) is None:
            return counts
        enterprise_ids = list(_members(brain_id).values_list("enterprise_id", flat=True))
    for enterprise_id in enterprise_ids:
        with brain_context(brain_id):
            if not _lock_member(brain_id, enterprise_id):
                continue  # no longer active
            file = _file(brain, enterprise_id)
            policy = _open_policy(brain_id, policy_id)
            if policy is None:
                break  # withdrawn or changed to closed while the run went on
            if file is not None:
                counts[_decide_and_store(policy=policy, enterprise_id=enterprise_id, file=file).outcome] += 1
    with brain_context(brain_id):
        Policy.objects.in_brain(brain_id).filter(pk=policy_id).update(matched_at=timezone.now())
    return counts


def policies_match_enterprise(*, brain, enterprise_id: int) -> list[PolicyMatch]:
    """One enterprise's file changed (or it joined): decide it again against every open policy of the brain, from
    one reading of its file under its membership lock."""
    brain = _brain(brain)
    with brain_context(brain.pk):
        today = timezone.localdate()
        policy_ids = [pk for pk, apply_by in Policy.objects.in_brain(brain).filter(
            status=Policy.Status.PUBLISHED).values_list("pk", "apply_by") if apply_by is None or apply_by >= today]
        if not policy_ids or not _lock_member(brain.pk, enterprise_id):
            return []
        file = _file(brain, enterprise_id)
        if file is None:
            return []
        policies = [p for p in (_open_policy(brain.pk, pk) for pk in sorted(policy_ids)) if p is not None]
        return [_decide_and_store(policy=p, enterprise_id=enterprise_id, file=file) for p in policies]


@dataclass
class Preview:
    """What publishing these rules would decide now, without storing or telling anything."""

    rules: list[dict] = field(default_factory=list)
    members: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {o: 0 for o in PolicyMatch.Outcome.values})
    # per rule (in order): how many members it failed, and how many lack its data
    failed_by_rule: list[int] = field(default_factory=list)
    unknown_by_rule: list[int] = field(default_factory=list)
    eligible: list[tuple[int, str]] = field(default_factory=list)  # (enterprise id, legal name), at most 200


def policy_preview(*, brain, by, rules) -> Preview:
    """Operators try rules before publishing: the outcome counts, what each rule rules out, who would be eligible."""
    _require_operator(brain, by)
    rules = _rules(rules)
    preview = Preview(rules=rules, failed_by_rule=[0] * len(rules), unknown_by_rule=[0] * len(rules))
    with brain_context(brain.pk):
        for membership in _members(brain.pk).select_related("enterprise"):
            file = _file(brain, membership.enterprise_id)
            if file is None:
                continue
            outcome, checks = eligibility.decide(rules, file)
            preview.members += 1
            preview.counts[outcome] += 1
            for index, done in enumerate(checks):
                preview.failed_by_rule[index] += done["outcome"] == eligibility.NOT_MET
                preview.unknown_by_rule[index] += done["outcome"] == eligibility.UNKNOWN
            if outcome == eligibility.ELIGIBLE and len(preview.eligible) < 200:
                preview.eligible.append((membership.enterprise_id, membership.enterprise.legal_name))
    return preview


# --- Notifications --------------------------------------------------------------------------------------------

def _users(enterprise_ids):
    return User.objects.filter(enterprise_id__in=list(enterprise_ids), is_active=True)


def notifications_from_event(*, brain_id: int, event_id: int) -> list:
    """Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        policy = Policy.objects.in_brain(brain_id).get(pk=event.payload["policy"])
        params = {"policy": policy.title, "apply_by": policy.apply_by.isoformat() if policy.apply_by else "",
                  "note": policy.benefit if event.name == "policy.eligible" else policy.withdraw_reason}
        link = f"/b/{event.brain.slug}/policies/{policy.pk}/"
        if event.name == "policy.eligible":
            if not policy_match_still_eligible(brain=brain_id, policy=policy, match_id=event.payload["match"]):
                return []  # withdrawn, closed or re-decided before the message went out: say nothing stale
            kind = "policy.eligible" if policy.apply_by else "policy.eligible.no_deadline"
            return tell(event, _users([event.payload["enterprise"]]), params, link, kind=kind, email=True)
        if event.name == "policy.withdrawn":
            return tell(event, _users(policy_told(brain=brain_id, policy_id=policy.pk)), params, link, email=True)
        return []
