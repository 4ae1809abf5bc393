"""In-app notifications, made from domain events, and the titles of their kinds (apps add their own)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models.accounts import User
from tenants.models.base import ChangeTracked
from tenants.models.brains import BrainOwned
from tenants.models.outbox import OutboxEvent

__all__ = ["NOTIFICATION_TITLES", "Notification"]

# kind -> title template (with %(name)s from the notification's params). Apps add their own kinds.
NOTIFICATION_TITLES = {
    "membership.applied": _("%(enterprise)s applied to join this brain"),
    "membership.admitted": _("Your enterprise was admitted to this brain"),
    "membership.rejected": _("Your application to this brain was not accepted"),
    "membership.suspended": _("Your membership of this brain was suspended"),
    "membership.reinstated": _("Your membership of this brain was reinstated"),
}


class Notification(ChangeTracked, BrainOwned):
    """An in-app message to one user, made from a domain event (at most once per event and user)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=60)  # the event name; the title is rendered in the reader's language
    params = models.JSONField(default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    rls_also_visible_when = ("user_id = NULLIF(current_setting('app.user_id', true), '')::bigint",)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_notification_per_event_and_user")
        ]

    @property
    def title(self) -> str:
        template = NOTIFICATION_TITLES.get(self.kind)
        return str(template) % self.params if template else self.kind

    @property
    def body(self) -> str:
        return self.params.get("note", "")
