"""IP-pledge loans (知识产权质押融资): an enterprise borrows from a bank of the brain against patents of its file."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from ledger.money import AMOUNT
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["IpLoanAction", "IpLoanApplication", "IpLoanDocument", "IpLoanDocumentRequest", "IpLoanInstalment",
           "IpLoanPledge", "IpLoanReminder", "IpLoanRepayment"]

MAX_TERM_MONTHS = 60
APR = {"max_digits": 6, "decimal_places": 4}  # % a year, e.g. 3.4500
_DECIDED, _DISBURSED = ["approved", "active", "repaid"], ["active", "repaid"]  # for Meta, which cannot see Status


class IpLoanApplication(ChangeTracked, BrainOwned):
    """One application of `applicant` to `bank` for a loan pledging patents of its enterprise file, and the loan it
    becomes: the bank's decision (amount, APR, term, repayment method), the pledge registered at the national IP
    administration, the disbursement, the schedule of repayments, and the end (repaid, declined or withdrawn).

    submitted → documents_requested → documents_supplied → (documents_requested again …) → approved → active →
    repaid; declined by the bank or withdrawn by the applicant at any point before the money is paid out."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted, waiting for the bank")
        DOCUMENTS_REQUESTED = "documents_requested", _("documents requested")
        DOCUMENTS_SUPPLIED = "documents_supplied", _("documents supplied, waiting for the bank")
        APPROVED = "approved", pgettext_lazy("ip loan status", "approved")
        DECLINED = "declined", pgettext_lazy("ip loan status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("ip loan status", "withdrawn")
        ACTIVE = "active", _("disbursed, being repaid")
        REPAID = "repaid", pgettext_lazy("ip loan status", "repaid")

    class Method(models.TextChoices):
        EQUAL_INSTALMENTS = "equal_instalments", _("equal monthly instalments (等额本息)")
        INTEREST_ONLY = "interest_only", _("monthly interest, principal at the end (先息后本)")

    UNDER_REVIEW = (Status.SUBMITTED, Status.DOCUMENTS_REQUESTED, Status.DOCUMENTS_SUPPLIED)
    OPEN = (*UNDER_REVIEW, Status.APPROVED)  # the applicant may still withdraw, the bank still decline
    DECIDED = (Status.APPROVED, Status.ACTIVE, Status.REPAID)
    DISBURSED = (Status.ACTIVE, Status.REPAID)

    number = models.CharField(_("application number"), max_length=30)
    applicant = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("applicant"))
    bank = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("bank"))
    currency = models.CharField(max_length=3, default="CNY")
    amount = models.DecimalField(_("amount asked"), **AMOUNT)
    term_months = models.PositiveSmallIntegerField(_("term asked (months)"))
    purpose = models.CharField(_("purpose"), max_length=500)
    status = FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The bank's decision
    approved_amount = models.DecimalField(_("amount approved"), null=True, blank=True, **AMOUNT)
    apr = models.DecimalField(_("annual interest rate (%)"), null=True, blank=True, **APR)
    approved_term_months = models.PositiveSmallIntegerField(_("term approved (months)"), null=True, blank=True)
    repayment_method = models.CharField(_("repayment method"), max_length=20, choices=Method.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=500, blank=True)
    # The pledge registered at the national IP administration (国家知识产权局专利权质押登记), then the money
    pledge_registration_number = models.CharField(_("pledge registration number (质押登记号)"), max_length=60,
                                                  blank=True)
    pledge_registered_on = models.DateField(_("pledge registered on"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("IP-pledge loan")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["brain", "applicant", "status"], name="ip_loan_applicant_status"),
                   models.Index(fields=["brain", "bank", "status"], name="ip_loan_bank_status")]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="ip_loan_number_unique"),
            models.UniqueConstraint(fields=["brain", "pledge_registration_number"],
                                    condition=~Q(pledge_registration_number=""),
                                    name="ip_loan_pledge_registration_unique"),
            models.CheckConstraint(name="ip_loan_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="ip_loan_term_in_range",
                                   condition=Q(term_months__gte=1, term_months__lte=MAX_TERM_MONTHS)),
            models.CheckConstraint(name="ip_loan_not_to_itself", condition=~Q(applicant=F("bank"))),
            models.CheckConstraint(name="ip_loan_approved_within_asked", condition=Q(approved_amount__isnull=True)
                                   | Q(approved_amount__gt=0, approved_amount__lte=F("amount"))),
            # Decided: the terms are all there. Disbursed: so are the pledge registration and the date.
            models.CheckConstraint(name="ip_loan_decided_has_terms", condition=~Q(status__in=_DECIDED) | Q(
                approved_amount__isnull=False, apr__isnull=False, approved_term_months__isnull=False,
                decided_at__isnull=False) & ~Q(repayment_method="")),
            models.CheckConstraint(name="ip_loan_disbursed_has_pledge", condition=~Q(status__in=_DISBURSED) | Q(
                pledge_registered_on__isnull=False, disbursed_on__isnull=False) & ~Q(pledge_registration_number="")),
            models.CheckConstraint(name="ip_loan_declined_has_reason",
                                   condition=~Q(status="declined") | ~Q(decline_reason="")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def pledge_registered(self) -> bool:
        return bool(self.pledge_registration_number and self.pledge_registered_on)

    # The state machine: the services check `can_proceed` and say why not, in the reader's language.

    @transition(field=status, source=[Status.SUBMITTED, Status.DOCUMENTS_SUPPLIED], target=Status.DOCUMENTS_REQUESTED)
    def request_documents(self) -> None:
        pass

    @transition(field=status, source=Status.DOCUMENTS_REQUESTED, target=Status.DOCUMENTS_SUPPLIED)
    def supply_documents(self) -> None:
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.DOCUMENTS_SUPPLIED], target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=list(OPEN), target=Status.DECLINED)
    def decline(self) -> None:
        pass

    @transition(field=status, source=list(OPEN), target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.ACTIVE,
                conditions=[lambda application: application.pledge_registered])
    def disburse(self) -> None:
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.REPAID)
    def settle(self) -> None:
        pass


