"""Pages of bank financing: the financing page by role — a supplier asks to finance a claim and follows its
requests; a bank sees the requests it was asked to quote, opens and revises its lines, its portfolio and exposure;
operators all of it — and one request, where a bank quotes and the supplier accepts a quote. Thin: forms in,
services do the work, selectors decide who sees what."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.forms.financing import CreditLineOpenForm, CreditLineReviseForm, FinancingAskForm, QuoteForm
from finance.models import EarlyPayment, FinancingQuote, FinancingRequest
from finance.selectors.early_payments import claims_to_pay_early, early_payment_list
from finance.selectors.financing import (
    bank_exposure,
    credit_line_list,
    financing_quote_list,
    financing_request_list,
)
from finance.services import financing
from finance.views.discounting import claim_from_key, claim_key, claim_label
from tenants.errors import DomainError, form_error
from tenants.models import Enterprise
from tenants.selectors.memberships import active_members
from tenants.views.base import BrainView


class FinancingView(BrainView):
    """A supplier's requests and the claims it may ask to finance; a bank's requests to quote, lines, portfolio and
    exposure; operators everything."""

    def get(self, request, brain_slug):
        return self._render({})

    def post(self, request, brain_slug):
        handlers = {"ask": self._ask, "open-line": self._open_line, "revise-line": self._revise_line}
        handler = handlers.get(request.POST.get("action", ""))
        return handler() if handler else self._render({}, status=400)

    def _ask(self):
        form = FinancingAskForm(self.request.POST, claims=self._claims())
        if form.is_valid():
            try:
                made = financing.financing_request_make(brain=self.brain, by=self.request.user,
                                                        note=form.cleaned_data["note"],
                                                        **claim_from_key(self, form.cleaned_data["claim"]))
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(self.request, _("Asked: the banks with room on the buyer's line may quote."))
                return HttpResponseRedirect(reverse("finance:financing-request", args=[self.brain.slug, made.pk]))
        return self._render({"ask": form}, status=400)

    def _open_line(self):
        form = CreditLineOpenForm(self.request.POST, buyers=self._buyers())
        if form.is_valid():
            data = form.cleaned_data
            try:
                financing.credit_line_open(brain=self.brain, by=self.request.user, buyer_id=data["buyer"],
                                           limit=data["limit"], expires_on=data["expires_on"])
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(self.request, _("Credit line opened."))
                return HttpResponseRedirect(reverse("finance:financing", args=[self.brain.slug]))
        return self._render({"open-line": form}, status=400)

    def _revise_line(self):
        form = CreditLineReviseForm(self.request.POST)
        line = credit_line_list(brain=self.brain, viewer=self.access).filter(
            pk=form.data.get("line") or 0).first() if str(form.data.get("line", "")).isdigit() else None
        if line is None:
            return self._render({}, status=400)
        if form.is_valid():
            try:
                financing.credit_line_revise(line=line, by=self.request.user, limit=form.cleaned_data["limit"],
                                             expires_on=form.cleaned_data["expires_on"])
            except DomainError as error:
                messages.error(self.request, error.detail)
                return self._render({}, status=403 if error.status == 403 else 400)
            messages.success(self.request, _("Credit line revised."))
            return HttpResponseRedirect(reverse("finance:financing", args=[self.brain.slug]))
        return self._render({}, status=400)

    def _claims(self):
        return [(claim_key(c), f"{claim_label(c)} · {c.debtor if hasattr(c, 'debtor') else c.issuer}")
                for c in claims_to_pay_early(brain=self.brain, viewer=self.access)]

    def _buyers(self):
        members = active_members(brain=self.brain).filter(roles__contains=["buyer"]).exclude(
            enterprise_id=self.access.enterprise_id)
        return Enterprise.objects.filter(pk__in=members.values("enterprise_id")).order_by("legal_name")

    def _render(self, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        is_bank = self.access.has_role("financier")
        requests = financing_request_list(brain=self.brain, viewer=self.access)
        claims = self._claims() if me and not is_bank else []
        return render(self.request, "finance/financing/home.html", {
            "me": me, "is_bank": is_bank, "is_operator": self.access.is_operator,
            "mine": requests.filter(supplier_id=me)[:200] if me else [],
            "to_quote": requests.exclude(supplier_id=me).filter(status=FinancingRequest.Status.OPEN)[:200]
            if is_bank or self.access.is_operator else [],
            "lines": credit_line_list(brain=self.brain, viewer=self.access)[:200],
            "portfolio": early_payment_list(brain=self.brain, viewer=self.access).filter(
                kind=EarlyPayment.Kind.BANK, payer_id=me)[:200] if is_bank else [],
            "exposure": bank_exposure(brain=self.brain, viewer=self.access),
            "ask_form": forms.get("ask") or (FinancingAskForm(claims=claims) if claims else None),
            "line_form": forms.get("open-line") or (CreditLineOpenForm(buyers=self._buyers()) if is_bank else None),
            "revise_form": CreditLineReviseForm() if is_bank else None,
        }, status=status)


class FinancingRequestView(BrainView):
    """One request: the supplier sees the quotes and accepts one or withdraws; a bank asked quotes or withdraws its
    quote."""

    def request_of(self, pk) -> FinancingRequest:
        return get_object_or_404(financing_request_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.request_of(pk), {})

    def post(self, request, brain_slug, pk):
        asked = self.request_of(pk)
        handlers = {"quote": self._quote, "accept": self._accept, "withdraw-quote": self._withdraw_quote,
                    "withdraw": self._withdraw}
        handler = handlers.get(request.POST.get("action", ""))
        return handler(asked) if handler else self._render(asked, {}, status=400)

    def _done(self, asked, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("finance:financing-request", args=[self.brain.slug, asked.pk]))

    def _refused(self, asked, error):
        messages.error(self.request, error.detail)
        return self._render(asked, {}, status=403 if error.status == 403 else 400)

    def _quote_named(self, asked) -> FinancingQuote | None:
        pk = self.request.POST.get("quote", "")
        return financing_quote_list(brain=self.brain, viewer=self.access).filter(
            request=asked, pk=pk).first() if pk.isdigit() else None

    def _quote(self, asked):
        form = QuoteForm(self.request.POST)
        if form.is_valid():
            try:
                financing.financing_quote_make(request=asked, by=self.request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                return self._done(asked, _("Quoted: the supplier may accept it until it expires."))
        return self._render(asked, {"quote": form}, status=400)

    def _accept(self, asked):
        quote = self._quote_named(asked)
        if quote is None:
            return self._render(asked, {}, status=400)
        try:
            financing.financing_quote_accept(quote=quote, by=self.request.user)
        except DomainError as error:
            return self._refused(asked, error)
        return self._done(asked, _("Accepted: the bank pays you today."))

    def _withdraw_quote(self, asked):
        quote = self._quote_named(asked)
        if quote is None:
            return self._render(asked, {}, status=400)
        try:
            financing.financing_quote_withdraw(quote=quote, by=self.request.user)
        except DomainError as error:
            return self._refused(asked, error)
        return self._done(asked, _("Quote withdrawn."))

    def _withdraw(self, asked):
        try:
            financing.financing_request_withdraw(request=asked, by=self.request.user)
        except DomainError as error:
            return self._refused(asked, error)
        return self._done(asked, _("Request withdrawn: you are paid at maturity."))

    def _render(self, asked, forms, status=200):
        me = self.access.enterprise_id if self.access.is_member else None
        quotes = financing_quote_list(brain=self.brain, viewer=self.access).filter(request=asked)
        is_open = asked.status == FinancingRequest.Status.OPEN and asked.expires_at > timezone.now()
        is_bank = self.access.has_role("financier") and me != asked.supplier_id
        today = timezone.localdate()
        rows = []
        for quote in quotes.order_by("status", "pk"):
            try:
                quote.terms = financing.quote_terms(request=asked, rate=quote.rate, apr=quote.apr,
                                                    percent=quote.percent, fee=quote.fee, paid_on=today)
            except DomainError:
                quote.terms = None
            rows.append(quote)
        default_until = min(asked.expires_at, timezone.now() + timedelta(days=2))
        return render(self.request, "finance/financing/detail.html", {
            "asked": asked, "quotes": rows, "is_supplier": me == asked.supplier_id, "is_open": is_open,
            "quote_form": forms.get("quote") or QuoteForm(initial={"valid_until": timezone.localtime(
                default_until).strftime("%Y-%m-%dT%H:%M")}) if is_bank and is_open else None,
        }, status=status)
