"""Memberships: an enterprise applies to join a brain; the brain's operators decide on applications and members."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.errors import DomainError
from tenants.forms.memberships import ApplyForm, DecisionForm
from tenants.models import Membership
from tenants.selectors.memberships import membership_list
from tenants.services import memberships
from tenants.views.base import BrainView


class JoinView(BrainView):
    open_to_non_members = True
    template_name = "tenants/memberships/join.html"

    def get(self, request, brain_slug):
        return self._render(ApplyForm())

    def post(self, request, brain_slug):
        form = ApplyForm(request.POST)
        if form.is_valid():
            try:
                if request.user.enterprise is None:
                    raise DomainError(_("Only an administrator of the enterprise may apply for it."))
                memberships.membership_apply(
                    brain=self.brain, enterprise=request.user.enterprise, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Your application was sent to the brain's operators."))
                return HttpResponseRedirect(reverse("home"))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request, self.template_name,
            {"form": form, "membership": self.access.membership}, status=status,
        )


class OperatorMembersView(BrainView):
    operators_only = True

    def get(self, request, brain_slug):
        status = request.GET.get("status") or ""
        if status and status not in Membership.Status.values:
            status = ""
        return render(request, "tenants/memberships/list.html", {
            "memberships": membership_list(brain=self.brain, viewer=self.access, status=status or None),
            "status": status,
            "statuses": Membership.Status.choices,
        })

    def post(self, request, brain_slug):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise Http404
        membership = get_object_or_404(Membership.objects.in_brain(self.brain), pk=form.cleaned_data["membership"])
        try:
            if form.cleaned_data["decision"] == "verify":
                memberships.enterprise_verify(membership=membership, by=request.user)
            else:
                memberships.membership_decide(membership=membership, decision=form.cleaned_data["decision"],
                                              note=form.cleaned_data["note"], by=request.user)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Saved: %(enterprise)s") % {"enterprise": membership.enterprise})
        return HttpResponseRedirect(request.get_full_path())
