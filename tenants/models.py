"""Identity and tenancy: users, enterprises (global), brains (tenants) and what lives inside a brain."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tenants import credit_code


def validate_credit_code(value: str) -> None:
    if not credit_code.is_valid(value):
        raise ValidationError(
            _("“%(code)s” is not a valid unified social credit code (GB 32100-2015)."),
            code="invalid_credit_code",
            params={"code": value},
        )


mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number."))
slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and single hyphens, e.g. pump-valve.")
)
region_validator = RegexValidator(r"^\d{6}$", _("Enter a 6-digit administrative region code (GB/T 2260)."))


class Bilingual(models.Model):
    """A thing with a Chinese and an English name; `name` follows the active language."""

    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh

    def __str__(self) -> str:
        return self.name


# --- Global -----------------------------------------------------------------------------------


class Enterprise(models.Model):
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, validators=[region_validator])
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.short_name or self.legal_name


class User(AbstractUser):
    class EnterpriseRole(models.TextChoices):
        ADMIN = "admin", _("enterprise administrator")
        MEMBER = "member", _("enterprise member")

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[mobile_validator]
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("enterprise"),
    )
    enterprise_role = models.CharField(
        _("role in the enterprise"), max_length=10, choices=EnterpriseRole.choices, blank=True
    )
    is_platform_admin = models.BooleanField(_("platform administrator"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="enterprise_role_iff_enterprise",
                condition=(models.Q(enterprise__isnull=True, enterprise_role="")
                           | models.Q(enterprise__isnull=False) & ~models.Q(enterprise_role="")),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_admin(self) -> bool:
        return self.enterprise_id is not None and self.enterprise_role == self.EnterpriseRole.ADMIN


class Brain(Bilingual):
    """A tenant: one sector's industry brain."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    slug = models.SlugField(_("slug"), max_length=40, unique=True, validators=[slug_validator])
    sector = models.CharField(_("sector"), max_length=60)
    region_code = models.CharField(_("region code"), max_length=6, validators=[region_validator], blank=True)
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices)
    suspended_reason = models.CharField(_("reason for suspension"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("brain")
        verbose_name_plural = _("brains")
        ordering = ["slug"]

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self, *, reason: str) -> None:
        self.suspended_reason = reason

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reactivate(self) -> None:
        self.suspended_reason = ""


class ApiKey(models.Model):
    """An enterprise's key for machine clients. Only a SHA-256 of the secret is stored.

    Global (owned by an enterprise, not a brain): one key may be scoped to several brains.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    brain_ids = ArrayField(models.BigIntegerField(), verbose_name=_("brains"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600,
                                                        validators=[MinValueValidator(1)])

    # What the platform administrator may set (tenants.services.api_key_set_rate_limit).
    RATE_LIMIT_MIN, RATE_LIMIT_MAX = 1, 100_000

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateLimitChange(models.Model):
    """The audit of a key's rate limit: who set it, from what to what, when. Global, like the key."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="rate_limit_changes")
    old_limit = models.PositiveIntegerField(_("old limit"))
    new_limit = models.PositiveIntegerField(_("new limit"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("rate limit change")
        verbose_name_plural = _("rate limit changes")
        ordering = ["-changed_at", "-id"]


class ApiCall(models.Model):
    """The audit of what API keys did: every write request made with a key, with its outcome. Written after
    the request's transaction, so refused and failed attempts are kept too."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="calls")
    brain_slug = models.CharField(max_length=40, blank=True)  # not a brain_id: the audit is the key's, global
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    replayed = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["api_key", "-at"], name="api_call_recent")]


class IdempotencyRecord(models.Model):
    """The first successful response to a POST sent with an `Idempotency-Key`, replayed to its repeats.

    Keyed by the client (API key or user) and the key; the fingerprint of method, path and body tells a
    repeat from a different request reusing the key. Kept at least 24 hours."""

    client = models.CharField(max_length=40)  # "key:<api key id>" or "user:<user id>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique_per_client")]


# --- Tenant-owned -----------------------------------------------------------------------------


class BrainQuerySet(models.QuerySet):
    def in_brain(self, brain: "Brain | int"):
        return self.filter(brain_id=getattr(brain, "pk", brain))


class BrainOwned(models.Model):
    """Base of every tenant-owned model: its own non-null brain_id, scoped by the ORM and by RLS.

    `rls_also_visible_when` names extra SQL conditions under which a row is visible without its brain
    being entered (e.g. an enterprise listing its own memberships on the home page). Writes always need
    the brain entered.
    """

    brain = models.ForeignKey(Brain, on_delete=models.CASCADE, related_name="+", verbose_name=_("brain"))

    objects = BrainQuerySet.as_manager()
    rls_also_visible_when: tuple[str, ...] = ()

    class Meta:
        abstract = True


class ChangeTracked(models.Model):
    """A row that ERPs sync incrementally: `updated_at` is set by the database on every change of the row
    (a trigger, tenants.sync, so `.update()` and raw SQL count too), and lists filter and page on it.

    `sync_children` names lookups to children's change times that count as a change of this row (a work
    order changes when one of its lines does)."""

    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    sync_field = "updated_at"
    sync_children: tuple[str, ...] = ()

    class Meta:
        abstract = True


class Process(BrainOwned, Bilingual):
    """One entry of a brain's process catalogue (工序), e.g. CNC铣削 / CNC milling."""

    code = models.CharField(_("code"), max_length=20, validators=[RegexValidator(r"^[A-Z0-9_-]+$")])
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["brain", "code"], name="process_code_unique_in_brain")]


