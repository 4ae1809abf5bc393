"""Reads of mould trials: the project's buyer's only."""

from django.db.models import Prefetch

from capacity.models import Attachment, MouldTrial, TrialModification


def mould_trial_list(*, brain, viewer):
    """Trials of the enterprise's own projects (the buyer's only), with their files and modifications."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return MouldTrial.objects.none()
    return (MouldTrial.objects.in_brain(brain).filter(project__buyer_id=enterprise_id)
            .select_related("project", "scheduled_by", "recorded_by")
            .prefetch_related(
                Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
                Prefetch("modifications", queryset=TrialModification.objects.select_related(
                    "part", "operation__process").order_by("pk")))
            .order_by("project_id", "-number"))
