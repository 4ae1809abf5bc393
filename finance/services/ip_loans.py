"""IP-pledge loans (知识产权质押融资): apply pledging patents of one's enterprise file, the bank asks for documents,
approves or declines; the pledge registration and the disbursement make the loan active with its schedule; the bank
records repayments until the loan is repaid and the patents are free again; reminders before each due date.

Every transition is one function here: it locks the application, asks the state machine (`can_proceed`), says in
the reader's language why not, and leaves an audit row (who, when, from which status to which) and an outbox event
in the same transaction. Lock order, everywhere: the application, then its instalments by sequence.
"""

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from finance.models import (
    IpLoanAction, IpLoanApplication, IpLoanDocument, IpLoanDocumentRequest, IpLoanInstalment, IpLoanPledge,
    IpLoanReminder, IpLoanRepayment,
)
from finance.models.ip_loans import MAX_TERM_MONTHS
from finance.schedules import repayment_schedule
from finance.selectors.ip_loans import FINANCIER, ip_loan_banks, ip_loan_patents, normalise_patent_number
from finance.services import books
from finance.services.payables import amount_of
from ledger.money import ZERO
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, Brain, Notification, OutboxEvent, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number
from tenants.services.notifications import tell
from tenants.uploads import Upload

MIN_AMOUNT = Decimal("1000.00")
MAX_APR = Decimal("24")  # % a year: above what a bank lends at (and what courts protect, four times the LPR)
MAX_PATENTS = 20
MAX_TEXT = 500
MAX_ITEMS = 20
MAX_DOCUMENTS = 40  # per application
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS_AT_ONCE = 10  # per upload
REMINDER_DAYS = (7, 3, 1)  # days before a due date; the beat runs once a day
# content type -> (magic bytes at offset 0, the file name endings that say it)
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}

Status = IpLoanApplication.Status

NOTIFICATION_TITLES.update({
    "ip_loan.submitted": gettext_lazy("%(applicant)s applied for an IP-pledge loan of ¥%(amount)s (%(number)s)"),
    "ip_loan.documents_requested": gettext_lazy("%(bank)s asks for documents for your loan application %(number)s"),
    "ip_loan.documents_supplied": gettext_lazy("%(applicant)s supplied the documents asked for (%(number)s)"),
    "ip_loan.approved": gettext_lazy("%(bank)s approved your loan application %(number)s: ¥%(approved)s"),
    "ip_loan.declined": gettext_lazy("%(bank)s declined your loan application %(number)s"),
    "ip_loan.withdrawn": gettext_lazy("%(applicant)s withdrew its loan application %(number)s"),
    "ip_loan.disbursed": gettext_lazy("Loan %(number)s was paid out: ¥%(approved)s"),
    "ip_loan.repayment_due": gettext_lazy("Loan %(number)s: instalment %(sequence)s of ¥%(due)s is due on %(due_on)s"),
    "ip_loan.repaid": gettext_lazy("Loan %(number)s is repaid: the pledged patents are released"),
})


# --- Who may act ------------------------------------------------------------------------------------------------


def _active_member(brain_id: int, enterprise_id: int | None, role: str | None = None) -> bool:
    return bool(enterprise_id) and active_members(brain=brain_id, role=role).filter(
        enterprise_id=enterprise_id).exists()


def _require_applicant_admin(brain_id: int, by: User, enterprise_id: int | None = None) -> None:
    """Borrowing and pledging bind the enterprise: only its administrators (or its API key, which acts as one)."""
    enterprise_id = enterprise_id or by.enterprise_id
    if not (by.is_enterprise_admin and by.enterprise_id == enterprise_id and _active_member(brain_id, enterprise_id)):
        raise NotAllowed(_("Only an administrator of the applicant, an active member of this brain, may do this."))


