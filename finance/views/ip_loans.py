"""Pages of IP-pledge loans: the list by role (the applicant's own, the bank's to decide, the operators' all, the
government viewers' totals), the application with the patent picker, and one application with what its applicant
and its bank may do. Thin: forms in, services do the work, the selectors decide what each viewer sees."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from finance.forms.ip_loans import (
    ApproveForm, DeclineForm, DisburseForm, DocumentsRequestForm, DocumentsUploadForm, IpLoanApplyForm, NoteForm,
    PledgeRegistrationForm, RepaymentForm, WithdrawForm,
)
from finance.models import IpLoanApplication
from finance.selectors.ip_loans import (
    FINANCIER, ip_loan_banks, ip_loan_document_list, ip_loan_list, ip_loan_patents, ip_loan_schedule, ip_loan_totals,
)
from finance.services import ip_loans
from tenants.errors import DomainError, form_error
from tenants.uploads import uploads_read
from tenants.views.base import BrainView

Status = IpLoanApplication.Status


class IpLoanListView(BrainView):
    """The applicant's applications, the bank's (those waiting for it first), every one for operators; the totals by
    status for everyone who may see them, the only thing government viewers see."""

    def get(self, request, brain_slug):
        rows = ip_loan_list(brain=self.brain, viewer=self.access)
        status = request.GET.get("status", "")
        if status in Status.values:
            rows = rows.filter(status=status)
        me = self.access.enterprise_id if self.access.is_member else None
        context = {"totals": ip_loan_totals(brain=self.brain, viewer=self.access), "status": status,
                   "statuses": Status.choices, "is_bank": self.access.has_role(FINANCIER),
                   "can_apply": bool(me and request.user.is_enterprise_admin and not self.access.read_only)}
        if self.access.is_operator:
            context["everything"] = rows[:500]
        elif me:
            context["mine"] = rows.filter(applicant_id=me)[:200]
            if context["is_bank"]:
                to_us = rows.filter(bank_id=me)
                context["to_decide"] = to_us.filter(status__in=[Status.SUBMITTED, Status.DOCUMENTS_SUPPLIED])[:200]
                context["to_us"] = to_us[:500]
        return render(request, "finance/ip_loans/list.html", context)


class IpLoanNewView(BrainView):
    """Apply: one of the brain's banks, the amount, term and purpose, and the patents to pledge, picked from the
    enterprise file. For an administrator of a member enterprise; anyone else is told who may."""

    def _form(self, data=None):
        me = self.access.enterprise_id if self.access.is_member else None
        patents = ip_loan_patents(brain=self.brain, enterprise_id=me)
        banks = ip_loan_banks(brain=self.brain).exclude(pk=me or 0)
        return IpLoanApplyForm(data, banks=banks, patents=patents), patents

    def get(self, request, brain_slug):
        if not self.access.is_member:
            raise Http404
        form, patents = self._form()
        return self._render(form, patents)

    def post(self, request, brain_slug):
        if not self.access.is_member:
            raise Http404
        form, patents = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = ip_loans.ip_loan_apply(brain=self.brain, by=request.user, bank_id=data["bank"],
                                              amount=data["amount"], term_months=data["term_months"],
                                              purpose=data["purpose"], patents=data["patents"])
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Application %(number)s sent to %(bank)s.") % {
                    "number": made.number, "bank": made.bank})
                return HttpResponseRedirect(reverse("finance:ip-loan", args=[brain_slug, made.pk]))
        return self._render(form, patents, status=400)

    def _render(self, form, patents, status=200):
        return render(self.request, "finance/ip_loans/new.html", {
            "form": form, "patents": patents, "is_admin": self.request.user.is_enterprise_admin}, status=status)


class IpLoanView(BrainView):
    """One application: its patents, documents, decision, pledge, schedule and repayments; the applicant uploads and
    supplies documents or withdraws, the bank asks for documents, approves or declines, records the pledge
    registration, the disbursement and the repayments."""

    def application(self, pk) -> IpLoanApplication:
        return get_object_or_404(ip_loan_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.application(pk), {})

    def post(self, request, brain_slug, pk):
        application = self.application(pk)
        action = request.POST.get("action", "")
        forms = {"upload": DocumentsUploadForm, "supply": NoteForm, "withdraw": WithdrawForm,
                 "request-documents": DocumentsRequestForm, "approve": ApproveForm, "decline": DeclineForm,
                 "register-pledge": PledgeRegistrationForm, "disburse": DisburseForm, "repay": RepaymentForm}
        if action not in forms:
            return self._render(application, {}, status=400)
        form = forms[action](request.POST, request.FILES) if action == "upload" else forms[action](request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                self.act(action, application, data)
            except DomainError as error:
                form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("finance:ip-loan", args=[brain_slug, application.pk]))
        return self._render(application, {action: form}, status=400)

    def act(self, action, application, data):
        user, said = self.request.user, None
        if action == "upload":
            uploads = uploads_read([(upload, "document") for upload in data.get("files", [])], field="files",
                                   max_files=ip_loans.MAX_DOCUMENTS_AT_ONCE, max_bytes=ip_loans.MAX_DOCUMENT_BYTES)
            stored = ip_loans.ip_loan_documents_upload(application=application, by=user, uploads=uploads,
                                                       item=data.get("item", ""))
            said = _("%(n)s file(s) uploaded.") % {"n": len(stored)}
        elif action == "supply":
            ip_loans.ip_loan_documents_supply(application=application, by=user, **data)
            said = _("The bank is told the documents are there.")
        elif action == "withdraw":
            ip_loans.ip_loan_withdraw(application=application, by=user, **data)
            said = _("Application withdrawn; the patents are free again.")
        elif action == "request-documents":
            ip_loans.ip_loan_documents_request(application=application, by=user, **data)
            said = _("The applicant is asked for the documents.")
        elif action == "approve":
            ip_loans.ip_loan_approve(application=application, by=user, **data)
            said = _("Approved. Record the pledge registration, then the disbursement.")
        elif action == "decline":
            ip_loans.ip_loan_decline(application=application, by=user, **data)
            said = _("Declined; the patents are free again.")
        elif action == "register-pledge":
            ip_loans.ip_loan_pledge_register(application=application, by=user, **data)
            said = _("Pledge registration recorded.")
        elif action == "disburse":
            ip_loans.ip_loan_disburse(application=application, by=user, **data)
            said = _("Paid out: the loan is active and its schedule runs.")
        elif action == "repay":
            ip_loans.ip_loan_repayment_record(application=application, by=user, **data)
            said = _("Repayment recorded.")
        messages.success(self.request, said)

    def _render(self, application, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        user = self.request.user
        applicant = me == application.applicant_id and user.is_enterprise_admin
        bank = me == application.bank_id and self.access.has_role(FINANCIER)
        state = application.status
        under_review = state in IpLoanApplication.UNDER_REVIEW

        def form(name, cls, show, **initial):
            return (forms.get(name) or cls(initial=initial or None)) if show else None

        schedule = ip_loan_schedule(application)
        return render(self.request, "finance/ip_loans/detail.html", {
            "loan": application, "is_applicant": me == application.applicant_id, "is_bank": me == application.bank_id,
            "pledges": application.pledges.all(),
            "requests": application.document_requests.select_related("requested_by"),
            "documents": ip_loan_document_list(brain=self.brain, viewer=self.access).filter(application=application),
            "schedule": schedule, "repayments": application.repayments.select_related("recorded_by"),
            "actions": application.actions.select_related("by"),
            "schedule_total": sum(row["amount"] for row in schedule),
            "outstanding": sum(row["outstanding"] for row in schedule) if state == Status.ACTIVE else None,
            "upload_form": form("upload", DocumentsUploadForm, applicant and under_review),
            "supply_form": form("supply", NoteForm, applicant and state == Status.DOCUMENTS_REQUESTED),
            "withdraw_form": form("withdraw", WithdrawForm, applicant and state in IpLoanApplication.OPEN),
            "request_form": form("request-documents", DocumentsRequestForm,
                                 bank and state in (Status.SUBMITTED, Status.DOCUMENTS_SUPPLIED)),
            "approve_form": form("approve", ApproveForm, bank and state in (Status.SUBMITTED,
                                                                            Status.DOCUMENTS_SUPPLIED),
                                 amount=application.amount, term_months=application.term_months),
            "decline_form": form("decline", DeclineForm, bank and state in IpLoanApplication.OPEN),
            "pledge_form": form("register-pledge", PledgeRegistrationForm, bank and state == Status.APPROVED,
                                registration_number=application.pledge_registration_number),
            "disburse_form": form("disburse", DisburseForm, bank and state == Status.APPROVED
                                  and application.pledge_registered),
            "repay_form": form("repay", RepaymentForm, bank and state == Status.ACTIVE),
        }, status=status)
