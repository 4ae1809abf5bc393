"""Memberships: an enterprise applies to a brain; operators admit, reject, suspend or reinstate it, and verify
who it is."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from tenants.access import require_brain_active, require_operator
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, Enterprise, Membership, User
from tenants.outbox import event_record


def _clean_roles(roles) -> list[str]:
    valid = set(Membership.Role.values)
    cleaned = sorted(set(roles))
    if not cleaned:
        raise DomainError(_("Choose at least one role."), code="required", field="roles")
    unknown = [r for r in cleaned if r not in valid]
    if unknown:
        raise DomainError(
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}, code="invalid", field="roles"
        )
    return cleaned


@transaction.atomic
def membership_apply(*, brain: Brain, enterprise: Enterprise, roles: list[str], note: str = "", by: User) -> Membership:
    """An enterprise administrator applies to join `brain` (or re-applies after a rejection)."""
    require_brain_active(brain=brain)
    if by.enterprise_id != enterprise.pk or not by.is_enterprise_admin:
        raise NotAllowed(_("Only an administrator of the enterprise may apply for it."))
    roles = _clean_roles(roles)
    with brain_context(brain.pk):
        return _membership_apply(brain, enterprise, roles, note)


def _membership_apply(brain, enterprise, roles, note) -> Membership:
    membership = (
        Membership.objects.in_brain(brain).select_for_update().filter(enterprise=enterprise).first()
    )
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(brain=brain, enterprise=enterprise, roles=roles, note=note)
        except IntegrityError:  # a concurrent application won the race
            raise DomainError(_("This enterprise has already applied to this brain."), code="duplicate")
    elif membership.status == Membership.Status.REJECTED:
        membership.reapply()
        membership.roles, membership.note, membership.applied_at = roles, note, timezone.now()
        membership.decided_at = membership.decided_by = None
        membership.save()
    else:
        raise DomainError(_("This enterprise has already applied to this brain."), code="duplicate")
    event_record(
        brain_id=brain.pk, name="membership.applied",
        payload={"membership": membership.pk, "enterprise": enterprise.pk, "roles": roles, "note": note},
    )
    return membership


# What each operator decision does: the FSM transition and the event it records.
MEMBERSHIP_DECISIONS = {
    "admit": ("admit", "membership.admitted"),
    "reject": ("reject", "membership.rejected"),
    "suspend": ("suspend", "membership.suspended"),
    "reinstate": ("reinstate", "membership.reinstated"),
}


@transaction.atomic
def membership_decide(*, membership: Membership, decision: str, note: str = "", by: User) -> Membership:
    """An operator admits, rejects, suspends or reinstates a member. Locks the row: one decision wins."""
    brain = membership.brain
    if decision not in MEMBERSHIP_DECISIONS:
        raise DomainError(_("Unknown decision."), field="decision")
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        require_brain_active(brain=brain)
        return _membership_decide(brain, membership, decision, note, by)


def _membership_decide(brain, membership, decision, note, by) -> Membership:
    transition_name, event_name = MEMBERSHIP_DECISIONS[decision]
    membership = Membership.objects.in_brain(brain).select_for_update().get(pk=membership.pk)
    if not can_proceed(getattr(membership, transition_name)):
        raise DomainError(
            _("A membership that is “%(status)s” cannot be changed this way.")
            % {"status": membership.get_status_display()},
            code="invalid_state",
        )
    getattr(membership, transition_name)()
    membership.decided_at, membership.decided_by = timezone.now(), by
    if note:
        membership.note = note
    membership.save()
    event_record(
        brain_id=brain.pk, name=event_name,
        payload={"membership": membership.pk, "enterprise": membership.enterprise_id, "note": note},
    )
    return membership


@transaction.atomic
def enterprise_verify(*, membership: Membership, by: User) -> Enterprise:
    """An operator has checked the member's identity (licence, credit code): mark the enterprise verified."""
    with brain_context(membership.brain_id):
        require_operator(brain=membership.brain, user=by)
        require_brain_active(brain=membership.brain)
        membership = Membership.objects.in_brain(membership.brain_id).get(pk=membership.pk)
        if membership.status not in (Membership.Status.APPLIED, Membership.Status.ACTIVE):
            raise DomainError(_("Only applicants and members can be verified."), code="invalid_state")
        enterprise = Enterprise.objects.select_for_update().get(pk=membership.enterprise_id)
        if not enterprise.verified:
            enterprise.verified, enterprise.verified_at = True, timezone.now()
            enterprise.save(update_fields=["verified", "verified_at"])
            event_record(
                brain_id=membership.brain_id, name="enterprise.verified",
                payload={"membership": membership.pk, "enterprise": enterprise.pk},
            )
        return enterprise
