"""The policy events (政策直达) an enterprise may subscribe webhooks to, and who hears of each: a published policy
every active member, an eligible decision only the enterprise decided, a withdrawal those told of the policy.
Nobody hears of another enterprise's decision."""

from django.utils.translation import gettext_lazy as _

from brain.models import Policy
from brain.selectors.policies import policy_match_still_eligible, policy_told
from tenants.models import Membership
from tenants.webhooks import webhook_event_type


def _published_readers(event, candidates: set[int]) -> dict[int, dict]:
    """A published policy is for every active member to read."""
    active = set(Membership.objects.in_brain(event.brain_id).filter(
        status=Membership.Status.ACTIVE, enterprise_id__in=candidates).values_list("enterprise_id", flat=True))
    return {enterprise_id: {"policy": event.payload["policy"]} for enterprise_id in active}


def _the_enterprise(event, candidates: set[int]) -> dict[int, dict]:
    enterprise_id = event.payload["enterprise"]
    policy = Policy.objects.in_brain(event.brain_id).filter(pk=event.payload["policy"]).first()
    if enterprise_id not in candidates or policy is None or not policy_match_still_eligible(
            brain=event.brain_id, policy=policy, match_id=event.payload["match"]):
        return {}
    return {enterprise_id: {"policy": policy.pk, "match": event.payload["match"]}}


def _told_enterprises(event, candidates: set[int]) -> dict[int, dict]:
    return {enterprise_id: {"policy": event.payload["policy"]}
            for enterprise_id in candidates & policy_told(brain=event.brain_id, policy_id=event.payload["policy"])}


def register() -> None:
    webhook_event_type("policy.published", audience=_published_readers,
                       description=_("A support policy was published in the brain."))
    webhook_event_type("policy.eligible", audience=_the_enterprise,
                       description=_("Your enterprise was found eligible for a policy (told once per policy)."))
    webhook_event_type("policy.withdrawn", audience=_told_enterprises,
                       description=_("A policy your enterprise was told of was withdrawn."))
