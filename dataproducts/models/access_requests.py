"""Requests for access to a product (on request or paid): purpose and duration → approved or declined by an
operator with a reason. Every step is an AccessEvent (the audit that subscriptions share)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dataproducts.models.products import DataProduct
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["AccessEvent", "AccessRequest"]


class AccessRequest(ChangeTracked, BrainOwned):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("access request status", "waiting for review")
        APPROVED = "approved", pgettext_lazy("access request status", "approved")
        DECLINED = "declined", pgettext_lazy("access request status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("access request status", "withdrawn")

    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="access_requests")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("requesting enterprise"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=500)
    days = models.PositiveSmallIntegerField(_("for how many days"),
                                            validators=[MinValueValidator(1), MaxValueValidator(366)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request per enterprise and product: a second would be a double approval waiting to happen.
            models.UniqueConstraint(fields=["product", "enterprise"], condition=Q(status="pending"),
                                    name="one_pending_access_request"),
            models.CheckConstraint(name="declined_access_request_has_reason",
                                   condition=~Q(status="declined") | ~Q(reason="")),
        ]


class AccessEvent(BrainOwned):
    """The audit of access: who did what to a request or subscription, when, and why."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("requested")
        WITHDRAWN = "withdrawn", _("withdrew the request")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")
        RENEWED = "renewed", _("renewed")

    product = models.ForeignKey(DataProduct, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    subscription = models.ForeignKey("dataproducts.Subscription", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")  # none: the clock
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
