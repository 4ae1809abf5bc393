"""Pages of certificates: the list, and one certificate with what its holder, issuer and receiver may do. Thin:
forms in, services do the work, the selectors decide what each viewer sees."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.forms.certificates import CertificateSplitForm, CertificateTransferForm, TransferDeclineForm
from finance.forms.payables import PaymentForm
from finance.models import Certificate, CertificateTransfer
from finance.selectors.certificates import certificate_list, certificate_transfer_list
from finance.services import certificates
from tenants.errors import DomainError, form_error
from tenants.models import Enterprise
from tenants.selectors.memberships import active_members
from tenants.views.base import BrainView


class CertificateListView(BrainView):
    def get(self, request, brain_slug):
        rows = certificate_list(brain=self.brain, viewer=self.access)
        return render(request, "finance/certificates/list.html", {"certificates": rows[:500]})


class CertificateView(BrainView):
    """One certificate: split or pass on (holder), redeem (issuer), answer an offer (receiver) or withdraw it
    (sender); its parts and its transfers."""

    def certificate(self, pk) -> Certificate:
        return get_object_or_404(certificate_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.certificate(pk), {})

    def post(self, request, brain_slug, pk):
        certificate = self.certificate(pk)
        action = request.POST.get("action", "")
        forms = {"split": CertificateSplitForm, "transfer": None, "redeem": PaymentForm, "accept": None,
                 "decline": TransferDeclineForm, "withdraw": None}
        if action not in forms:
            return self._render(certificate, {}, status=400)
        if action == "transfer":
            form = CertificateTransferForm(request.POST, receivers=self.receivers(certificate))
        else:
            form = forms[action](request.POST) if forms[action] else None
        if form is None or form.is_valid():
            data = {k: v for k, v in (form.cleaned_data if form else {}).items() if v not in (None, "")}
            try:
                self.act(action, certificate, data)
            except DomainError as error:
                if form is None:
                    messages.error(request, error.detail)
                    return self._render(certificate, {}, status=400)
                form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("finance:certificate", args=[brain_slug, certificate.pk]))
        return self._render(certificate, {action: form}, status=400)

    def act(self, action, certificate, data):
        user, transfer = self.request.user, self.pending_transfer(certificate)
        if action == "split":
            certificates.certificate_split(certificate=certificate, by=user, amounts=data["amounts"])
            messages.success(self.request, _("Certificate split."))
        elif action == "transfer":
            certificates.certificate_transfer(certificate=certificate, by=user, receiver_id=data.pop("receiver"),
                                              **data)
            messages.success(self.request, _("Offered; it waits for the receiver."))
        elif action == "redeem":
            certificates.certificate_redeem(certificate=certificate, by=user, **data)
            messages.success(self.request, _("Payment recorded."))
        elif transfer is None:
            raise DomainError(_("Nothing is offered on this certificate."), code="invalid_state")
        elif action == "accept":
            certificates.certificate_transfer_accept(transfer=transfer, by=user)
            messages.success(self.request, _("Accepted: you hold the certificate."))
        elif action == "decline":
            certificates.certificate_transfer_decline(transfer=transfer, by=user, **data)
            messages.success(self.request, _("Declined: it returns to the sender."))
        else:
            certificates.certificate_transfer_withdraw(transfer=transfer, by=user)
            messages.success(self.request, _("Offer withdrawn."))

    def pending_transfer(self, certificate):
        return certificate_transfer_list(brain=self.brain, viewer=self.access).filter(
            certificate=certificate, outcome=CertificateTransfer.Outcome.PENDING).first()

    def receivers(self, certificate):
        members = active_members(brain=self.brain).exclude(enterprise_id=certificate.holder_id)
        return Enterprise.objects.filter(pk__in=members.values("enterprise_id")).order_by("legal_name")

    def _render(self, certificate, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        holds = me == certificate.holder_id and certificate.status == Certificate.Status.HELD \
            and certificate.matures_on > timezone.localdate()
        transfer = self.pending_transfer(certificate)
        return render(self.request, "finance/certificates/detail.html", {
            "certificate": certificate, "transfer": transfer,
            "split_form": forms.get("split") or CertificateSplitForm() if holds else None,
            "transfer_form": forms.get("transfer") or CertificateTransferForm(
                receivers=self.receivers(certificate)) if holds else None,
            "redeem_form": forms.get("redeem") or PaymentForm()
            if me == certificate.issuer_id and certificate.status == Certificate.Status.HELD else None,
            "decline_form": forms.get("decline") or TransferDeclineForm()
            if transfer and me == transfer.receiver_id else None,
            "is_receiver": bool(transfer and me == transfer.receiver_id),
            "is_sender": bool(transfer and me == transfer.sender_id),
            "children": certificate_list(brain=self.brain, viewer=self.access).filter(parent=certificate),
            "transfers": certificate_transfer_list(brain=self.brain, viewer=self.access).filter(
                certificate=certificate),
        }, status=status)
