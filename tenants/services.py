"""Every write of the tenants app: one function per use case, transactional, raising domain errors.

A service that works inside a brain enters that brain itself, so a view, a task, a command or a test
can call it alike.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from tenants.access import require_operator
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import (
    ApiKey, Brain, BrainStaff, Enterprise, Membership, Notification, OutboxEvent, Process, RateLimitChange, User,
)
from tenants.outbox import event_record

mail_log = logging.getLogger("industry_brain.mail")
audit_log = logging.getLogger("industry_brain.audit")

# --- Brains (platform administrators) -------------------------------------------------------


def _require_platform_admin(by: User) -> None:
    if not by.is_platform_admin:
        raise NotAllowed(_("Only platform administrators may do this."))


@transaction.atomic
def brain_create(
    *, slug: str, name_zh: str, name_en: str, sector: str, region_code: str = "",
    processes: list[tuple[str, str, str]] = (), by: User,
) -> Brain:
    """Create a brain with its process catalogue [(code, name_zh, name_en), …]."""
    _require_platform_admin(by)
    duplicate = DomainError(_("A brain with this slug already exists."), code="duplicate", field="slug")
    if Brain.objects.filter(slug=slug).exists():
        raise duplicate
    brain = Brain(slug=slug, name_zh=name_zh, name_en=name_en, sector=sector, region_code=region_code)
    try:
        brain.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=field) from error
    try:
        with transaction.atomic():
            brain.save()
    except IntegrityError:  # created by a concurrent request since the check above
        raise duplicate from None
    with brain_context(brain.pk):
        Process.objects.bulk_create(
            Process(brain=brain, code=code, name_zh=zh, name_en=en, sort_order=index * 10)
            for index, (code, zh, en) in enumerate(processes)
        )
        event_record(brain_id=brain.pk, name="brain.created", payload={"slug": slug, "by": by.pk})
    return brain


@transaction.atomic
def brain_suspend(*, brain: Brain, reason: str, by: User) -> Brain:
    _require_platform_admin(by)
    brain = Brain.objects.select_for_update().get(pk=brain.pk)
    if not reason.strip():
        raise DomainError(_("Give a reason for the suspension."), code="required", field="reason")
    if len(reason.strip()) > 300:
        raise DomainError(_("At most 300 characters."), code="max_length", field="reason")
    if not brain.is_active:
        raise DomainError(_("This brain is already suspended."), code="invalid_state")
    brain.suspend(reason=reason.strip())
    brain.save()
    with brain_context(brain.pk):
        event_record(brain_id=brain.pk, name="brain.suspended", payload={"reason": brain.suspended_reason})
    return brain


@transaction.atomic
def brain_reactivate(*, brain: Brain, by: User) -> Brain:
    _require_platform_admin(by)
    brain = Brain.objects.select_for_update().get(pk=brain.pk)
    if brain.is_active:
        raise DomainError(_("This brain is already active."), code="invalid_state")
    brain.reactivate()
    brain.save()
    with brain_context(brain.pk):
        event_record(brain_id=brain.pk, name="brain.reactivated", payload={})
    return brain


def _require_brain_active(brain: Brain) -> None:
    # Read afresh and share-lock the brain row: a suspension waits for decisions under way, and a decision
    # made after it sees it. Lock order everywhere: brain, then the brain's own rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM tenants_brain WHERE id = %s FOR SHARE", [brain.pk])
        (status,) = cursor.fetchone()
    if status != Brain.Status.ACTIVE:
        raise NotAllowed(_("This brain is suspended and read-only."), code="brain_suspended")


# --- Process catalogue (operators) ---------------------------------------------------------


@transaction.atomic
def process_save(*, brain: Brain, by: User, process: Process | None = None, **fields) -> Process:
    """Create a catalogue entry, or change `process`. fields: code, name_zh, name_en, sort_order."""
    with brain_context(brain.pk):
        _require_operator(brain, by)
        _require_brain_active(brain)
        code = fields.get("code", process.code if process else "")
        clash = Process.objects.in_brain(brain).filter(code=code)
        if process is not None:
            clash = clash.exclude(pk=process.pk)
        if clash.exists():
            raise DomainError(_("This code is already in the catalogue."), code="duplicate", field="code")
        process = process or Process(brain=brain)
        for name, value in fields.items():
            setattr(process, name, value)
        try:
            with transaction.atomic():
                process.save()
        except IntegrityError:
            raise DomainError(_("This code is already in the catalogue."), code="duplicate", field="code") from None
        event_record(brain_id=brain.pk, name="process.saved", payload={"process": process.pk, "code": code})
        return process


@transaction.atomic
def process_delete(*, process: Process, by: User) -> None:
    with brain_context(process.brain_id):
        _require_operator(process.brain, by)
        _require_brain_active(process.brain)
        try:
            with transaction.atomic():
                process.delete()
        except ProtectedError:
            raise DomainError(_("This process is in use and cannot be deleted."), code="in_use") from None


# --- Memberships ----------------------------------------------------------------------------


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
    _require_brain_active(brain)
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


def _require_operator(brain: Brain, by: User) -> None:
    require_operator(brain=brain, user=by)


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
        _require_operator(brain, by)
        _require_brain_active(brain)
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
        _require_operator(membership.brain, by)
        _require_brain_active(membership.brain)
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


# --- API keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def api_key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, by: User, name: str, scope: str, brains: list[Brain]) -> IssuedKey:
    """An enterprise administrator issues a key for brains the enterprise is an active member of."""
    if not by.is_enterprise_admin:
        raise NotAllowed(_("Only an enterprise administrator may create API keys."))
    if not name.strip():
        raise DomainError(_("Give the key a name."), code="required", field="name")
    if scope not in ApiKey.Scope.values:
        raise DomainError(_("Unknown scope."), code="invalid", field="scope")
    if not brains:
        raise DomainError(_("Choose at least one brain."), code="required", field="brains")
    outside = [brain.slug for brain in brains if not _is_active_member(brain, by.enterprise_id)]
    if outside:
        raise DomainError(
            _("Your enterprise is not an active member of: %(brains)s.") % {"brains": ", ".join(outside)},
            code="invalid", field="brains",
        )
    prefix = secrets.token_hex(4)
    secret = f"ib_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        enterprise_id=by.enterprise_id, name=name.strip(), prefix=prefix, secret_hash=api_key_hash(secret),
        scope=scope, brain_ids=sorted(b.pk for b in brains), created_by=by,
    )
    return IssuedKey(api_key=api_key, secret=secret)


def _is_active_member(brain: Brain, enterprise_id: int) -> bool:
    with brain_context(brain.pk):
        return Membership.objects.in_brain(brain).filter(
            enterprise_id=enterprise_id, status=Membership.Status.ACTIVE
        ).exists()


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User) -> ApiKey:
    if not by.is_enterprise_admin or by.enterprise_id != api_key.enterprise_id:
        raise NotAllowed(_("Only an administrator of the key's enterprise may revoke it."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


@transaction.atomic
def api_key_set_rate_limit(*, api_key: ApiKey, rate_limit_per_minute: int, by: User) -> ApiKey:
    """The platform administrator sets a key's requests per minute; the throttle applies it on the next request.

    Audited (RateLimitChange and the audit log) when the limit changes; setting the same limit again does nothing.
    """
    _require_platform_admin(by)
    low, high = ApiKey.RATE_LIMIT_MIN, ApiKey.RATE_LIMIT_MAX
    if isinstance(rate_limit_per_minute, bool) or not isinstance(rate_limit_per_minute, int) \
            or not low <= rate_limit_per_minute <= high:
        raise DomainError(
            _("Requests per minute must be a whole number from %(min)s to %(max)s.") % {"min": low, "max": high},
            code="invalid", field="rate_limit_per_minute",
        )
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)  # two admins at once: one change after the other
    if api_key.revoked_at is not None:
        raise DomainError(_("This API key has been revoked."), code="invalid_state")
    old = api_key.rate_limit_per_minute
    if old == rate_limit_per_minute:
        return api_key
    api_key.rate_limit_per_minute = rate_limit_per_minute
    api_key.save(update_fields=["rate_limit_per_minute"])
    RateLimitChange.objects.create(api_key=api_key, old_limit=old, new_limit=rate_limit_per_minute, changed_by=by)
    line = (api_key.pk, api_key.prefix, api_key.enterprise_id, old, rate_limit_per_minute, by.pk)
    transaction.on_commit(lambda: audit_log.info(  # once it holds: a rolled-back change is not logged as made
        "api key %s (%s…, enterprise=%s) rate limit %s -> %s per minute (user=%s)", *line))
    return api_key


# --- Document numbers -----------------------------------------------------------------------


def next_number(*, brain_id: int, prefix: str) -> str:
    """The next number of a brain's document series, gap-free: the counter row is locked until commit."""
    from django.db.models import F

    from tenants.models import Counter

    year = timezone.localdate().year
    with brain_context(brain_id):
        Counter.objects.get_or_create(brain_id=brain_id, prefix=prefix, year=year)
        counter = Counter.objects.select_for_update().get(brain_id=brain_id, prefix=prefix, year=year)
        Counter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
        return f"{prefix}-{year}-{counter.value + 1:06d}"


