"""Reads of brains: which a user may enter, a brain's process catalogue and its summary."""

from django.db.models import Count, Q

from tenants.models import Brain, BrainStaff, Membership, Process, User


def brains_for_user(*, user: User):
    """Brains the user can enter: as an active member's user, as staff, or all for platform admins.

    Runs outside any brain: memberships and staff rows are visible here through their RLS clauses for
    the user's own enterprise and user.
    """
    if user.is_platform_admin:
        return Brain.objects.all()
    member_of = Membership.objects.filter(enterprise_id=user.enterprise_id, status=Membership.Status.ACTIVE)
    staff_of = BrainStaff.objects.filter(user=user)
    return Brain.objects.filter(
        Q(pk__in=member_of.values("brain_id")) | Q(pk__in=staff_of.values("brain_id"))
    ).distinct()


def process_list(*, brain: Brain, viewer):
    """The brain's process catalogue: everyone who may enter the brain reads it."""
    return Process.objects.in_brain(brain)


def brain_summary(*, brain: Brain) -> dict:
    counts = Membership.objects.in_brain(brain).aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        applied=Count("pk", filter=Q(status=Membership.Status.APPLIED)),
        buyers=Count("pk", filter=Q(status=Membership.Status.ACTIVE, roles__contains=["buyer"])),
        suppliers=Count("pk", filter=Q(status=Membership.Status.ACTIVE, roles__contains=["supplier"])),
    )
    return counts
