"""Reads of memberships: an enterprise's own, a brain's active members, and who sees which applications."""

from django.db.models import Q

from tenants.models import Brain, Membership


def memberships_of_enterprise(*, enterprise_id: int | None):
    """Every membership of an enterprise, in any status (its own view, across brains)."""
    if enterprise_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(enterprise_id=enterprise_id).select_related("brain")


def active_members(*, brain, role: str | None = None):
    """The brain's active memberships, of members holding `role` if given: the one definition of "an active
    supplier (or buyer) member of this brain"."""
    members = Membership.objects.in_brain(brain).filter(status=Membership.Status.ACTIVE)
    return members.filter(roles__contains=[role]) if role else members


def membership_list(*, brain: Brain, viewer, status: str | None = None):
    """Operators see every application; anyone else the active members and its own enterprise's membership."""
    queryset = Membership.objects.in_brain(brain).select_related("enterprise", "decided_by")
    if not viewer.is_operator:
        queryset = queryset.filter(Q(status=Membership.Status.ACTIVE) | Q(enterprise_id=viewer.enterprise_id or 0))
    if status:
        queryset = queryset.filter(status=status)
    return queryset
