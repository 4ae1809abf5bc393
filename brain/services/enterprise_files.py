"""What follows a change of an enterprise's file (一企一档): its tags, then its eligibility for the brain's open
policies. The file itself is read (brain.selectors.enterprise_files), never stored."""

from brain.models import PublicRecord, SyncRun
from brain.services.policies import policies_match_enterprise
from brain.services.tags import enterprise_tags_recompute
from tenants.context import brain_context, cross_brain
from tenants.models import Membership


def enterprise_tags_recompute_after_sync(*, brain_id: int, run_id: int) -> int:
    """After a sync run: recompute, in every brain they belong to, the tags of the enterprises whose public records
    changed while it (and any abandoned run of its source before it) ran. Public records are global, so a run of
    one brain's source can change another brain's tags: the memberships are found on the audited cross-brain path
    and each brain is entered for its own recompute. Returns how many (brain, enterprise) pairs were recomputed."""
    with brain_context(brain_id):
        run = SyncRun.objects.in_brain(brain_id).filter(pk=run_id).first()
        if run is None or run.started_at is None:
            return 0
        finished_before = SyncRun.objects.in_brain(brain_id).filter(
            source_id=run.source_id, pk__lt=run.pk,
            status__in=[SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED]).order_by("-pk").values("pk")[:1]
        since = min([run.started_at, *SyncRun.objects.in_brain(brain_id).filter(
            source_id=run.source_id, pk__lt=run.pk, pk__gt=finished_before, status=SyncRun.Status.ABANDONED,
            started_at__isnull=False).values_list("started_at", flat=True)])
    codes = PublicRecord.objects.filter(changed_at__gte=since).values("credit_code")
    with cross_brain(reason="enterprise tags after a sync run"):
        pairs = list(Membership.objects.filter(enterprise__credit_code__in=codes).values_list("brain_id",
                                                                                             "enterprise_id"))
    for member_brain_id, enterprise_id in pairs:
        enterprise_file_changed(brain=member_brain_id, enterprise_id=enterprise_id)
    return len(pairs)


def enterprise_file_changed(*, brain, enterprise_id: int) -> list[str]:
    """What follows a change of an enterprise's file: its tags, then its eligibility for the brain's open policies
    (tags are among the rules' inputs). Returns the tag codes."""
    tags = enterprise_tags_recompute(brain=brain, enterprise_id=enterprise_id)
    policies_match_enterprise(brain=brain, enterprise_id=enterprise_id)
    return tags
