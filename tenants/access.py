"""What a user may do in one brain, decided once per request; the `viewer` every visibility selector takes."""

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from tenants.errors import NotAllowed
from tenants.models import Brain, BrainStaff, Membership, User


@dataclass(frozen=True)
class BrainAccess:
    """Who is looking at a brain. Selectors that decide visibility take it as `viewer=`: web views and the API
    pass the request's, tasks and webhook audiences an enterprise's (`enterprise_access`)."""

    brain: Brain
    membership: Membership | None  # the user's enterprise's membership, in any status
    staff_role: str | None
    is_platform_admin: bool
    enterprise_id: int | None = None  # the user's enterprise, whatever its membership here
    user_id: int | None = None  # the person; None for an enterprise as such (enterprise_access)

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == Membership.Status.ACTIVE

    @property
    def is_operator(self) -> bool:
        return self.staff_role == BrainStaff.Role.OPERATOR or self.is_platform_admin

    @property
    def can_enter(self) -> bool:
        return self.is_member or self.staff_role is not None or self.is_platform_admin

    @property
    def read_only(self) -> bool:
        """A suspended brain is read-only for everyone but platform administrators."""
        return not self.brain.is_active and not self.is_platform_admin

    @property
    def staff_role_label(self) -> str:
        return str(BrainStaff.Role(self.staff_role).label) if self.staff_role else ""

    def has_role(self, role: str) -> bool:
        return self.is_member and role in self.membership.roles

    @property
    def roles(self) -> list[str]:
        return list(self.membership.roles) if self.is_member else []


def brain_access(*, user: User, brain: Brain) -> BrainAccess:
    membership = staff_role = None
    if user.is_authenticated:
        if user.enterprise_id:
            membership = Membership.objects.in_brain(brain).filter(enterprise_id=user.enterprise_id).first()
        if not getattr(user, "via_api_key", False):
            staff_role = (
                BrainStaff.objects.in_brain(brain).filter(user=user).values_list("role", flat=True).first()
            )
    return BrainAccess(
        brain=brain,
        membership=membership,
        staff_role=staff_role,
        is_platform_admin=bool(getattr(user, "is_platform_admin", False)),
        enterprise_id=getattr(user, "enterprise_id", None),
        user_id=user.pk if user.is_authenticated else None,
    )


def enterprise_access(*, brain: Brain | int, enterprise_id: int | None) -> BrainAccess:
    """An enterprise as a viewer of `brain` (no person, no staff role): what its API key would see. Webhook
    audiences and tasks ask the selectors with it."""
    if not isinstance(brain, Brain):
        brain = Brain.objects.get(pk=brain)
    membership = (Membership.objects.in_brain(brain).filter(enterprise_id=enterprise_id).first()
                  if enterprise_id else None)
    return BrainAccess(brain=brain, membership=membership, staff_role=None, is_platform_admin=False,
                       enterprise_id=enterprise_id)


def require_member_role(*, brain: Brain, user: User, role: str) -> Membership:
    """The user's enterprise's active membership with `role` in `brain`, or NotAllowed."""
    membership = None
    if user.enterprise_id:
        membership = Membership.objects.in_brain(brain).filter(
            enterprise_id=user.enterprise_id, status=Membership.Status.ACTIVE, roles__contains=[role]
        ).first()
    if membership is None:
        label = Membership.Role(role).label
        raise NotAllowed(_("Only a %(role)s member of this brain may do this.") % {"role": label})
    return membership


def require_operator(*, brain: Brain, user: User) -> None:
    """NotAllowed unless the user is an operator of `brain` (or a platform administrator); never with an API key,
    which acts for its enterprise only."""
    if not brain_access(user=user, brain=brain).is_operator:
        raise NotAllowed(_("Only an operator of this brain may do this."))


def require_platform_admin(*, user: User) -> None:
    """NotAllowed unless the user is a platform administrator."""
    if not user.is_platform_admin:
        raise NotAllowed(_("Only platform administrators may do this."))


def require_brain_active(*, brain: Brain) -> None:
    """NotAllowed (code brain_suspended) when `brain` is suspended: a suspended brain is read-only.

    Reads the brain afresh and share-locks its row: a suspension waits for decisions under way, and a decision
    made after it sees it. Lock order everywhere: brain, then the brain's own rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM tenants_brain WHERE id = %s FOR SHARE", [brain.pk])
        (status,) = cursor.fetchone()
    if status != Brain.Status.ACTIVE:
        raise NotAllowed(_("This brain is suspended and read-only."), code="brain_suspended")
