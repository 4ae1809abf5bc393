"""Pages of nettings: the list (operators propose or preview a window there), and one netting — its totals to
everyone who may see it, every party's position to operators, a party's own position before and after with its
own payables, and its answer. Thin: forms in, services do the work, the selectors decide what each viewer sees."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.forms.nettings import NettingReasonForm, NettingWindowForm
from finance.models import Netting, NettingParty
from finance.selectors.nettings import (
    netting_leg_list, netting_list, netting_notes_visible, netting_party_list, netting_totals,
)
from finance.services import nettings
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class NettingListView(BrainView):
    """Nettings the viewer may see, what they saved; operators propose a window here, or preview it first."""

    def get(self, request, brain_slug):
        return self._render(NettingWindowForm(initial=self.default_window()), plan=None)

    def post(self, request, brain_slug):
        form = NettingWindowForm(request.POST)
        action = request.POST.get("action", "")
        if action not in ("preview", "propose"):
            return self._render(form, plan=None, status=400)
        plan = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "preview":
                    plan = nettings.netting_preview(brain=self.brain, by=request.user,
                                                    window_from=data["window_from"], window_to=data["window_to"])
                else:
                    made = nettings.netting_propose(brain=self.brain, by=request.user, **data)
                    messages.success(request, _("Netting %(number)s proposed: every party is asked to confirm.") % {
                        "number": made.number})
                    return HttpResponseRedirect(reverse("finance:netting", args=[brain_slug, made.pk]))
            except DomainError as error:
                form_error(form, error)
                return self._render(form, plan=None, status=403 if error.status == 403 else 400)
            return self._render(form, plan=plan)
        return self._render(form, plan=None, status=400)

    def default_window(self):
        """Today to the end of next month: the payables a month-end settlement would pay."""
        today = timezone.localdate()
        return {"window_from": today, "window_to": (today.replace(day=1) + timedelta(days=62)).replace(day=1)
                - timedelta(days=1)}

    def _render(self, form, *, plan, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        rows = list(netting_list(brain=self.brain, viewer=self.access)[:200])
        mine = {}
        if me:
            mine = {p.netting_id: p for p in netting_party_list(brain=self.brain, viewer=self.access)
                    .filter(enterprise_id=me, netting__in=[n.pk for n in rows])}
        for row in rows:
            row.my_position = mine.get(row.pk)
        return render(self.request, "finance/nettings/list.html", {
            "nettings": rows, "mine": mine, "totals": netting_totals(brain=self.brain, viewer=self.access),
            "form": form if self.access.is_operator else None, "plan": plan,
            "notes_visible": netting_notes_visible(viewer=self.access),
            "waiting": [p for p in mine.values() if p.decision == NettingParty.Decision.PENDING
                        and p.netting.status == Netting.Status.PROPOSED],
        }, status=status)


class NettingView(BrainView):
    """One netting: its totals; a party's own position and payables, confirm or reject; operators every position
    and payable, and withdraw."""

    def netting(self, pk) -> Netting:
        return get_object_or_404(netting_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.netting(pk), {})

    def post(self, request, brain_slug, pk):
        netting = self.netting(pk)
        action = request.POST.get("action", "")
        if action not in ("confirm", "reject", "withdraw"):
            return self._render(netting, {}, status=400)
        form = NettingReasonForm(request.POST) if action != "confirm" else None
        if form is None or form.is_valid():
            reason = form.cleaned_data["reason"] if form else ""
            try:
                if action == "confirm":
                    done = nettings.netting_confirm(netting=netting, by=request.user)
                    if done.status == Netting.Status.SETTLED:
                        messages.success(request, _("Confirmed. Every party has confirmed: the netting is settled."))
                    elif done.status == Netting.Status.VOIDED:
                        messages.error(request, _("Confirmed, but a payable changed since the proposal: the netting "
                                                  "is void."))
                    else:
                        messages.success(request, _("Confirmed. It settles when every party has confirmed."))
                elif action == "reject":
                    nettings.netting_reject(netting=netting, by=request.user, reason=reason)
                    messages.success(request, _("Rejected: the netting is void."))
                else:
                    nettings.netting_withdraw(netting=netting, by=request.user, reason=reason)
                    messages.success(request, _("Withdrawn: the netting is void."))
            except DomainError as error:
                if form is None:
                    messages.error(request, error.detail)
                    return self._render(netting, {}, status=403 if error.status == 403 else 400)
                form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("finance:netting", args=[brain_slug, netting.pk]))
        return self._render(netting, {action: form}, status=400)

    def _render(self, netting, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        positions = netting_party_list(brain=self.brain, viewer=self.access).filter(netting=netting)
        legs = netting_leg_list(brain=self.brain, viewer=self.access).filter(netting=netting)
        mine = next((p for p in positions if p.enterprise_id == me), None) if me else None
        open_ = netting.status == Netting.Status.PROPOSED
        answering = bool(mine and open_ and mine.decision == NettingParty.Decision.PENDING)
        return render(self.request, "finance/nettings/detail.html", {
            "netting": netting, "me": me, "mine": mine, "private": netting_notes_visible(viewer=self.access),
            "my_legs": [leg for leg in legs if me in (leg.debtor_id, leg.creditor_id)] if mine else [],
            "positions": positions if self.access.is_operator else [],
            "legs": legs if self.access.is_operator else [],
            "can_confirm": answering,
            "reject_form": forms.get("reject") or NettingReasonForm()
            if mine and open_ and mine.decision != NettingParty.Decision.REJECTED else None,
            "withdraw_form": forms.get("withdraw") or NettingReasonForm()
            if self.access.is_operator and open_ else None,
        }, status=status)
