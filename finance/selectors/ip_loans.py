"""Reads of IP-pledge loans: the one place that decides who sees which application, its documents and its schedule,
and what an applicant may pledge."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from brain.selectors.enterprise_files import EnterpriseFileNotFound, enterprise_file
from finance.models import IpLoanApplication, IpLoanDocument, IpLoanPledge
from finance.schedules import repayment_schedule
from ledger.money import ZERO
from tenants.models import Brain, Enterprise
from tenants.selectors.memberships import active_members

FINANCIER = "financier"


def ip_loan_list(*, brain, viewer):
    """Operators see every application of the brain; a member those it made and, as a bank, those made to it;
    nobody else any (government viewers read `ip_loan_totals`)."""
    rows = IpLoanApplication.objects.in_brain(brain).select_related("applicant", "bank", "submitted_by",
                                                                    "decided_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(Q(applicant_id=viewer.enterprise_id) | Q(bank_id=viewer.enterprise_id))
    return rows.none()


def ip_loan_document_list(*, brain, viewer):
    """The documents of the applications the viewer sees: the applicant's and its bank's, the operators'."""
    rows = IpLoanDocument.objects.in_brain(brain).select_related("application", "uploaded_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(application__applicant_id=me) | Q(application__bank_id=me))
    return rows.none()


def ip_loan_totals(*, brain, viewer) -> dict:
    """How many applications and how much money by status: of the whole brain for its staff (operators and
    government viewers, who see no application), of its own for a member."""
    rows = (IpLoanApplication.objects.in_brain(brain) if viewer.staff_role or viewer.is_operator
            else ip_loan_list(brain=brain, viewer=viewer))
    by_status = {row["status"]: row for row in rows.order_by().values("status").annotate(
        count=Count("pk"), asked=Sum("amount"), approved=Sum("approved_amount"))}
    return {"by_status": [{"status": status, "label": label, "count": by_status.get(status, {}).get("count", 0),
                           "amount": by_status.get(status, {}).get("asked") or ZERO,
                           "approved": by_status.get(status, {}).get("approved") or ZERO}
                          for status, label in IpLoanApplication.Status.choices]}


def ip_loan_banks(*, brain):
    """The brain's banks: enterprises with an active financier membership, by name."""
    return Enterprise.objects.filter(pk__in=active_members(brain=brain, role=FINANCIER).values("enterprise_id")
                                     ).order_by("legal_name", "pk")


@dataclass(frozen=True)
class PatentChoice:
    """A patent the enterprise file lists, and whether an application in this brain pledges it now."""

    number: str
    title: str
    kind: str
    granted_on: str
    source: str
    as_of: datetime | None
    pledged_by: str = ""  # the live application's number, when it is this brain's

    @property
    def pledged(self) -> bool:
        return bool(self.pledged_by)


def normalise_patent_number(number) -> str:
    """A patent number as the office writes it: no spaces, upper case (ZL 2023 1000 1234.5 → ZL202310001234.5)."""
    return "".join(str(number or "").split()).upper()


def ip_loan_patents(*, brain, enterprise_id: int | None) -> list[PatentChoice]:
    """The patents the enterprise's file (一企一档) lists, from the public records the brain has synced, in number
    order, each marked if an application of this brain pledges it now. None for an enterprise that has no file
    here."""
    if not enterprise_id:
        return []
    brain = brain if isinstance(brain, Brain) else Brain.objects.get(pk=brain)
    try:
        file = enterprise_file(brain=brain, enterprise=enterprise_id, viewer=None)
    except EnterpriseFileNotFound:
        return []
    numbers = {normalise_patent_number(p.number): p for p in file.patents}
    live = dict(IpLoanPledge.objects.in_brain(brain).filter(patent_number__in=numbers, released_at__isnull=True)
                .values_list("patent_number", "application__number"))
    return [PatentChoice(number=number, title=patent.title, kind=patent.kind, granted_on=patent.granted_on,
                         source=patent.source, as_of=patent.as_of, pledged_by=live.get(number, ""))
            for number, patent in sorted(numbers.items())]


def instalment_state(*, due_on: date, paid_amount, paid_on: date | None, today: date) -> str:
    """paid, overdue (due and not paid in full), part_paid (not yet due) or due."""
    if paid_on:
        return "paid"
    if due_on < today:
        return "overdue"
    return "part_paid" if paid_amount else "due"


def ip_loan_schedule(application: IpLoanApplication) -> list[dict]:
    """The schedule pages and the API show: the loan's own instalments once paid out, with what is paid of each;
    once approved, the schedule as it would run if paid out today ("projected"); nothing before."""
    today = timezone.localdate()
    if application.status in IpLoanApplication.DISBURSED:
        return [{"sequence": row.sequence, "due_on": row.due_on, "principal": row.principal,
                 "interest": row.interest, "amount": row.amount, "paid_amount": row.paid_amount,
                 "outstanding": row.outstanding, "paid_on": row.paid_on,
                 "state": instalment_state(due_on=row.due_on, paid_amount=row.paid_amount, paid_on=row.paid_on,
                                           today=today)}
                for row in application.instalments.order_by("sequence")]
    if application.status == IpLoanApplication.Status.APPROVED:
        return [{"sequence": row.sequence, "due_on": row.due_on, "principal": row.principal,
                 "interest": row.interest, "amount": row.amount, "paid_amount": None, "outstanding": row.amount,
                 "paid_on": None, "state": "projected"}
                for row in repayment_schedule(principal=application.approved_amount, apr=application.apr,
                                              months=application.approved_term_months,
                                              method=application.repayment_method, start=today)]
    return []


def ip_loan_awaiting(*, brain, viewer):
    """The applications waiting for the viewer's enterprise to act: as a bank, those to decide (new, or with the
    documents it asked for supplied) and those approved but not yet paid out; as an applicant, those whose bank
    asks for documents."""
    if not viewer.is_member:
        return IpLoanApplication.objects.none()
    me, Status = viewer.enterprise_id, IpLoanApplication.Status
    return ip_loan_list(brain=brain, viewer=viewer).filter(
        Q(bank_id=me, status__in=[Status.SUBMITTED, Status.DOCUMENTS_SUPPLIED, Status.APPROVED])
        | Q(applicant_id=me, status=Status.DOCUMENTS_REQUESTED)).order_by("submitted_at", "pk")
