"""Web pages of joint reserves (联储联备): the brain's reserves; setting one up (operators); a reserve's page,
where a member with a share draws and sees its own draws, the supplier sees its replenishment orders, and
operators commit shares, record reference prices, receive or cancel replenishments, see the books and close
it. Thin: forms in, services do the work, selectors read."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from supplychain.forms.reserves import (
    CancelReplenishmentForm, DrawForm, ReceiveForm, ReferencePriceForm, ReserveForm, ShareForm, members_with_role,
)
from supplychain.models import Reserve
from supplychain.quantities import qty
from supplychain.selectors.ledger import reserve_books
from supplychain.selectors.reserves import (
    drawdown_list, priced, reference_price_list, replenishment_list, reserve_list, share_list,
)
from supplychain.services import reserves
from tenants.errors import DomainError
from tenants.views.base import BrainView


class ReserveListView(BrainView):
    def get(self, request, brain_slug):
        listed = reserve_list(brain=self.brain, viewer=self.access)
        return render(request, "supplychain/reserves/list.html", {"rows": [
            {"reserve": reserve, "prices": priced(reserve),
             "my_left": None if reserve.my_committed is None else reserve.my_committed - reserve.my_drawn}
            for reserve in listed]})


class ReserveCreateView(BrainView):
    operators_only = True

    def get(self, request, brain_slug):
        return self._render(self._form())

    def post(self, request, brain_slug):
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                reserve = reserves.reserve_create(brain=self.brain, by=request.user, supplier_id=data.pop("supplier"),
                                                  **data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Reserve %(number)s set up; its first replenishment is ordered.")
                                 % {"number": reserve.number})
                return HttpResponseRedirect(reverse("reserves:detail", args=[brain_slug, reserve.pk]))
        return self._render(form, status=400)

    def _form(self, data=None):
        return ReserveForm(data, suppliers=members_with_role(self.brain, "supplier"))

    def _render(self, form, status=200):
        return render(self.request, "supplychain/reserves/new.html", {"form": form}, status=status)


class Refused(Exception):
    """A rule refused the action as a whole (not one of its inputs): said on the page, nothing changed."""


class ReserveView(BrainView):
    """One reserve. Its actions dispatch through one table; an unknown one is 404."""

    def reserve(self, pk) -> Reserve:
        return get_object_or_404(reserve_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.reserve(pk))

    def post(self, request, brain_slug, pk):
        reserve = self.reserve(pk)
        handler = {"draw": self._draw, "commit": self._commit, "price": self._price, "receive": self._receive,
                   "cancel-replenishment": self._cancel_replenishment, "close": self._close,
                   }.get(request.POST.get("action"))
        if handler is None:
            raise Http404
        try:
            return handler(reserve)
        except Refused as refused:
            messages.error(request, str(refused))
            return self._done(reserve)

    # --- actions ---

    @staticmethod
    def _field_error(form, error: DomainError) -> None:
        if error.field not in form.fields or error.field == "replenishment":
            raise Refused(error.detail)
        form.add_error(error.field, error.detail)

    def _done(self, reserve, message=None):
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(reverse("reserves:detail", args=[self.brain.slug, reserve.pk]))

    def _draw(self, reserve):
        form = DrawForm(self.request.POST)
        if form.is_valid():
            try:
                drawn = reserves.reserve_draw(reserve=reserve, by=self.request.user, **form.cleaned_data)
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(reserve, _("Drawn %(quantity)s %(unit)s, charged %(total)s yuan.") % {
                    "quantity": qty(drawn.quantity), "unit": reserve.unit, "total": drawn.total})
        return self._render(reserve, draw_form=form, status=400)

    def _commit(self, reserve):
        form = self._share_form(self.request.POST)
        if form.is_valid():
            try:
                share = reserves.share_commit(reserve=reserve, by=self.request.user,
                                              member_id=form.cleaned_data["member"],
                                              committed=form.cleaned_data["committed"])
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(reserve, _("Share of %(member)s: %(quantity)s %(unit)s.") % {
                    "member": share.member.legal_name, "quantity": qty(share.committed), "unit": reserve.unit})
        return self._render(reserve, share_form=form, status=400)

    def _price(self, reserve):
        form = ReferencePriceForm(self.request.POST)
        if form.is_valid():
            try:
                price = reserves.reference_price_record(reserve=reserve, by=self.request.user, **form.cleaned_data)
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(reserve, _("Reference price recorded: draws are priced at %(price)s from now on.")
                                  % {"price": price.unit_price})
        return self._render(reserve, price_form=form, status=400)

    def _replenishment(self, reserve, form):
        listed = replenishment_list(brain=self.brain, viewer=self.access)
        return get_object_or_404(listed, reserve=reserve, pk=form.cleaned_data["replenishment"])

    def _receive(self, reserve):
        form = ReceiveForm(self.request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            replenishment = self._replenishment(reserve, form)
            del data["replenishment"]
            try:
                reserves.replenishment_receive(replenishment=replenishment, by=self.request.user, **data)
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(reserve, _("%(number)s received: %(quantity)s %(unit)s into stock.") % {
                    "number": replenishment.number, "quantity": qty(data["quantity"]), "unit": reserve.unit})
        elif "replenishment" in form.errors:
            raise Http404
        return self._render(reserve, receive_form=form, status=400)

    def _cancel_replenishment(self, reserve):
        form = CancelReplenishmentForm(self.request.POST)
        if form.is_valid():
            replenishment = self._replenishment(reserve, form)
            try:
                reserves.replenishment_cancel(replenishment=replenishment, by=self.request.user,
                                              reason=form.cleaned_data["reason"])
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(reserve, _("%(number)s cancelled.") % {"number": replenishment.number})
        elif "replenishment" in form.errors:
            raise Http404
        return self._render(reserve, cancel_form=form, status=400)

    def _close(self, reserve):
        try:
            reserves.reserve_close(reserve=reserve, by=self.request.user)
        except DomainError as error:
            raise Refused(error.detail) from None
        return self._done(reserve, _("Reserve %(number)s closed.") % {"number": reserve.number})

    # --- the page ---

    def _share_form(self, data=None):
        return ShareForm(data, members=members_with_role(self.brain, "buyer"))

    def _render(self, reserve, *, status=200, **given):
        user, operator = self.request.user, self.access.is_operator
        enterprise_id = user.enterprise_id
        shares = share_list(brain=self.brain, viewer=self.access).filter(reserve=reserve)
        context = {
            "reserve": reserve, "prices": priced(reserve), "operator": operator,
            # the viewer's own share (an operator sees every share, and its enterprise may hold one)
            "my_share": shares.filter(member_id=enterprise_id).first() if enterprise_id else None,
            "reference_prices": reference_price_list(brain=self.brain, viewer=self.access).filter(reserve=reserve)[:20],
            "drawdowns": drawdown_list(brain=self.brain, viewer=self.access).filter(reserve=reserve)[:100],
            "replenishments": list(replenishment_list(brain=self.brain, viewer=self.access).filter(reserve=reserve)),
            "shares": shares if operator else [],
            "books": reserve_books(reserve=reserve) if operator else None,
            "draw_form": given.get("draw_form") or DrawForm(),
        }
        if operator:
            context.update({
                "share_form": given.get("share_form") or self._share_form(),
                "price_form": given.get("price_form") or ReferencePriceForm(),
                # at most one is open: its form starts at the quantity ordered
                "receive_form": given.get("receive_form") or ReceiveForm(initial={"quantity": next(
                    (r.quantity for r in context["replenishments"] if r.status == "open"), None)}),
                "cancel_form": given.get("cancel_form") or CancelReplenishmentForm(),
            })
        context["can_draw"] = reserve.is_active and context["my_share"] is not None and self.access.has_role("buyer")
        return render(self.request, "supplychain/reserves/detail.html", context, status=status)
