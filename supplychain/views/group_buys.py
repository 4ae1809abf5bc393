"""Pages of pooled buying: the campaigns of a brain, one campaign with its live tier, pledging, the operator's
money and books, the supplier's order and shipments, the member's settlement and receipts. Thin: forms in,
supplychain.services do the work, the API's selectors read."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from supplychain.forms.group_buys import (
    GroupBuyForm, PaymentForm, PledgeForm, ReceiptForm, ShipmentForm, SupplyChainSettingsForm,
)
from supplychain.models import GroupBuy
from supplychain.quantities import qty
from supplychain.selectors.group_buys import (
    group_buy_list, group_buy_trader, member_statement, pledge_list, settlement_list, shipment_list,
    supply_chain_settings, supply_order_line_list, tier_progress,
)
from supplychain.selectors.ledger import journal_entry_list
from supplychain.services import group_buys, ledger
from tenants.errors import DomainError
from tenants.models import Enterprise, Membership
from tenants.selectors.memberships import active_members
from tenants.views.base import BrainView


class SupplyView(BrainView):
    def campaigns(self):
        return group_buy_list(brain=self.brain, viewer=self.access)

    def may_open(self) -> bool:
        return self.access.is_operator or self.access.has_role("buyer")


class GroupBuyListView(SupplyView):
    """The campaigns; operators also the books and the brain's settings (who may open, the brain's trader)."""

    def get(self, request, brain_slug, settings_form=None, status=200):
        campaigns = list(self.campaigns())
        settings = supply_chain_settings(brain=self.brain)
        if settings_form is None and self.access.is_operator:
            settings_form = self.settings_form(initial={"members_may_open": settings.members_may_open,
                                                        "trader": settings.trader_id})
        return render(request, "supplychain/group_buys/list.html", {
            "campaigns": [(c, tier_progress(c)) for c in campaigns], "may_open": self.may_open(),
            "exposure": ledger.exposure(brain_id=self.brain.pk) if self.access.is_operator else None,
            "settings": settings, "settings_form": settings_form}, status=status)

    def settings_form(self, *args, **kwargs):
        members = Enterprise.objects.filter(pk__in=active_members(brain=self.brain).values("enterprise_id"))
        return SupplyChainSettingsForm(*args, members=members.order_by("legal_name"), **kwargs)

    def post(self, request, brain_slug):
        if not self.access.is_operator or request.POST.get("action") != "settings":
            raise Http404
        form = self.settings_form(request.POST)
        if form.is_valid():
            try:
                group_buys.settings_save(brain=self.brain, by=request.user,
                                         members_may_open=form.cleaned_data["members_may_open"],
                                         trader_id=form.cleaned_data["trader"])
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Settings saved."))
                return HttpResponseRedirect(reverse("supplychain:group-buys", args=[brain_slug]))
        return self.get(request, brain_slug, settings_form=form, status=400)


class GroupBuyNewView(SupplyView):
    def suppliers(self):
        members = Membership.objects.in_brain(self.brain).filter(status=Membership.Status.ACTIVE,
                                                                 roles__contains=["supplier"])
        return Enterprise.objects.filter(pk__in=members.values("enterprise_id")).order_by("legal_name")

    def get(self, request, brain_slug):
        if not self.may_open():
            raise Http404
        return render(request, "supplychain/group_buys/new.html",
                      {"form": GroupBuyForm(suppliers=self.suppliers())})

    def post(self, request, brain_slug):
        if not self.may_open():
            raise Http404
        form = GroupBuyForm(request.POST, suppliers=self.suppliers())
        if form.is_valid():
            data = form.service_terms()
            try:
                made = group_buys.group_buy_create(brain=self.brain, by=request.user, tiers=data.pop("tiers"),
                                                   windows=data.pop("windows"), suppliers=data.pop("suppliers"), **data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Draft saved: check it, then open it for pledges."))
                return HttpResponseRedirect(reverse("supplychain:group-buy", args=[brain_slug, made.pk]))
        return render(request, "supplychain/group_buys/new.html", {"form": form}, status=400)


class GroupBuyView(SupplyView):
    """One campaign for whoever may see it; each reader gets the parts that are theirs."""

    def get(self, request, brain_slug, pk):
        group_buy = get_object_or_404(self.campaigns(), pk=pk)
        context = self.context(group_buy)
        template = "supplychain/group_buys/_live.html" if request.htmx else "supplychain/group_buys/detail.html"
        return render(request, template, context)

    def context(self, group_buy):
        enterprise_id = self.request.user.enterprise_id
        operator = self.access.is_operator
        own = pledge_list(brain=self.brain, viewer=self.access).filter(group_buy=group_buy,
                                                                       member_id=enterprise_id or 0).first()
        windows = list(group_buy.windows.all())
        lines = supply_order_line_list(brain=self.brain, viewer=self.access).filter(order__group_buy=group_buy)
        context = {
            "group_buy": group_buy, "progress": tier_progress(group_buy), "own": own,
            "pledge_form": PledgeForm(windows=windows, initial={
                "quantity": qty(own.quantity if own and own.status == "active" else group_buy.member_minimum),
                "address": own.address if own else "", "window": own.window_id if own else None}),
            "may_pledge": self.access.has_role("buyer") and group_buy.status == GroupBuy.Status.OPEN,
            "is_supplier": group_buy.suppliers.filter(supplier_id=enterprise_id or 0).exists(),
            "lines": lines, "operator": operator,
            "statement": member_statement(group_buy=group_buy, enterprise_id=enterprise_id) if own else None,
            "trader": group_buy_trader(brain=self.brain),
        }
        if operator:
            pledges = pledge_list(brain=self.brain, viewer=self.access).filter(group_buy=group_buy)
            parties = [p.member for p in pledges] + [s.supplier for s in group_buy.suppliers.all()]
            context.update(pledges=pledges,
                           settlements=settlement_list(brain=self.brain, viewer=self.access).filter(group_buy=group_buy),
                           exposure=ledger.exposure(brain_id=self.brain.pk, group_buy=group_buy),
                           journal=journal_entry_list(brain=self.brain, group_buy=group_buy)[:30],
                           payment_form=PaymentForm(parties=parties))
        return context

    def post(self, request, brain_slug, pk):
        group_buy = get_object_or_404(self.campaigns(), pk=pk)
        action = request.POST.get("action", "")
        handlers = {"open": self._open, "cancel": self._cancel, "decide": self._decide, "pledge": self._pledge,
                    "withdraw": self._withdraw, "payment": self._payment, "agree": self._agree,
                    "decline": self._decline, "ship": self._ship, "receive": self._receive}
        if action not in handlers:
            raise Http404
        try:
            message = handlers[action](group_buy)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(reverse("supplychain:group-buy", args=[brain_slug, group_buy.pk]))

    def _form(self, form):
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            label = form.fields[field].label if field in form.fields else ""
            raise DomainError(f"{label}: {errors[0]}" if label else errors[0], field=field)
        return form.cleaned_data

    def _open(self, group_buy):
        group_buys.group_buy_open(group_buy=group_buy, by=self.request.user)
        return _("Open for pledges.")

    def _cancel(self, group_buy):
        group_buys.group_buy_cancel(group_buy=group_buy, by=self.request.user, reason=self.request.POST.get("reason", ""))
        return _("Cancelled.")

    def _decide(self, group_buy):
        if not self.access.is_operator:
            raise Http404
        group_buys.group_buy_decide_now(group_buy=group_buy, by=self.request.user)
        return _("Decided.")

    def _pledge(self, group_buy):
        data = self._form(PledgeForm(self.request.POST, windows=group_buy.windows.all()))
        group_buys.pledge_save(group_buy=group_buy, by=self.request.user, quantity=data["quantity"],
                               address=data["address"], window_id=data["window"])
        return _("Your pledge is saved.")

    def _withdraw(self, group_buy):
        group_buys.pledge_withdraw(group_buy=group_buy, by=self.request.user)
        return _("Your pledge is withdrawn.")

    def _payment(self, group_buy):
        if not self.access.is_operator:
            raise Http404
        parties = Enterprise.objects.filter(pk__in=[*group_buy.pledges.values_list("member_id", flat=True),
                                                    *group_buy.suppliers.values_list("supplier_id", flat=True)])
        data = self._form(PaymentForm(self.request.POST, parties=parties))
        group_buys.payment_record(group_buy=group_buy, by=self.request.user, kind=data["kind"],
                                  enterprise_id=data["enterprise"], amount=data["amount"], reference=data["reference"])
        return _("Recorded in the books.")

    def _agree(self, group_buy):
        group_buys.group_buy_supplier_decide(group_buy=group_buy, by=self.request.user, agree=True)
        return _("You agreed to proceed.")

    def _decline(self, group_buy):
        group_buys.group_buy_supplier_decide(group_buy=group_buy, by=self.request.user, agree=False)
        return _("You declined.")

    def _ship(self, group_buy):
        data = self._form(ShipmentForm(self.request.POST))
        line = get_object_or_404(supply_order_line_list(brain=self.brain, viewer=self.access), pk=data["line"],
                                 order__group_buy=group_buy, order__supplier_id=self.request.user.enterprise_id or 0)
        group_buys.shipment_record(line=line, by=self.request.user, quantity=data["quantity"],
                                   note_number=data["note_number"])
        return _("Shipment recorded.")

    def _receive(self, group_buy):
        data = self._form(ReceiptForm(self.request.POST))
        shipment = get_object_or_404(shipment_list(brain=self.brain, viewer=self.access), pk=data["shipment"],
                                     line__order__group_buy=group_buy, line__member_id=self.request.user.enterprise_id or 0)
        group_buys.shipment_receive(shipment=shipment, by=self.request.user, quantity=data["quantity"])
        return _("Receipt confirmed.")