class IpLoanPledge(BrainOwned):
    """A patent pledged by an application, with the public facts of it the applicant's enterprise file gave when it
    applied (what the bank sees of it). Live until the application ends without a loan or the loan is repaid.

    A patent is pledged at most once at a time, by a unique index across every brain: a pledge is registered
    nationally, whichever brain the loan was arranged in."""

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="pledges")
    patent_number = models.CharField(_("patent number"), max_length=100)
    title = models.CharField(_("title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    granted_on = models.CharField(_("granted on"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledged patent")
        ordering = ["application_id", "patent_number"]
        constraints = [
            models.UniqueConstraint(fields=["patent_number"], condition=Q(released_at__isnull=True),
                                    name="patent_pledged_once_at_a_time"),
            models.UniqueConstraint(fields=["application", "patent_number"], name="patent_once_per_application"),
        ]

    def __str__(self) -> str:
        return self.patent_number


class IpLoanDocumentRequest(BrainOwned):
    """The bank's request for documents: the list of what it needs and a note."""

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="document_requests")
    items = models.JSONField(_("documents asked for"), default=list)
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for documents")
        ordering = ["requested_at", "id"]


class IpLoanDocument(BrainOwned):
    """A file the applicant gave the bank (PDF, JPEG or PNG, checked by its content), stored outside the web root and
    served only through the authorised download."""

    sync_field = "uploaded_at"  # never changes once made

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="documents")
    request = models.ForeignKey(IpLoanDocumentRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="documents")
    item = models.CharField(_("which document"), max_length=200, blank=True)
    file = models.FileField(upload_to="ip-loans/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("loan document")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class IpLoanInstalment(BrainOwned):
    """One instalment of an active loan's schedule, to the fen: principal and interest, due on a day, paid as the
    bank records repayments (interest first, then principal)."""

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal"), **AMOUNT)
    interest = models.DecimalField(_("interest"), **AMOUNT)
    amount = models.DecimalField(_("amount due"), **AMOUNT)
    paid_amount = models.DecimalField(_("paid"), default=0, **AMOUNT)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        ordering = ["application_id", "sequence"]
        indexes = [models.Index(fields=["due_on"], name="ip_loan_instalment_unpaid_due",
                                condition=Q(paid_on__isnull=True))]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="ip_loan_one_instalment_per_sequence"),
            models.CheckConstraint(name="ip_loan_instalment_adds_up", condition=Q(
                principal__gte=0, interest__gte=0, amount=F("principal") + F("interest"))),
            models.CheckConstraint(name="ip_loan_instalment_paid_within_due",
                                   condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount"))),
            models.CheckConstraint(name="ip_loan_instalment_paid_on_when_paid",
                                   condition=Q(paid_on__isnull=True) | Q(paid_amount=F("amount"))),
        ]

    @property
    def outstanding(self):
        return self.amount - self.paid_amount


class IpLoanRepayment(BrainOwned):
    """Money the bank received from the borrower, as it recorded it, split into interest and principal."""

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="repayments")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    principal = models.DecimalField(_("principal"), **AMOUNT)
    interest = models.DecimalField(_("interest"), **AMOUNT)
    paid_on = models.DateField(_("received on"))
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("repayment")
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(name="ip_loan_repayment_adds_up", condition=Q(
            amount__gt=0, principal__gte=0, interest__gte=0, amount=F("principal") + F("interest")))]


class IpLoanReminder(BrainOwned):
    """A reminder of an instalment coming due, sent at most once per instalment and reminder day."""

    instalment = models.ForeignKey(IpLoanInstalment, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instalment", "days_before"],
                                               name="ip_loan_one_reminder_per_instalment_and_day")]


ACTION_LABELS = {
    "submit": _("applied"), "request_documents": _("asked for documents"), "upload": _("uploaded documents"),
    "supply_documents": _("supplied the documents"), "approve": pgettext_lazy("ip loan action", "approved"),
    "decline": pgettext_lazy("ip loan action", "declined"), "withdraw": pgettext_lazy("ip loan action", "withdrew"),
    "register_pledge": _("recorded the pledge registration"), "disburse": _("paid the loan out"),
    "repayment": _("recorded a repayment"), "repaid": _("repaid in full: patents released"),
}


class IpLoanAction(BrainOwned):
    """The audit trail: every action taken on an application, who took it and when, and the status it left."""

    application = models.ForeignKey(IpLoanApplication, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("action"), max_length=30)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("IP-pledge loan action")
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def status_after_label(self) -> str:
        return str(IpLoanApplication.Status(self.status_after).label)
