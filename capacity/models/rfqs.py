"""RFQs: parts or operations put out to tender, who was invited, questions and answers, and the suppliers' sealed
quotes, revisable until the deadline."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from capacity.models.projects import Operation, Part, Project
from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User


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
    # Payment terms of the purchase orders it leads to: days from a delivery's acceptance to payment. 60 is the
    # law's limit for a large enterprise paying an SME (保障中小企业款项支付条例); finance flags longer terms.
    payment_days = models.PositiveSmallIntegerField(_("payment terms (days after acceptance)"), default=60,
                                                    validators=[MaxValueValidator(365)])
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
        # Through the lines' awards (awards are written after RFQs: capacity.models.awards imports this module).
        return not RfqLine.objects.in_brain(self.brain_id).filter(
            rfq=self, awards__isnull=False, awards__voided_at__isnull=True).exists()

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
    unit_price = models.DecimalField(_("unit price (CNY, tax included)"), **AMOUNT, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, default="CNY")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("13.00"))
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), validators=[MinValueValidator(1)])
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quote", "rfq_line"], name="one_price_per_line")]

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.rfq_line.quantity
