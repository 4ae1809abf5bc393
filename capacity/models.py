"""Capacity sharing: supplier capability, projects and parts, RFQs, quotes and awards."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from django_fsm import FSMField, transition

from tenants.models import BrainOwned, Enterprise, Process, User

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]

# --- Supplier capability (the cluster's capacity map) ----------------------------------------


class SupplierProfile(BrainOwned):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    materials = ArrayField(models.CharField(max_length=30), default=list, blank=True, verbose_name=_("materials"))
    certifications = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                                verbose_name=_("certifications"))
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    # Facts kept up to date by the work-order flow (Capacity sharing II); neutral until then.
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    on_time_rate = models.DecimalField(_("on-time rate"), max_digits=4, decimal_places=3, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise"], name="one_profile_per_brain")]

    def __str__(self) -> str:
        return str(self.enterprise)


class SupplierCapacity(BrainOwned):
    """A process the supplier offers, with its free capacity in hours per week."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="capacities")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    weekly_free_hours = models.DecimalField(_("free hours per week"), max_digits=7, decimal_places=1,
                                            validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "process"], name="one_capacity_per_process")]


class Machine(BrainOwned):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="machines")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+", verbose_name=_("process"))
    machine_type = models.CharField(_("machine type"), max_length=60)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    envelope_x_mm = models.PositiveIntegerField(_("travel X (mm)"))
    envelope_y_mm = models.PositiveIntegerField(_("travel Y (mm)"))
    envelope_z_mm = models.PositiveIntegerField(_("travel Z (mm)"))
    max_weight_kg = models.DecimalField(_("max workpiece weight (kg)"), max_digits=9, decimal_places=1)
    tolerance_mm = models.DecimalField(_("achievable tolerance (mm)"), max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["process_id", "machine_type"]


# --- Projects and parts ------------------------------------------------------------------------


class Project(BrainOwned):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("project status", "open")
        CLOSED = "closed", pgettext_lazy("project status", "closed")

    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer"))
    code = models.CharField(_("project code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["brain", "buyer", "code"], name="project_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(BrainOwned):
    """A node of a project's tree: an assembly (has children) or a part."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parts")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    part_no = models.CharField(_("part number"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    material = models.CharField(_("material"), max_length=30, blank=True)
    length_mm = models.DecimalField(_("length (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    width_mm = models.DecimalField(_("width (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    height_mm = models.DecimalField(_("height (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True)
    hardness = models.CharField(_("hardness"), max_length=30, blank=True)
    tolerance_mm = models.DecimalField(_("tolerance (mm)"), max_digits=6, decimal_places=4, null=True, blank=True)
    surface_ra = models.DecimalField(_("surface roughness Ra (µm)"), max_digits=6, decimal_places=3,
                                     null=True, blank=True)
    standard_part = models.BooleanField(_("standard part"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("part")
        ordering = ["part_no"]
        constraints = [models.UniqueConstraint(fields=["project", "part_no"], name="part_no_unique_in_project")]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"


class Operation(BrainOwned):
    """One step of a part's routing, in order, from the brain's process catalogue."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+", verbose_name=_("process"))
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=7, decimal_places=1, null=True,
                                          blank=True)

    class Meta:
        ordering = ["part_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["part", "sequence"], name="operation_sequence_unique")]


class Drawing(BrainOwned):
    """A drawing file of a part. A new upload is a new version; old versions stay."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="drawings")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="drawings/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["part_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["part", "version"], name="drawing_version_unique")]


# --- RFQs, quotes, awards ------------------------------------------------------------------------


class Rfq(BrainOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("open for quotes")
        CLOSED = "closed", _("closed")
        AWARDED = "awarded", _("awarded")
        CANCELLED = "cancelled", _("cancelled")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="rfqs")
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("RFQ number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateTimeField(_("deadline"))
    open_to_all = models.BooleanField(_("open to every qualified supplier"), default=True)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("RFQ")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["brain", "number"], name="rfq_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # The RFQ's life; services call these under the RFQ's lock (capacity.services.rfqs.lock_rfq).
    @transition(field=status, source=Status.DRAFT, target=Status.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=status, source=Status.PUBLISHED, target=Status.CLOSED)
    def close(self, *, at=None) -> None:
        self.closed_at = at or timezone.now()

    def has_no_award(self) -> bool:
        return not Award.objects.in_brain(self.brain_id).filter(rfq_line__rfq=self, voided_at__isnull=True).exists()

    # An RFQ with purchase orders out cannot be cancelled: they are commitments to suppliers.
    @transition(field=status, source=[Status.DRAFT, Status.PUBLISHED, Status.CLOSED], target=Status.CANCELLED,
                conditions=[has_no_award])
    def cancel(self) -> None:
        pass

    @transition(field=status, source=Status.CLOSED, target=Status.AWARDED)
    def mark_awarded(self) -> None:
        pass

    @transition(field=status, source=Status.AWARDED, target=Status.CLOSED)
    def reopen_for_award(self) -> None:
        """A winner declined its work order: some lines are to be awarded again."""

    def is_open_at(self, moment) -> bool:
        return self.status == self.Status.PUBLISHED and moment < self.deadline

    @property
    def prices_visible_to_buyer(self) -> bool:
        """Sealed: the buyer sees prices only once quoting has ended (deadline passed or closed early)."""
        return self.status in (self.Status.CLOSED, self.Status.AWARDED) or (
            self.status == self.Status.PUBLISHED and timezone.now() >= self.deadline
        )


class RfqLine(BrainOwned):
    """What is tendered: a whole part, or one operation of it (e.g. only the heat treatment)."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["rfq_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "line_no"], name="rfq_line_no_unique"),
            models.UniqueConstraint(fields=["rfq", "part", "operation"], name="rfq_line_once",
                                    nulls_distinct=False),
        ]


