"""Notifications: the in-app messages (and e-mails) domain events call for, once per event and user; `tell` and
`notify` are what every app's notifications are made with."""

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tenants.context import brain_context
from tenants.models import NOTIFICATION_TITLES, Brain, BrainStaff, Membership, Notification, OutboxEvent, User

mail_log = logging.getLogger("industry_brain.mail")


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