def _require_bank(application: IpLoanApplication, by: User) -> None:
    """The bank's loan officers: any user of the bank the application was made to, while it is a financier here."""
    if by.enterprise_id != application.bank_id or not _active_member(application.brain_id, application.bank_id,
                                                                       FINANCIER):
        raise NotAllowed(_("Only the bank this application was made to may do this."))


# --- Input ------------------------------------------------------------------------------------------------------


def _text(value, *, field: str, required: bool = False, limit: int = MAX_TEXT, message: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(message or _("This is required."), code="required", field=field)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": limit}, field=field)
    return text


def _months(value, *, field: str) -> int:
    try:
        months = int(str(value))
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= MAX_TERM_MONTHS:
        raise DomainError(_("Give a term of 1 to %(max)s months.") % {"max": MAX_TERM_MONTHS}, field=field)
    return months


def _loan_amount(value, *, field: str = "amount") -> Decimal:
    amount = amount_of(value, field=field)
    if amount < MIN_AMOUNT:
        raise DomainError(_("A loan is at least ¥%(min)s.") % {"min": f"{MIN_AMOUNT:,.2f}"}, field=field)
    return amount


def _apr(value) -> Decimal:
    try:
        apr = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        apr = None
    if apr is None or not apr.is_finite() or not ZERO < apr <= MAX_APR or apr != apr.quantize(Decimal("0.0001")):
        raise DomainError(_("Give the annual rate in %, above 0 and at most 24, with at most four decimals, e.g. "
                            "3.45."), field="apr")
    return apr


def _day(value: date | None, *, field: str, not_before: date, before_text: str) -> date:
    today = timezone.localdate()
    value = value or today
    if value > today:
        raise DomainError(_("The date cannot be in the future."), field=field)
    if value < not_before:
        raise DomainError(before_text % {"date": not_before.isoformat()}, field=field)
    return value


# --- The state machine's refusals -------------------------------------------------------------------------------

REFUSALS = {
    "request_documents": gettext_lazy("Documents can be asked for only while the application waits for the bank's "
                                      "decision; it is %(status)s."),
    "supply_documents": gettext_lazy("No documents are asked for: the application is %(status)s."),
    "approve": gettext_lazy("Only an application waiting for the bank's decision (with any documents asked for "
                            "supplied) can be approved; it is %(status)s."),
    "decline": gettext_lazy("Only an application not yet paid out can be declined; it is %(status)s."),
    "withdraw": gettext_lazy("Only an application not yet paid out can be withdrawn; it is %(status)s."),
    "disburse": gettext_lazy("Only an approved loan with its pledge registered can be paid out; it is %(status)s."),
    "register_pledge": gettext_lazy("The pledge registration is recorded once the loan is approved and before it is "
                                    "paid out; it is %(status)s."),
    "upload": gettext_lazy("Documents are uploaded while the bank reviews the application; it is %(status)s."),
    "repay": gettext_lazy("Repayments are recorded on an active loan; it is %(status)s."),
}


def _refuse(application: IpLoanApplication, action: str):
    raise DomainError(str(REFUSALS[action]) % {"status": application.get_status_display()}, code="invalid_state")


def _lock(application: IpLoanApplication) -> IpLoanApplication:
    return IpLoanApplication.objects.in_brain(application.brain_id).select_for_update().select_related(
        "applicant", "bank").get(pk=application.pk)


def _payload(application: IpLoanApplication, **extra) -> dict:
    return {"ip_loan": application.pk, "number": application.number, "applicant": application.applicant_id,
            "bank": application.bank_id, **extra}


def _record(application: IpLoanApplication, *, action: str, before: str, by: User | None, note: str = "",
            event: str | None = None, **payload) -> None:
    """The audit row, and the outbox event, of an action just taken. The application counts as changed (its
    `updated_at`, which ERPs sync by, is stamped by the database on any update), whatever part of it changed."""
    IpLoanApplication.objects.in_brain(application.brain_id).filter(pk=application.pk).update(
        updated_at=timezone.now())
    IpLoanAction.objects.create(brain_id=application.brain_id, application=application, action=action,
                                status_before=before, status_after=application.status, by=by,
                                note=(note or "")[:MAX_TEXT])
    if event:
        event_record(brain_id=application.brain_id, name=event, payload=_payload(application, **payload))


def _release(application: IpLoanApplication) -> int:
    """The patents are free to be pledged again."""
    return IpLoanPledge.objects.in_brain(application.brain_id).filter(
        application=application, released_at__isnull=True).update(released_at=timezone.now())


# --- Apply ------------------------------------------------------------------------------------------------------


@transaction.atomic
def ip_loan_apply(*, brain: Brain, by: User, bank_id, amount, term_months, purpose: str,
                  patents: list) -> IpLoanApplication:
    """An administrator of a member enterprise applies to one of the brain's banks for a loan of `amount` over
    `term_months`, pledging patents its enterprise file lists (by number), none pledged already."""
    with brain_context(brain.pk):
        _require_applicant_admin(brain.pk, by)
        try:
            bank_id = int(bank_id)
        except (TypeError, ValueError):
            bank_id = 0
        if bank_id == by.enterprise_id:
            raise DomainError(_("Apply to a bank other than your own enterprise."), field="bank")
        if not ip_loan_banks(brain=brain).filter(pk=bank_id).exists():
            raise DomainError(_("Choose one of this brain's banks."), field="bank")
        amount = _loan_amount(amount)
        term_months = _months(term_months, field="term_months")
        purpose = _text(purpose, field="purpose", required=True, message=_("Say what the loan is for."))
        chosen = _patents(brain, by.enterprise_id, patents)
        application = IpLoanApplication.objects.create(
            brain=brain, number=next_number(brain_id=brain.pk, prefix="IPL"), applicant_id=by.enterprise_id,
            bank_id=bank_id, amount=amount, term_months=term_months, purpose=purpose, submitted_by=by)
        for patent in chosen:
            try:
                with transaction.atomic():  # the database has the last word: one live pledge per patent
                    IpLoanPledge.objects.create(
                        brain=brain, application=application, patent_number=patent.number, title=patent.title[:300],
                        kind=patent.kind[:60], granted_on=patent.granted_on[:30], source=patent.source[:200],
                        as_of=patent.as_of)
            except IntegrityError:
                raise DomainError(_("Patent %(number)s is already pledged, in a live application or loan.") % {
                    "number": patent.number}, code="already_pledged", field="patents") from None
        _record(application, action="submit", before="", by=by, event="ip_loan.submitted")
        return application


def _patents(brain: Brain, enterprise_id: int, numbers) -> list:
    """The file's patents named by `numbers`: each listed there and free, none twice."""
    if isinstance(numbers, str) or not isinstance(numbers, list | tuple):
        raise DomainError(_("Choose the patents to pledge from your enterprise file."), field="patents")
    wanted = [normalise_patent_number(number) for number in numbers]
    if not wanted or not all(wanted):
        raise DomainError(_("Choose at least one patent to pledge from your enterprise file."), code="required",
                          field="patents")
    if len(wanted) > MAX_PATENTS:
        raise DomainError(_("Pledge at most %(n)s patents in one application.") % {"n": MAX_PATENTS},
                          field="patents")
    if len(set(wanted)) != len(wanted):
        raise DomainError(_("Each patent may be named once."), field="patents")
    listed = {patent.number: patent for patent in ip_loan_patents(brain=brain, enterprise_id=enterprise_id)}
    for number in wanted:
        patent = listed.get(number)
        if patent is None:
            raise DomainError(_("Patent %(number)s is not in your enterprise file: only patents the public records "
                                "list for your enterprise can be pledged.") % {"number": number[:100]},
                              code="not_in_file", field="patents")
        if patent.pledged:
            raise DomainError(_("Patent %(number)s is already pledged by %(application)s.") % {
                "number": number, "application": patent.pledged_by}, code="already_pledged", field="patents")
    return [listed[number] for number in wanted]


# --- Documents --------------------------------------------------------------------------------------------------


@transaction.atomic
def ip_loan_documents_request(*, application: IpLoanApplication, by: User, items: list,
                              note: str = "") -> IpLoanDocumentRequest:
    """The bank lists the documents it needs (e.g. 近两年财务报表, 专利评估报告), with a note."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if not can_proceed(application.request_documents):
            _refuse(application, "request_documents")
        if isinstance(items, str):
            items = [line for line in items.replace("\r", "").split("\n")]
        items = [_text(item, field="items", limit=200) for item in (items or [])]
        items = [item for item in items if item]
        if not items:
            raise DomainError(_("List at least one document you need."), code="required", field="items")
        if len(items) > MAX_ITEMS:
            raise DomainError(_("Ask for at most %(n)s documents at once.") % {"n": MAX_ITEMS}, field="items")
        note = _text(note, field="note")
        before = application.status
        application.request_documents()
        application.save()
        made = IpLoanDocumentRequest.objects.create(brain_id=application.brain_id, application=application,
                                                    items=items, note=note, requested_by=by)
        _record(application, action="request_documents", before=before, by=by, note="；".join(items),
                event="ip_loan.documents_requested", request=made.pk)
        return made


def document_type(upload: Upload) -> str:
    """The content type the file's bytes show (PDF, JPEG or PNG), when its name, if it says, agrees; a clear error
    otherwise. The bytes decide, never the name alone."""
    content_type = next((t for t, (magic, _endings) in DOCUMENT_TYPES.items() if upload.content.startswith(magic)),
                        None)
    if content_type is None:
        raise DomainError(_("%(name)s is not a PDF, JPEG or PNG file.") % {"name": upload.name[:100]},
                          code="bad_file", field="files")
    ending = os.path.splitext(upload.name.lower())[1]
    if ending and ending not in DOCUMENT_TYPES[content_type][1]:
        raise DomainError(_("%(name)s is named as a %(ending)s file, but its content is %(type)s.") % {
            "name": upload.name[:100], "ending": ending, "type": content_type}, code="bad_file", field="files")
    return content_type


@transaction.atomic
def ip_loan_documents_upload(*, application: IpLoanApplication, by: User, uploads: list[Upload],
                             item: str = "") -> list[IpLoanDocument]:
    """The applicant gives the bank files (PDF, JPEG, PNG), checked by size and content before anything is stored,
    while the bank reviews: asked for, or of its own accord."""
    with brain_context(application.brain_id):
        _require_applicant_admin(application.brain_id, by, application.applicant_id)
        application = _lock(application)
        if application.status not in IpLoanApplication.UNDER_REVIEW:
            _refuse(application, "upload")
        if not uploads:
            raise DomainError(_("Choose a file to upload."), code="required", field="files")
        if len(uploads) > MAX_DOCUMENTS_AT_ONCE:
            raise DomainError(_("At most %(n)s files at once.") % {"n": MAX_DOCUMENTS_AT_ONCE}, field="files")
        item = _text(item, field="item", limit=200)
        held = IpLoanDocument.objects.in_brain(application.brain_id).filter(application=application).count()
        if held + len(uploads) > MAX_DOCUMENTS:
            raise DomainError(_("An application holds at most %(n)s documents.") % {"n": MAX_DOCUMENTS},
                              field="files")
        checked = []
        for upload in uploads:
            if not upload.content:
                raise DomainError(_("The file %(name)s is empty.") % {"name": upload.name[:100]}, field="files")
            if len(upload.content) > MAX_DOCUMENT_BYTES:
                raise DomainError(_("The file %(name)s is too large (at most %(mb)s MB).") % {
                    "name": upload.name[:100], "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}, field="files")
            checked.append((upload, document_type(upload)))
        request = IpLoanDocumentRequest.objects.in_brain(application.brain_id).filter(
            application=application, supplied_at__isnull=True).order_by("-requested_at", "-id").first()
        stored = []
        for upload, content_type in checked:
            digest = hashlib.sha256(upload.content).hexdigest()
            document = IpLoanDocument(brain_id=application.brain_id, application=application, request=request,
                                      item=item, original_name=upload.name[:200], content_type=content_type,
                                      size=len(upload.content), sha256=digest, uploaded_by=by)
            # outside the web root (MEDIA_ROOT), under a name of no meaning to a guesser; served only by the view
            document.file.save(f"{application.brain_id}/ip-loan-{application.pk}/{digest[:16]}",
                               ContentFile(upload.content), save=False)
            document.save()
            stored.append(document)
        _record(application, action="upload", before=application.status, by=by,
                note="；".join(d.original_name for d in stored))
        return stored


@transaction.atomic
def ip_loan_documents_supply(*, application: IpLoanApplication, by: User, note: str = "") -> IpLoanApplication:
    """The applicant tells the bank the documents asked for are there: the bank decides again."""
    with brain_context(application.brain_id):
        _require_applicant_admin(application.brain_id, by, application.applicant_id)
        application = _lock(application)
        if not can_proceed(application.supply_documents):
            _refuse(application, "supply_documents")
        request = IpLoanDocumentRequest.objects.in_brain(application.brain_id).filter(
            application=application, supplied_at__isnull=True).order_by("-requested_at", "-id").first()
        if request is None or not IpLoanDocument.objects.in_brain(application.brain_id).filter(
                application=application, uploaded_at__gte=request.requested_at).exists():
            raise DomainError(_("Upload the documents asked for first."), code="required", field="files")
        note = _text(note, field="note")
        before = application.status
        application.supply_documents()
        application.save()
        IpLoanDocumentRequest.objects.in_brain(application.brain_id).filter(
            application=application, supplied_at__isnull=True).update(supplied_at=timezone.now())
        _record(application, action="supply_documents", before=before, by=by, note=note,
                event="ip_loan.documents_supplied")
        return application


# --- The bank's decision ------------------------------------------------------------------------------------------


@transaction.atomic
def ip_loan_approve(*, application: IpLoanApplication, by: User, amount, apr, term_months,
                    repayment_method: str) -> IpLoanApplication:
    """The bank approves: an amount up to what was asked, the annual rate, the term and how it is repaid."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if not can_proceed(application.approve):
            _refuse(application, "approve")
        amount = _loan_amount(amount)
        if amount > application.amount:
            raise DomainError(_("At most the ¥%(asked)s asked for can be approved.") % {
                "asked": f"{application.amount:,.2f}"}, field="amount")
        apr = _apr(apr)
        months = _months(term_months, field="term_months")
        if repayment_method not in IpLoanApplication.Method.values:
            raise DomainError(_("Choose equal instalments or interest only with the principal at the end."),
                              field="repayment_method")
        before = application.status
        application.approved_amount, application.apr, application.approved_term_months = amount, apr, months
        application.repayment_method = repayment_method
        application.decided_at, application.decided_by = timezone.now(), by
        application.approve()
        application.save()
        _record(application, action="approve", before=before, by=by, event="ip_loan.approved",
                note=f"¥{amount:,.2f} · {apr}% · {months}")
        return application


@transaction.atomic
def ip_loan_decline(*, application: IpLoanApplication, by: User, reason: str) -> IpLoanApplication:
    """The bank declines, saying why; the patents are free again."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if not can_proceed(application.decline):
            _refuse(application, "decline")
        reason = _text(reason, field="reason", required=True, message=_("Say why you decline."))
        before = application.status
        application.decline_reason = reason
        application.decided_at, application.decided_by = timezone.now(), by
        application.decline()
        application.save()
        _release(application)
        _record(application, action="decline", before=before, by=by, note=reason, event="ip_loan.declined")
        return application


@transaction.atomic
def ip_loan_withdraw(*, application: IpLoanApplication, by: User, reason: str = "") -> IpLoanApplication:
    """The applicant withdraws before the money is paid out (an approval it does not take, too); the patents are
    free again."""
    with brain_context(application.brain_id):
        _require_applicant_admin(application.brain_id, by, application.applicant_id)
        application = _lock(application)
        if not can_proceed(application.withdraw):
            _refuse(application, "withdraw")
        reason = _text(reason, field="reason")
        before = application.status
        application.withdraw_reason = reason
        application.withdraw()
        application.save()
        _release(application)
        _record(application, action="withdraw", before=before, by=by, note=reason, event="ip_loan.withdrawn")
        return application


# --- Pledge and disbursement --------------------------------------------------------------------------------------


@transaction.atomic
def ip_loan_pledge_register(*, application: IpLoanApplication, by: User, registration_number: str,
                            registered_on: date | None = None) -> IpLoanApplication:
    """The bank records the pledge registered at the national IP administration (专利权质押登记): its number and
    date. It may correct them until the money is paid out."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if application.status != Status.APPROVED:
            _refuse(application, "register_pledge")
        number = _text(registration_number, field="registration_number", required=True, limit=60,
                       message=_("Give the pledge registration number (质押登记号)."))
        registered_on = _day(registered_on, field="registered_on", not_before=timezone.localdate(
            application.submitted_at), before_text=_("The pledge cannot be registered before the application "
                                                      "(%(date)s)."))
        clash = IpLoanApplication.objects.in_brain(application.brain_id).filter(
            pledge_registration_number=number).exclude(pk=application.pk).exists()
        if clash:
            raise DomainError(_("Another loan of this brain has pledge registration %(number)s.") % {
                "number": number}, field="registration_number")
        application.pledge_registration_number, application.pledge_registered_on = number, registered_on
        try:
            with transaction.atomic():  # two loans given one number at once: the unique index decides
                application.save()
        except IntegrityError:
            raise DomainError(_("Another loan of this brain has pledge registration %(number)s.") % {
                "number": number}, field="registration_number") from None
        _record(application, action="register_pledge", before=application.status, by=by,
                note=f"{number} · {registered_on.isoformat()}")
        return application


@transaction.atomic
def ip_loan_disburse(*, application: IpLoanApplication, by: User,
                     disbursed_on: date | None = None) -> IpLoanApplication:
    """The bank records that it paid the loan out: the loan is active, its schedule runs from this date, and the
    principal is the bank's claim on the borrower in the journal."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if application.status == Status.APPROVED and not application.pledge_registered:
            raise DomainError(_("Record the pledge registration first: the money is paid out against a registered "
                                "pledge."), code="pledge_not_registered", field="registration_number")
        if not can_proceed(application.disburse):
            _refuse(application, "disburse")
        disbursed_on = _day(disbursed_on, field="disbursed_on", not_before=application.pledge_registered_on,
                            before_text=_("The money is paid out on or after the pledge registration (%(date)s)."))
        before = application.status
        application.disbursed_on = disbursed_on
        application.disburse()
        application.save()
        IpLoanInstalment.objects.bulk_create([
            IpLoanInstalment(brain_id=application.brain_id, application=application, sequence=row.sequence,
                             due_on=row.due_on, principal=row.principal, interest=row.interest, amount=row.amount)
            for row in schedule_of(application)])
        books.post(brain_id=application.brain_id, kind="ip_loan_disbursement", document=("ip_loan", application.pk),
                   by=by, memo=application.number, legs=books.loan_disbursement(
                       amount=application.approved_amount, bank_id=application.bank_id,
                       borrower_id=application.applicant_id))
        _record(application, action="disburse", before=before, by=by, event="ip_loan.disbursed",
                note=disbursed_on.isoformat())
        return application


def schedule_of(application: IpLoanApplication, *, start: date | None = None) -> list:
    """The schedule the approved terms give, from the disbursement (or `start`, for a preview)."""
    return repayment_schedule(principal=application.approved_amount, apr=application.apr,
                              months=application.approved_term_months, method=application.repayment_method,
                              start=start or application.disbursed_on)


# --- Repayments ---------------------------------------------------------------------------------------------------


@transaction.atomic
def ip_loan_repayment_record(*, application: IpLoanApplication, by: User, amount, paid_on: date | None = None,
                             reference: str = "") -> IpLoanRepayment:
    """The bank records money received from the borrower. It pays the instalments in order, each one's interest
    before its principal; early money pays the next instalments as scheduled. When every instalment is paid the
    loan is repaid and its patents are released."""
    with brain_context(application.brain_id):
        _require_bank(application, by)
        application = _lock(application)
        if application.status != Status.ACTIVE:
            _refuse(application, "repay")
        amount = amount_of(amount)
        paid_on = _day(paid_on, field="paid_on", not_before=application.disbursed_on,
                       before_text=_("A repayment is received on or after the disbursement (%(date)s)."))
        reference = _text(reference, field="reference", limit=100)
        unpaid = list(IpLoanInstalment.objects.in_brain(application.brain_id).select_for_update().filter(
            application=application, paid_on__isnull=True).order_by("sequence"))
        outstanding = sum((row.outstanding for row in unpaid), ZERO)
        if amount > outstanding:
            raise DomainError(_("At most ¥%(outstanding)s is outstanding on this loan.") % {
                "outstanding": f"{outstanding:,.2f}"}, field="amount")
        left, principal, interest = amount, ZERO, ZERO
        for row in unpaid:
            if not left:
                break
            take = min(left, row.outstanding)
            interest_part = min(row.paid_amount + take, row.interest) - min(row.paid_amount, row.interest)
            interest, principal, left = interest + interest_part, principal + take - interest_part, left - take
            row.paid_amount += take
            row.paid_on = paid_on if row.paid_amount == row.amount else None
            row.save(update_fields=["paid_amount", "paid_on"])
        repayment = IpLoanRepayment.objects.create(
            brain_id=application.brain_id, application=application, amount=amount, principal=principal,
            interest=interest, paid_on=paid_on, reference=reference, recorded_by=by)
        books.post(brain_id=application.brain_id, kind="ip_loan_repayment", document=("ip_loan", application.pk),
                   by=by, memo=application.number, reference=reference, legs=books.loan_repayment(
                       principal=principal, interest=interest, bank_id=application.bank_id,
                       borrower_id=application.applicant_id))
        _record(application, action="repayment", before=application.status, by=by,
                note=f"¥{amount:,.2f} · {paid_on.isoformat()}", event="ip_loan.repayment_recorded",
                repayment=repayment.pk)
        if amount == outstanding:
            before = application.status
            application.repaid_on = paid_on
            application.settle()
            application.save()
            _release(application)
            _record(application, action="repaid", before=before, by=by, event="ip_loan.repaid")
        return repayment


# --- Reminders (beat) -----------------------------------------------------------------------------------------------


@dataclass
class Sent:
    count: int = 0
    events: list = field(default_factory=list)


def reminder_day(days_left: int) -> int | None:
    """Which reminder an instalment due in `days_left` days gets: the nearest reminder day not before it, so a day
    the beat missed is made up the next day, once."""
    return min((day for day in REMINDER_DAYS if day >= days_left), default=None) if days_left >= 1 else None


def ip_loan_reminders_send(*, today: date | None = None) -> Sent:
    """Beat, daily: each unpaid instalment of an active loan due within a week is reminded 7, 3 and 1 days before
    (a unique row per instalment and reminder day says it was), as an `ip_loan.repayment_due` event: the in-app
    notification and the webhook follow from it."""
    today = today or timezone.localdate()
    sent = Sent()
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    for brain_id in Brain.objects.filter(status=Brain.Status.ACTIVE).order_by("pk").values_list("pk", flat=True):
        with brain_context(brain_id):
            due = list(IpLoanInstalment.objects.in_brain(brain_id).filter(
                paid_on__isnull=True, application__status=Status.ACTIVE, due_on__gt=today, due_on__lte=horizon,
            ).order_by("due_on", "pk").values_list("pk", "due_on"))
        for instalment_id, due_on in due:
            day = reminder_day((due_on - today).days)
            event = _remind(brain_id, instalment_id, day) if day is not None else None
            if event is not None:
                sent.count += 1
                sent.events.append(event.pk)
    return sent


@transaction.atomic
def _remind(brain_id: int, instalment_id: int, day: int) -> OutboxEvent | None:
    with brain_context(brain_id):
        instalment = IpLoanInstalment.objects.in_brain(brain_id).select_related("application").get(pk=instalment_id)
        if instalment.paid_on is not None:
            return None
        _reminder, created = IpLoanReminder.objects.get_or_create(brain_id=brain_id, instalment=instalment,
                                                                  days_before=day)
        if not created:  # sent already, by an earlier run or a concurrent one
            return None
        return event_record(brain_id=brain_id, name="ip_loan.repayment_due", payload=_payload(
            instalment.application, instalment=instalment.pk, sequence=instalment.sequence,
            due_on=instalment.due_on.isoformat(), amount=str(instalment.outstanding), days_before=day))


# --- Notifications -------------------------------------------------------------------------------------------------

TO_BANK = {"ip_loan.submitted", "ip_loan.documents_supplied", "ip_loan.withdrawn", "ip_loan.repaid"}
TO_APPLICANT = {"ip_loan.documents_requested", "ip_loan.approved", "ip_loan.declined", "ip_loan.disbursed",
                "ip_loan.repayment_due", "ip_loan.repaid"}
BY_EMAIL = {"ip_loan.submitted", "ip_loan.documents_requested", "ip_loan.approved", "ip_loan.declined",
            "ip_loan.repayment_due"}


def _note(event: OutboxEvent, application: IpLoanApplication) -> str:
    """What the notification says below its title: the bank's reason, or the documents it asks for."""
    if event.name == "ip_loan.declined":
        return application.decline_reason
    if event.name == "ip_loan.documents_requested":
        request = IpLoanDocumentRequest.objects.in_brain(application.brain_id).filter(
            pk=event.payload.get("request")).first()
        return "；".join(request.items) + (f"。{request.note}" if request.note else "") if request else ""
    return ""


def ip_loan_notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """The in-app notifications (e-mail too where an answer is awaited) an IP-loan event calls for: the bank hears
    of what the applicant did, the applicant of what the bank did and of repayments coming due. Safe to run twice:
    one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        application = IpLoanApplication.objects.in_brain(brain_id).select_related("applicant", "bank").get(
            pk=event.payload["ip_loan"])
        params = {"number": application.number, "applicant": str(application.applicant), "bank": str(application.bank),
                  "amount": f"{application.amount:,.2f}", "approved": f"{application.approved_amount or 0:,.2f}",
                  "sequence": event.payload.get("sequence", ""), "due_on": event.payload.get("due_on", ""),
                  "due": f"{Decimal(event.payload.get('amount') or 0):,.2f}",
                  "note": _note(event, application)}
        link = f"/b/{event.brain.slug}/finance/ip-loans/{application.pk}/"
        made = []
        for told, names in ((application.bank_id, TO_BANK), (application.applicant_id, TO_APPLICANT)):
            if event.name in names:
                users = User.objects.filter(enterprise_id=told, is_active=True)
                made += tell(event, users, params, link, email=event.name in BY_EMAIL)
        return made