class Membership(ChangeTracked, BrainOwned):
    """An enterprise in a brain, with its roles there."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SUPPLIER = "supplier", _("supplier")
        FINANCIER = "financier", _("financier")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        ACTIVE = "active", _("active")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("enterprise")
    )
    roles = ArrayField(models.CharField(max_length=10, choices=Role.choices), verbose_name=_("roles"))
    status = FSMField(_("status"), default=Status.APPLIED, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    rls_also_visible_when = ("enterprise_id = NULLIF(current_setting('app.enterprise_id', true), '')::bigint",)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "enterprise"], name="one_membership_per_brain"),
            models.CheckConstraint(name="membership_has_roles", condition=~models.Q(roles=[])),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.brain_id}"

    @property
    def role_labels(self) -> list[str]:
        return [str(self.Role(role).label) for role in self.roles]

    @transition(field=status, source=Status.APPLIED, target=Status.ACTIVE)
    def admit(self) -> None:
        pass

    @transition(field=status, source=Status.APPLIED, target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reinstate(self) -> None:
        pass

    @transition(field=status, source=Status.REJECTED, target=Status.APPLIED)
    def reapply(self) -> None:
        pass


class BrainStaff(BrainOwned):
    """A person of the brain company (operator) or a read-only government viewer of one brain."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("brain operator")
        GOVERNMENT_VIEWER = "government_viewer", _("government viewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="brain_staff")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    rls_also_visible_when = ("user_id = NULLIF(current_setting('app.user_id', true), '')::bigint",)

    class Meta:
        verbose_name = _("brain staff")
        verbose_name_plural = _("brain staff")
        constraints = [models.UniqueConstraint(fields=["brain", "user"], name="one_staff_role_per_brain")]


class OutboxEvent(BrainOwned):
    """A domain event recorded in the same transaction as the change it describes."""

    name = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], name="outbox_pending", condition=models.Q(dispatched_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"


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


class Counter(BrainOwned):
    """Per-brain running numbers for documents (RFQ-2026-000001, PO-2026-000001, …)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brain", "prefix", "year"], name="one_counter_per_prefix")]


# --- Webhooks -----------------------------------------------------------------------------------


class WebhookEndpoint(ChangeTracked, BrainOwned):
    """An enterprise's URL that receives the events of one brain it subscribed to, signed with `secret`."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="webhook_endpoints",
                                   verbose_name=_("enterprise"))
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=60), verbose_name=_("event types"))
    # Kept readable: HMAC needs the secret itself. Only the enterprise's administrators and keys may read it.
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(name="webhook_endpoint_has_event_types", condition=~models.Q(event_types=[]))]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(ChangeTracked, BrainOwned):
    """One event for one endpoint: the body is fixed when the event happens, so every retry and replay sends
    the same bytes (signed anew each time)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    event_type = models.CharField(_("event type"), max_length=60)
    webhook_id = models.CharField(max_length=100)  # stable across retries and replays: receivers dedupe on it
    body = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)  # an attempt in flight holds this lease
    replay_requested = models.BooleanField(default=False)  # the next attempt is a replay by hand
    last_status_code = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    sync_children = ("attempt_log__at",)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # a fan-out that runs twice (at-least-once events) makes no second delivery
            models.UniqueConstraint(fields=["endpoint", "event", "event_type"], name="one_delivery_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due",
                         condition=models.Q(status="pending")),
        ]


class WebhookAttempt(BrainOwned):
    """One HTTP request of a delivery, with what the receiver answered: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    manual = models.BooleanField(default=False)  # a replay by hand
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the first 2 KB
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