# --- Notifications --------------------------------------------------------------------------

def notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """Make the in-app notifications an event calls for. Safe to run twice (one per event and user)."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        if not event.name.startswith("membership."):
            return []
        return _membership_notifications(event)


def _membership_notifications(event: OutboxEvent) -> list[Notification]:
    brain = event.brain
    membership = Membership.objects.in_brain(brain).select_related("enterprise").get(pk=event.payload["membership"])
    if event.name == "membership.applied":
        recipients = User.objects.filter(
            brain_staff__brain=brain, brain_staff__role=BrainStaff.Role.OPERATOR, is_active=True
        )
        link = f"/b/{brain.slug}/operator/members/"
    else:
        recipients = User.objects.filter(enterprise_id=membership.enterprise_id, is_active=True)
        link = f"/b/{brain.slug}/"
    params = {"enterprise": str(membership.enterprise), "note": event.payload.get("note", "")}
    return notify(event=event, users=recipients, params=params, link=link)


def tell(event: OutboxEvent, users, params: dict, link: str, *, kind: str | None = None, email: bool = False) -> list:
    """In-app notifications for `users` (once per event), and, with `email`, an e-mail to each user whose
    notification this call made. A user is told by whichever run inserts the row: two workers handling one event
    at once (a redelivery while the first still runs) send one e-mail, since the second waits on the first's row
    and finds it taken."""
    users = list(users)
    if not email:
        return notify(event=event, users=users, params=params, link=link, kind=kind)
    inserted = []
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(brain_id=event.brain_id, user=user, event=event, kind=kind or event.name,
                                            params=params, link=link)
        except IntegrityError:  # told already, by an earlier or a concurrent run
            continue
        inserted.append(user)
    _email(inserted, kind or event.name, params, link)
    return list(Notification.objects.in_brain(event.brain_id).filter(event=event, user__in=users))


def _email(users, kind: str, params: dict, link: str) -> None:
    from django.core.mail import send_mail
    from django.utils import translation

    from tenants.models import NOTIFICATION_TITLES

    with translation.override("zh-hans"):  # the cluster's language; the page itself follows the reader
        subject = str(NOTIFICATION_TITLES[kind]) % params
    for user in users:  # one message each: competing suppliers must not see each other's addresses
        if user.email:
            try:
                # the note (a reason, a comment) is in the mail too, as on the in-app notification
                send_mail(subject, "\n\n".join(filter(None, [subject, params.get("note", ""), link])), None,
                          [user.email])
            except Exception as error:  # the in-app notification stands; a mail server outage must not undo it
                mail_log.warning("could not e-mail %s: %s", user.email, error)


def notify(*, event: OutboxEvent, users, params: dict, link: str = "", kind: str | None = None) -> list[Notification]:
    """One notification per user for this event (a second run adds none); returns those users' ones."""
    users = list(users)
    Notification.objects.bulk_create(
        [Notification(brain_id=event.brain_id, user=user, event=event, kind=kind or event.name, params=params,
                      link=link) for user in users],
        ignore_conflicts=True,
    )
    return list(Notification.objects.in_brain(event.brain_id).filter(event=event, user__in=users))


@transaction.atomic
def notifications_mark_read(*, brain: Brain, user: User, ids: list[int] | None = None) -> int:
    with brain_context(brain.pk):
        unread = Notification.objects.in_brain(brain).filter(user=user, read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(pk__in=ids)
        return unread.update(read_at=timezone.now())
