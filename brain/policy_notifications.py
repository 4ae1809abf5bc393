"""Who hears of policies (政策直达): an eligible enterprise is told once (in-app and by e-mail, and by webhook if it
subscribed), and told again if the policy is withdrawn. Nobody hears of another enterprise's decision."""

from django.utils.translation import gettext_lazy as _

from brain.models import Policy, PolicyMatch
from tenants.context import brain_context
from tenants.models import NOTIFICATION_TITLES, Membership, OutboxEvent, User
from tenants.services import tell
from tenants.webhooks import webhook_event_type

NOTIFICATION_TITLES.update({
    "policy.eligible": _("Your enterprise is eligible for %(policy)s: apply by %(apply_by)s"),
    "policy.eligible.no_deadline": _("Your enterprise is eligible for %(policy)s"),
    "policy.withdrawn": _("%(policy)s was withdrawn"),
})


def _users(enterprise_ids):
    return User.objects.filter(enterprise_id__in=list(enterprise_ids), is_active=True)


def _told(brain_id: int, policy_id: int) -> set[int]:
    return set(PolicyMatch.objects.in_brain(brain_id).filter(policy_id=policy_id, notified_at__isnull=False)
               .values_list("enterprise_id", flat=True))


def notifications_from_event(*, brain_id: int, event_id: int) -> list:
    """Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        policy = Policy.objects.in_brain(brain_id).get(pk=event.payload["policy"])
        params = {"policy": policy.title, "apply_by": policy.apply_by.isoformat() if policy.apply_by else "",
                  "note": policy.benefit if event.name == "policy.eligible" else policy.withdraw_reason}
        link = f"/b/{event.brain.slug}/policies/{policy.pk}/"
        if event.name == "policy.eligible":
            if not _still_eligible(brain_id, policy, event.payload["match"]):
                return []  # withdrawn, closed or re-decided before the message went out: say nothing stale
            kind = "policy.eligible" if policy.apply_by else "policy.eligible.no_deadline"
            return tell(event, _users([event.payload["enterprise"]]), params, link, kind=kind, email=True)
        if event.name == "policy.withdrawn":
            return tell(event, _users(_told(brain_id, policy.pk)), params, link, email=True)
        return []


def _still_eligible(brain_id: int, policy: Policy, match_id: int) -> bool:
    return policy.is_open and PolicyMatch.objects.in_brain(brain_id).filter(
        pk=match_id, outcome=PolicyMatch.Outcome.ELIGIBLE).exists()


def _published_readers(event, candidates: set[int]) -> dict[int, dict]:
    """A published policy is for every active member to read."""
    active = set(Membership.objects.in_brain(event.brain_id).filter(
        status=Membership.Status.ACTIVE, enterprise_id__in=candidates).values_list("enterprise_id", flat=True))
    return {enterprise_id: {"policy": event.payload["policy"]} for enterprise_id in active}


def _the_enterprise(event, candidates: set[int]) -> dict[int, dict]:
    enterprise_id = event.payload["enterprise"]
    policy = Policy.objects.in_brain(event.brain_id).filter(pk=event.payload["policy"]).first()
    if enterprise_id not in candidates or policy is None or not _still_eligible(event.brain_id, policy,
                                                                                event.payload["match"]):
        return {}
    return {enterprise_id: {"policy": policy.pk, "match": event.payload["match"]}}


def _told_enterprises(event, candidates: set[int]) -> dict[int, dict]:
    return {enterprise_id: {"policy": event.payload["policy"]}
            for enterprise_id in candidates & _told(event.brain_id, event.payload["policy"])}


def register() -> None:
    webhook_event_type("policy.published", audience=_published_readers,
                       description=_("A support policy was published in the brain."))
    webhook_event_type("policy.eligible", audience=_the_enterprise,
                       description=_("Your enterprise was found eligible for a policy (told once per policy)."))
    webhook_event_type("policy.withdrawn", audience=_told_enterprises,
                       description=_("A policy your enterprise was told of was withdrawn."))
