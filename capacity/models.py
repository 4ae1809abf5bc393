"""Capacity sharing: supplier capability, projects and parts, RFQs, quotes and awards."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from django_fsm import FSMField, transition

from tenants.models import BrainOwned, ChangeTracked, Enterprise, Process, User

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
    first_pass_yield = models.DecimalField(_("first-pass yield"), max_digits=4, decimal_places=3, null=True,
                                           blank=True)
    ratings_count = models.PositiveIntegerField(_("ratings"), default=0)
    completed_lines = models.PositiveIntegerField(_("completed lines"), default=0)
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


class Project(ChangeTracked, BrainOwned):
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


class Part(ChangeTracked, BrainOwned):
    """A node of a project's tree: an assembly (has children) or a part."""

    sync_children = ("operations__updated_at",)

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


class Operation(ChangeTracked, BrainOwned):
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

    sync_field = "uploaded_at"  # never changes once made

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


class Rfq(ChangeTracked, BrainOwned):
    sync_children = ("lines__updated_at",)

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


class RfqLine(ChangeTracked, BrainOwned):
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


class Question(ChangeTracked, BrainOwned):
    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]


class Quote(ChangeTracked, BrainOwned):
    """A supplier's one live quote on an RFQ; revised in place until the deadline."""

    sync_children = ("lines__updated_at",)

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    remarks = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="one_quote_per_supplier")]


class QuoteLine(ChangeTracked, BrainOwned):
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


class PurchaseOrder(ChangeTracked, BrainOwned):
    """What a winning supplier receives for its awarded lines of one RFQ."""

    sync_children = ("awards__updated_at",)

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


class Award(ChangeTracked, BrainOwned):
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


class WorkOrder(ChangeTracked, BrainOwned):
    """What a winning supplier makes for one RFQ: made with its purchase order at award time.

    The accepted value (tax included, its VAT, and the date of the last acceptance) is kept as a running
    total of the inspections, under the work order's lock: it is what finance reads.
    """

    sync_children = ("lines__updated_at",)

    class Status(models.TextChoices):
        ISSUED = "issued", _("waiting for the supplier")
        ACCEPTED = "accepted", pgettext_lazy("work order status", "in production")
        DECLINED = "declined", _("declined")
        COMPLETED = "completed", pgettext_lazy("work order status", "completed")

    purchase_order = models.OneToOneField(PurchaseOrder, on_delete=models.PROTECT, related_name="work_order")
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="work_orders")
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3, default="CNY")
    accepted_amount = models.DecimalField(_("accepted value (tax included)"), default=Decimal("0.00"), **MONEY)
    accepted_tax = models.DecimalField(_("VAT in the accepted value"), default=Decimal("0.00"), **MONEY)
    last_accepted_on = models.DateField(_("last accepted on"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        ordering = ["-created_at"]

    @property
    def accepted_net(self) -> Decimal:
        return self.accepted_amount - self.accepted_tax

    @transition(field=status, source=Status.ISSUED, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.ISSUED, target=Status.DECLINED)
    def decline(self, *, reason: str) -> None:
        self.decline_reason = reason

    @transition(field=status, source=Status.ACCEPTED, target=Status.COMPLETED)
    def complete(self) -> None:
        self.completed_at = timezone.now()


class WorkOrderLine(ChangeTracked, BrainOwned):
    """One awarded line of a work order: a part (or one operation of it) in a quantity, at a price, by a date.

    Quantity and due date are the agreed ones (a change request accepted by the other side changes them;
    the award keeps the original). The progress_* fields are the current state made from the newest
    report of each operation, and the *_quantity fields the running totals of deliveries and inspections,
    both kept by the services so that the project board is one query whatever the size of the project.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="work_order_line")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    due_date = models.DateField(null=True, blank=True)
    # current progress
    progress_status = models.CharField(max_length=12, default="not_started")  # a ProgressReport.Status value
    progress_percent = models.PositiveSmallIntegerField(default=0)
    current_operation = models.ForeignKey(Operation, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+")
    planned_completion = models.DateField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # delivery and acceptance
    delivered_quantity = models.PositiveIntegerField(default=0)  # every delivery, re-deliveries included
    accepted_quantity = models.PositiveIntegerField(default=0)
    rejected_quantity = models.PositiveIntegerField(default=0)  # rejected or sent back for rework: owed again
    completed_on = models.DateField(null=True, blank=True)  # delivery date of the delivery that completed it
    on_time = models.BooleanField(null=True)  # completed_on <= due_date, set on completion

    class Meta:
        ordering = ["work_order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(accepted_quantity__lte=models.F("quantity")),
                                   name="line_accepts_at_most_its_quantity"),
            models.CheckConstraint(condition=models.Q(progress_percent__lte=100), name="line_percent_at_most_100"),
        ]

    @property
    def outstanding_quantity(self) -> int:
        """Pieces still to deliver: those never delivered and those rejected."""
        return max(self.quantity - self.delivered_quantity + self.rejected_quantity, 0)

    @property
    def is_complete(self) -> bool:
        return self.accepted_quantity >= self.quantity


class ProgressReport(BrainOwned):
    """A supplier's report on one operation of a work-order line. The newest report is the current state."""

    sync_field = "reported_at"  # never changes once made

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
    note = models.CharField(_("note"), max_length=500, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["line", "operation", "-reported_at"], name="progress_current")]


class Attachment(BrainOwned):
    """A file kept with a progress report or a mould trial: photos, videos, measurement reports. Checked by
    content, not by what the client claims."""

    sync_field = "uploaded_at"  # never changes once made

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        VIDEO = "video", _("video")
        INSPECTION = "inspection", _("inspection report")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    trial = models.ForeignKey("MouldTrial", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(report__isnull=False, trial__isnull=True) | models.Q(report__isnull=True,
                                                                                  trial__isnull=False),
            name="attachment_belongs_to_one_thing")]


