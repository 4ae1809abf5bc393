"""Reads of notifications: a person reads only their own."""

from tenants.models import Brain, Notification, User


def notification_list(*, brain: Brain, viewer):
    """The viewer's own notifications in this brain, newest first; nobody reads another person's."""
    return Notification.objects.in_brain(brain).filter(user_id=viewer.user_id or 0)


def unread_notification_count(*, brain: Brain, user: User) -> int:
    return Notification.objects.in_brain(brain).filter(user=user, read_at__isnull=True).count()