class Invitation(BrainOwned):
    """A supplier invited to an RFQ, by the buyer or by matching (with why it fits)."""

    class Source(models.TextChoices):
        BUYER = "buyer", _("invited by the buyer")
        MATCHING = "matching", _("matched by the brain")

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    matched_lines = models.JSONField(default=list, blank=True)  # [{"line": id, "score": .., "reasons": [..]}]
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="one_invitation_per_supplier")]


class Question(BrainOwned):
    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]


class Quote(BrainOwned):
    """A supplier's one live quote on an RFQ; revised in place until the deadline."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    remarks = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="one_quote_per_supplier")]


class QuoteLine(BrainOwned):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    rfq_line = models.ForeignKey(RfqLine, on_delete=models.CASCADE, related_name="quote_lines")
    unit_price = models.DecimalField(_("unit price (CNY, tax included)"), **MONEY, validators=POSITIVE)
    currency = models.CharField(max_length=3, default="CNY")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("13.00"))
    price_includes_tax = models.BooleanField(default=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), validators=[MinValueValidator(1)])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quote", "rfq_line"], name="one_price_per_line")]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.rfq_line.quantity


class PurchaseOrder(BrainOwned):
    """What a winning supplier receives for its awarded lines of one RFQ."""

    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="purchase_orders")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("PO number"), max_length=30)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)  # the supplier declined its work order

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="po_number_unique"),
            models.UniqueConstraint(fields=["rfq", "supplier"], name="one_live_po_per_supplier_and_rfq",
                                    condition=models.Q(cancelled_at__isnull=True)),
        ]


class Award(BrainOwned):
    """An RFQ line given to one quote line: at most one live award per line, enforced by the database. A
    declined work order voids its awards, and the lines can be awarded again."""

    rfq_line = models.ForeignKey(RfqLine, on_delete=models.PROTECT, related_name="awards")
    quote_line = models.ForeignKey(QuoteLine, on_delete=models.PROTECT, related_name="+")
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="awards")
    unit_price = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    quantity = models.PositiveIntegerField()
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq_line"], name="one_live_award_per_line",
                                               condition=models.Q(voided_at__isnull=True))]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class Recommendation(BrainOwned):
    """The optimiser's proposal for an RFQ, beside the naive cheapest-per-line choice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("computing")
        READY = "ready", _("ready")
        INFEASIBLE = "infeasible", _("no feasible award")

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="recommendations")
    max_suppliers = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    choice = models.JSONField(default=dict, blank=True)  # {rfq_line_id: quote_line_id}
    total = models.DecimalField(**MONEY, null=True, blank=True)
    naive_choice = models.JSONField(default=dict, blank=True)
    naive_total = models.DecimalField(**MONEY, null=True, blank=True)
    naive_feasible = models.BooleanField(null=True)
    optimal = models.BooleanField(null=True)  # False: stopped at the time limit; `gap` bounds the loss
    gap = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    unquoted_lines = models.JSONField(default=list, blank=True)  # rfq line ids no valid quote could cover
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class BomImport(BrainOwned):
    """A BOM file uploaded on the web, imported by a Celery worker while the page shows progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "reason"}]
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]


# --- Work orders and production progress (Capacity sharing II) ----------------------------------------


class WorkOrder(BrainOwned):
    """What a winning supplier makes for one RFQ: made with its purchase order at award time."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("waiting for the supplier")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    purchase_order = models.OneToOneField(PurchaseOrder, on_delete=models.PROTECT, related_name="work_order")
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="work_orders")
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("work order")
        ordering = ["-created_at"]

    @transition(field=status, source=Status.ISSUED, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.ISSUED, target=Status.DECLINED)
    def decline(self, *, reason: str) -> None:
        self.decline_reason = reason


class WorkOrderLine(BrainOwned):
    """One awarded line of a work order: a part (or one operation of it) in a quantity, at a price, by a date."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="work_order_line")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["work_order_id", "id"]


class ProgressReport(BrainOwned):
    """A supplier's report on one operation of a work-order line. The newest report is the current state."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="reports")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(_("percent done"), null=True, blank=True)
    quantity_done = models.PositiveIntegerField(_("quantity done"), null=True, blank=True)
    reason = models.CharField(_("why it is blocked"), max_length=500, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["line", "operation", "-reported_at"], name="progress_current")]