class ChangeRequest(ChangeTracked, BrainOwned):
    """A change of a line's due date or quantity after award: asked by one side, decided by the other.
    The rows are the line's history of changes."""

    class Side(models.TextChoices):
        BUYER = "buyer", _("buyer")
        SUPPLIER = "supplier", _("supplier")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the other side")
        ACCEPTED = "accepted", pgettext_lazy("change request status", "accepted")
        REJECTED = "rejected", pgettext_lazy("change request status", "rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    line = models.ForeignKey(WorkOrderLine, on_delete=models.CASCADE, related_name="change_requests")
    side = models.CharField(_("asked by"), max_length=8, choices=Side.choices)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    old_quantity = models.PositiveIntegerField()
    new_quantity = models.PositiveIntegerField(_("new quantity"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(_("response"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("change request")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=models.Q(status="pending"),
                                    name="one_pending_change_per_line"),
            models.CheckConstraint(condition=models.Q(new_due_date__isnull=False) | models.Q(new_quantity__isnull=False),
                                   name="change_changes_something"),
        ]

    @transition(field=status, source=Status.PENDING, target=Status.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.PENDING, target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=Status.PENDING, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass


class Delivery(ChangeTracked, BrainOwned):
    """A shipment from the supplier against one work order, under its delivery note (送货单)."""

    sync_children = ("lines__updated_at",)

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="deliveries")
    note_number = models.CharField(_("delivery note number"), max_length=40)
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        ordering = ["-delivered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["work_order", "note_number"],
                                               name="delivery_note_unique_per_work_order")]


class DeliveryLine(ChangeTracked, BrainOwned):
    """Pieces of one work-order line in a delivery, and the buyer's inspection of them (验收).

    accepted + rejected = quantity once inspected. Rejected pieces are owed again: scrapped and remade
    (outcome rejected) or sent back for rework. amount and tax are the accepted pieces' value, tax
    included, at the line's agreed price, fixed when inspected.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting for inspection")
        ACCEPTED = "accepted", pgettext_lazy("inspection outcome", "accepted")
        REJECTED = "rejected", pgettext_lazy("inspection outcome", "rejected")
        REWORK = "rework", _("rework requested")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, related_name="deliveries")
    quantity = models.PositiveIntegerField(_("quantity delivered"), validators=[MinValueValidator(1)])
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    accepted_quantity = models.PositiveIntegerField(_("quantity accepted"), default=0)
    rejected_quantity = models.PositiveIntegerField(_("quantity rejected"), default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    amount = models.DecimalField(_("accepted value (tax included)"), default=Decimal("0.00"), **MONEY)
    tax = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    accepted_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspected_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    inspected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "line"], name="one_delivery_line_per_line"),
            models.CheckConstraint(
                condition=models.Q(outcome="pending", accepted_quantity=0, rejected_quantity=0)
                | (~models.Q(outcome="pending")
                   & models.Q(accepted_quantity=models.F("quantity") - models.F("rejected_quantity"))),
                name="inspection_accounts_for_every_piece"),
        ]


class SupplierRating(BrainOwned):
    """The buyer's rating of a completed work order, 1 to 5 on each count."""

    sync_field = "rated_at"  # never changes once made

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="rating")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    quality = models.PositiveSmallIntegerField(_("quality"))
    on_time = models.PositiveSmallIntegerField(_("on-time delivery"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supplier rating")
        constraints = [models.CheckConstraint(
            condition=models.Q(quality__range=(1, 5), on_time__range=(1, 5), communication__range=(1, 5)),
            name="rating_from_1_to_5")]

    @property
    def score(self) -> Decimal:
        return (Decimal(self.quality + self.on_time + self.communication) / 3).quantize(Decimal("0.01"))


class BoardSettings(BrainOwned):
    """A brain's rules for the project board: a part is at risk when its last report is older than this."""

    stale_after_days = models.PositiveSmallIntegerField(_("days without a report before a part is at risk"),
                                                        default=3, validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brain"], name="one_board_settings_per_brain")]


class Reminder(BrainOwned):
    """A reminder sent, at most one of a kind per object and day: a supplier's stale work order, or a
    buyer's daily digest of a project."""

    class Kind(models.TextChoices):
        STALE_PROGRESS = "stale_progress", _("progress reminder")
        DAILY_DIGEST = "daily_digest", _("daily digest")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "work_order", "sent_on"], name="one_reminder_per_work_order_day",
                                    condition=models.Q(work_order__isnull=False)),
            models.UniqueConstraint(fields=["kind", "project", "sent_on"], name="one_digest_per_project_day",
                                    condition=models.Q(project__isnull=False)),
        ]


# --- Remote mould trial (远程试模) -----------------------------------------------------------------


class MouldTrial(ChangeTracked, BrainOwned):
    """A trial of the project's mould on a press (T1, T2, …), followed remotely; its result and the
    modifications it calls for, which become new parts or operations on the board."""

    sync_children = ("modifications__created_at",)

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        RECORDED = "recorded", _("result recorded")
        CANCELLED = "cancelled", pgettext_lazy("mould trial status", "cancelled")

    class Conclusion(models.TextChoices):
        PASS = "pass", _("pass")
        MODIFY = "modify", _("modify the mould")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="trials")
    number = models.PositiveSmallIntegerField(_("trial number"))  # T1, T2, …
    scheduled_at = models.DateTimeField(_("scheduled for"))
    location = models.CharField(_("where"), max_length=200)
    press = models.CharField(_("press"), max_length=100, blank=True)
    meeting_url = models.URLField(_("video meeting link"), blank=True)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    shots = models.PositiveIntegerField(_("shots"), null=True, blank=True)
    defects = models.TextField(_("defects found"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    summary = models.TextField(pgettext_lazy("mould trial", "summary"), blank=True)
    scheduled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mould trial")
        ordering = ["project_id", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="trial_number_unique")]

    @transition(field=status, source=Status.SCHEDULED, target=Status.RECORDED)
    def record(self) -> None:
        self.recorded_at = timezone.now()

    @transition(field=status, source=Status.SCHEDULED, target=Status.CANCELLED)
    def cancel(self) -> None:
        pass


class TrialModification(BrainOwned):
    """A change a trial calls for: a new part, or a new operation on an existing part (e.g. re-cut a cavity
    insert). It shows on the board like any other part until done."""

    trial = models.ForeignKey(MouldTrial, on_delete=models.PROTECT, related_name="modifications")
    description = models.CharField(_("modification"), max_length=500)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_part = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["trial_id", "id"]
