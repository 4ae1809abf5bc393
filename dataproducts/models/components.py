"""The capability centre (能力中心): components that brains and vendors offer to members — knowledge (documents:
process standards, cases), tools, and apps — across brains.

A component and its versions are global (one vendor's app may serve several brains); each brain lists it only
after its operators reviewed it (ComponentListing, brain-owned), so a brain's catalogue, installs and ratings stay
inside that brain."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.models import (
    ApiKey,
    Bilingual,
    Brain,
    BrainOwned,
    ChangeTracked,
    Enterprise,
    User,
    WebhookEndpoint,
)

__all__ = ["Component", "ComponentListing", "ComponentRating", "ComponentUse", "ComponentVersion", "Installation"]


class Component(ChangeTracked, Bilingual):
    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", _("knowledge")
        TOOL = "tool", _("tool")
        APP = "app", _("app")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    summary_zh = models.TextField(_("Chinese summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    # The enterprise that offers it; empty when the brain company itself does.
    vendor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("vendor"))
    home_brain = models.ForeignKey(Brain, on_delete=models.PROTECT, related_name="+", verbose_name=_("first offered in"))
    homepage = models.URLField(_("home page"), max_length=500, blank=True)
    # An app: what installing it grants for the installing member only.
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    api_scope = models.CharField(_("API scope"), max_length=5, choices=ApiKey.Scope.choices, blank=True)
    event_types = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                             verbose_name=_("event types"))
    # Whether operators of other brains may find it and list it in theirs (after their own review). A global flag on
    # a global row: brain B's operators discover it without reading brain A's listings, so RLS is never crossed.
    offered_to_other_brains = models.BooleanField(_("other brains may list it"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="app_component_has_scope",
                                   condition=~Q(kind="app") | ~Q(api_scope="")),
        ]


class ComponentVersion(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=30)
    release_notes = models.TextField(_("release notes"), blank=True)
    fits = models.ManyToManyField(Brain, blank=True, related_name="+", verbose_name=_("fits brains"))
    document = models.FileField(upload_to="components/%Y/%m/", blank=True)  # knowledge: the document itself
    document_name = models.CharField(max_length=200, blank=True)
    released_at = models.DateTimeField(_("released at"), default=timezone.now)

    class Meta:
        verbose_name = _("component version")
        ordering = ["component", "-released_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["component", "version"], name="component_version_unique")]


class ComponentListing(ChangeTracked, BrainOwned):
    """A component offered in one brain: reviewed by its operators before it is listed; it may be deprecated."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("listing status", "waiting for review")
        LISTED = "listed", pgettext_lazy("listing status", "listed")
        REJECTED = "rejected", pgettext_lazy("listing status", "rejected")
        DEPRECATED = "deprecated", pgettext_lazy("listing status", "deprecated")

    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="listings")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    install_price = models.DecimalField(_("price per installation"), max_digits=14, decimal_places=2, null=True,
                                        blank=True, validators=[MinValueValidator(0)])
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=6)

    class Meta:
        verbose_name = _("listing")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["brain", "component"], name="component_listed_once_per_brain")]


class Installation(ChangeTracked, BrainOwned):
    """A member's installation of an app: a scoped API key and webhook subscription for that member in this brain
    only, both revoked by uninstalling."""

    listing = models.ForeignKey(ComponentListing, on_delete=models.PROTECT, related_name="installations")
    version = models.ForeignKey(ComponentVersion, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    api_key = models.OneToOneField(ApiKey, on_delete=models.PROTECT, null=True, blank=True, related_name="installation")
    webhook_endpoint = models.OneToOneField(WebhookEndpoint, on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="installation")
    installed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    installed_at = models.DateTimeField(_("installed at"), default=timezone.now)
    uninstalled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uninstalled_at = models.DateTimeField(_("uninstalled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("installation")
        ordering = ["-installed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["listing", "enterprise"], condition=Q(uninstalled_at__isnull=True),
                                               name="installed_once_at_a_time")]


class ComponentUse(BrainOwned):
    """A member opened a knowledge document or a tool of a listing (first time only): what lets it rate one that has
    nothing to install."""

    listing = models.ForeignKey(ComponentListing, on_delete=models.CASCADE, related_name="uses")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    first_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "enterprise"], name="component_used_once_per_member")]


class ComponentRating(ChangeTracked, BrainOwned):
    """A member that installed (or, for knowledge and tools, used) a component rates it once; it may change it."""

    listing = models.ForeignKey(ComponentListing, on_delete=models.CASCADE, related_name="ratings")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "enterprise"], name="component_rated_once_per_member"),
            models.CheckConstraint(name="component_rating_stars_1_to_5", condition=Q(stars__gte=1, stars__lte=5)),
        ]
