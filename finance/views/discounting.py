"""Pages of dynamic discounting: the programmes (a buyer opens one there), and one programme — for its buyer the
offers, the clearings and the buttons to clear now or close; for a supplier what it may offer (with the discount
shown first), its offers to change or withdraw. Thin: forms in, services do the work, selectors decide who sees
what."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.forms.discounting import OfferChangeForm, OfferForm, ProgrammeOpenForm
from finance.models import Certificate, DiscountOffer, DiscountProgramme
from finance.selectors.certificates import certificate_list
from finance.selectors.discounting import (
    clearing_run_list, discount_offer_list, discount_programme_list, programme_cash_visible,
)
from finance.selectors.early_payments import claims_to_pay_early
from finance.selectors.payables import payable_list
from finance.services import discounting
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


def claim_key(claim) -> str:
    return f"{'certificate' if isinstance(claim, Certificate) else 'payable'}:{claim.pk}"


def claim_label(claim) -> str:
    due = claim.matures_on if isinstance(claim, Certificate) else claim.due_on
    return f"{claim.number} · ¥{claim.amount:,.2f} · {due:%Y-%m-%d}"


def claim_from_key(view, key: str) -> dict:
    """{"payable": …} or {"certificate": …} for a claim key the viewer may see; DomainError otherwise."""
    kind, _sep, pk = (key or "").partition(":")
    if kind in ("payable", "certificate") and pk.isdigit():
        selector = payable_list if kind == "payable" else certificate_list
        found = selector(brain=view.brain, viewer=view.access).filter(pk=int(pk)).first()
        if found is not None:
            return {kind: found}
    raise DomainError(_("Choose one of your claims."), field="claim")


class ProgrammeListView(BrainView):
    """Programmes the viewer may see; a buyer opens one here."""

    def get(self, request, brain_slug):
        return self._render(ProgrammeOpenForm(initial={"cutoff_time": "16:00"}))

    def post(self, request, brain_slug):
        form = ProgrammeOpenForm(request.POST)
        if request.POST.get("action") != "open":
            return self._render(form, status=400)
        if form.is_valid():
            try:
                made = discounting.discount_programme_open(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Programme %(number)s is open.") % {"number": made.number})
                return HttpResponseRedirect(reverse("finance:programme", args=[brain_slug, made.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(self.request, "finance/discounting/list.html", {
            "programmes": discount_programme_list(brain=self.brain, viewer=self.access)[:200],
            "form": form if self.access.has_role("buyer") else None,
        }, status=status)


class ProgrammeView(BrainView):
    """One programme: its buyer clears it now or closes it and sees the offers and clearings; a supplier previews,
    makes, changes and withdraws its offers."""

    def programme(self, pk) -> DiscountProgramme:
        return get_object_or_404(discount_programme_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.programme(pk), {})

    def post(self, request, brain_slug, pk):
        programme = self.programme(pk)
        handlers = {"clear": self._clear, "close": self._close, "offer": self._offer, "preview": self._preview,
                    "change": self._change, "withdraw": self._withdraw}
        handler = handlers.get(request.POST.get("action", ""))
        if handler is None:
            return self._render(programme, {}, status=400)
        return handler(programme)

    def _done(self, programme, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("finance:programme", args=[self.brain.slug, programme.pk]))

    def _refused(self, programme, error, forms=None):
        messages.error(self.request, error.detail)
        return self._render(programme, forms or {}, status=403 if error.status == 403 else 400)

    def _clear(self, programme):
        try:
            run = discounting.discount_clearing_run(programme=programme, by=self.request.user)
        except DomainError as error:
            return self._refused(programme, error)
        return self._done(programme, _("Cleared: %(n)s offers paid, ¥%(cash)s.") % {
            "n": run.offers_cleared, "cash": f"{run.cash_cleared:,.2f}"})

    def _close(self, programme):
        try:
            discounting.discount_programme_close(programme=programme, by=self.request.user)
        except DomainError as error:
            return self._refused(programme, error)
        return self._done(programme, _("Programme closed."))

    def _offer_form(self, programme):
        return OfferForm(self.request.POST, claims=self._claims(programme))

    def _offer_args(self, form) -> dict:
        data = form.cleaned_data
        claim = {"recurring": True} if data["claim"] == "recurring" else claim_from_key(self, data["claim"])
        return {**claim, "apr": data["apr"], "percent": data["percent"]}

    def _offer(self, programme):
        form = self._offer_form(programme)
        if form.is_valid():
            try:
                made = discounting.discount_offer_make(programme=programme, by=self.request.user,
                                                       **self._offer_args(form))
            except DomainError as error:
                form_error(form, error)
            else:
                return self._done(programme, _("Paid at once: it met the posted rate.")
                                  if made.status == DiscountOffer.Status.CLEARED else
                                  _("Offer made: it clears at the next cut-off if it is among the best."))
        return self._render(programme, {"offer": form}, status=400)

    def _preview(self, programme):
        form = self._offer_form(programme)
        preview = None
        if form.is_valid():
            args = self._offer_args(form)
            try:
                if args.pop("recurring", False):
                    raise DomainError(_("Choose one claim to see its discount."), field="claim")
                preview = discounting.discount_preview(programme=programme, by=self.request.user, **args)
            except DomainError as error:
                form_error(form, error)
        return self._render(programme, {"offer": form}, preview=preview, status=200 if preview else 400)

    def _mine(self, programme, offer_id) -> DiscountOffer | None:
        return discount_offer_list(brain=self.brain, viewer=self.access).filter(
            programme=programme, pk=offer_id, supplier_id=self.access.enterprise_id).first()

    def _change(self, programme):
        form = OfferChangeForm(self.request.POST)
        offer = self._mine(programme, form.data.get("offer")) if form.is_valid() else None
        if offer is None:
            return self._render(programme, {}, status=400)
        try:
            discounting.discount_offer_change(offer=offer, by=self.request.user, apr=form.cleaned_data["apr"],
                                              percent=form.cleaned_data["percent"])
        except DomainError as error:
            return self._refused(programme, error)
        return self._done(programme, _("Offer changed."))

    def _withdraw(self, programme):
        offer_id = self.request.POST.get("offer", "")
        offer = self._mine(programme, offer_id) if offer_id.isdigit() else None
        if offer is None:
            return self._render(programme, {}, status=400)
        try:
            discounting.discount_offer_withdraw(offer=offer, by=self.request.user)
        except DomainError as error:
            return self._refused(programme, error)
        return self._done(programme, _("Offer withdrawn: you are paid in full at maturity."))

    def _claims(self, programme):
        return [(claim_key(c), claim_label(c)) for c in claims_to_pay_early(
            brain=self.brain, viewer=self.access, debtor_id=programme.buyer_id)]

    def _render(self, programme, forms, *, preview=None, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        is_buyer = me == programme.buyer_id
        offers = discount_offer_list(brain=self.brain, viewer=self.access).filter(programme=programme)
        open_ = programme.status == DiscountProgramme.Status.OPEN and programme.ends_on >= timezone.localdate()
        claims = self._claims(programme) if me and not is_buyer and open_ else []
        return render(self.request, "finance/discounting/detail.html", {
            "programme": programme, "is_buyer": is_buyer, "can_act": open_,
            "show_cash": programme_cash_visible(programme=programme, viewer=self.access),
            "next_clearing": discounting.next_clearing(programme) if open_ else None,
            "offers": offers.order_by("status", "-apr", "pk")[:500],
            "runs": clearing_run_list(brain=self.brain, viewer=self.access).filter(programme=programme)[:50],
            "offer_form": forms.get("offer") or (OfferForm(claims=claims) if claims else None),
            "preview": preview,
        }, status=status)
