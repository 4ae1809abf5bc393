"""Pages of payables: the finance overview by role, the list, and one payable with what its parties may do.
Thin: forms in, services do the work, the selectors decide what each viewer sees."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from finance.forms.payables import PayableConfirmForm, PayableWaiveForm, PaymentForm
from finance.models import Certificate, CertificateTransfer, Payable
from finance.selectors.certificates import certificate_list, certificate_transfer_list
from finance.selectors.early_payments import early_payment_list, early_payment_overview
from finance.selectors.ip_loans import ip_loan_awaiting
from finance.selectors.payables import payable_list, payable_totals
from finance.services import certificates, payables
from supplychain.selectors.group_buys import group_buy_trader
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView

LIVE = [Payable.Status.PENDING, Payable.Status.DISPUTED, Payable.Status.CONFIRMED, Payable.Status.CERTIFIED,
        Payable.Status.FINANCED]


class FinanceHomeView(BrainView):
    """What the viewer owes and is owed, certificates held and offered; operators and government viewers the
    brain's totals (operators also the payables beyond the legal terms)."""

    def get(self, request, brain_slug):
        me = self.access.enterprise_id if self.access.is_member else None
        visible = payable_list(brain=self.brain, viewer=self.access)
        context = {"totals": payable_totals(brain=self.brain, viewer=self.access), "me": me}
        if me:
            context.update(
                owing=visible.filter(debtor_id=me, status__in=LIVE),
                owed=visible.filter(creditor_id=me, status__in=LIVE),
                held=certificate_list(brain=self.brain, viewer=self.access).filter(
                    holder_id=me, status__in=[Certificate.Status.HELD, Certificate.Status.OFFERED]),
                offers=certificate_transfer_list(brain=self.brain, viewer=self.access).filter(
                    receiver_id=me, outcome=CertificateTransfer.Outcome.PENDING),
                ip_loans_awaiting=ip_loan_awaiting(brain=self.brain, viewer=self.access)[:50],
                early=early_payment_overview(brain=self.brain, viewer=self.access),
            )
        if self.access.is_operator:
            context["flagged"] = visible.filter(beyond_legal_terms=True, status__in=LIVE)
            # Members owe group purchases' goods to the brain's trader: without one, the operators are told why
            # no such payable appears.
            context["trader"] = group_buy_trader(brain=self.brain)
        return render(request, "finance/payables/home.html", context)


class PayableListView(BrainView):
    """Every payable the viewer may see, filtered by status."""

    def get(self, request, brain_slug):
        rows = payable_list(brain=self.brain, viewer=self.access)
        status = request.GET.get("status", "")
        if status in Payable.Status.values:
            rows = rows.filter(status=status)
        return render(request, "finance/payables/list.html", {
            "payables": rows[:500], "status": status, "statuses": Payable.Status.choices})


class PayableView(BrainView):
    """One payable: confirm it (debtor), waive a disputed one (creditor), record its payment (debtor), or issue it
    as a certificate (creditor)."""

    actions = {"confirm": PayableConfirmForm, "waive": PayableWaiveForm, "pay": PaymentForm, "issue": None}

    def payable(self, pk) -> Payable:
        return get_object_or_404(payable_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.payable(pk), {})

    def post(self, request, brain_slug, pk):
        payable = self.payable(pk)
        action = request.POST.get("action", "")
        if action not in self.actions:
            return self._render(payable, {}, status=400)
        form = self.actions[action](request.POST) if self.actions[action] else None
        if form is None or form.is_valid():
            data = {k: v for k, v in (form.cleaned_data if form else {}).items() if v not in (None, "")}
            try:
                if action == "confirm":
                    payables.payable_confirm(payable=payable, by=request.user, **data)
                    messages.success(request, _("Payable confirmed."))
                elif action == "waive":
                    payables.payable_waive(payable=payable, by=request.user, **data)
                    messages.success(request, _("Payable waived."))
                elif action == "pay":
                    payables.payable_pay(payable=payable, by=request.user, **data)
                    messages.success(request, _("Payment recorded."))
                else:
                    made = certificates.certificate_issue(payable=payable, by=request.user)
                    messages.success(request, _("Certificate %(number)s issued.") % {"number": made.number})
                    return HttpResponseRedirect(reverse("finance:certificate", args=[brain_slug, made.pk]))
            except DomainError as error:
                if form is None:
                    messages.error(request, error.detail)
                    return self._render(payable, {}, status=400)
                form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("finance:payable", args=[brain_slug, payable.pk]))
        return self._render(payable, {action: form}, status=400)

    def _render(self, payable, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        is_debtor, is_creditor = me == payable.debtor_id, me == payable.creditor_id
        open_ = payable.status in (Payable.Status.PENDING, Payable.Status.DISPUTED)
        return render(self.request, "finance/payables/detail.html", {
            "payable": payable, "is_debtor": is_debtor, "is_creditor": is_creditor,
            "confirm_form": forms.get("confirm") or PayableConfirmForm() if is_debtor and open_ else None,
            "waive_form": forms.get("waive") or PayableWaiveForm()
            if is_creditor and payable.status == Payable.Status.DISPUTED else None,
            "pay_form": forms.get("pay") or PaymentForm()
            if is_debtor and payable.status in (Payable.Status.CONFIRMED, Payable.Status.FINANCED) else None,
            # a financed payable is paid to its bank: the debtor and the supplier see which
            "financed_by": early_payment_list(brain=self.brain, viewer=self.access).filter(
                payable=payable, kind="bank").select_related("payer").first()
            if payable.status in (Payable.Status.FINANCED, Payable.Status.PAID) else None,
            "can_issue": is_creditor and payable.status == Payable.Status.CONFIRMED,
            "splits": payable_list(brain=self.brain, viewer=self.access).filter(split_from=payable),
            "certificates": certificate_list(brain=self.brain, viewer=self.access).filter(payable=payable),
        }, status=status)
