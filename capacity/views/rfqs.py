"""Web pages of RFQs: the buyer's new RFQ, its page (matching, Q&A, the sealed or open comparison, the award) and
list; a supplier's RFQs and its quote. Thin: forms in, services do the work, selectors read."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.forms.awards import RecommendationForm
from capacity.forms.rfqs import AnswerForm, QuestionForm, QuoteLineFormSet, RfqForm
from capacity.models import Invitation, Operation, Rfq, RfqLine
from capacity.selectors.awards import latest_recommendation, purchase_order_list
from capacity.selectors.projects import latest_drawings, part_tree
from capacity.selectors.rfqs import (
    answered_questions, comparison, invitation_list, own_quote, own_rfq_list, question_list,
    rfqs_open_to_supplier, rfqs_to_quote,
)
from capacity.services import awards, rfqs
from capacity.views.projects import BuyerView
from tenants.errors import DomainError, form_error
from tenants.models import Enterprise
from tenants.selectors.memberships import active_members
from tenants.views.base import BrainView


class RfqCreateView(BuyerView):
    """Tender chosen parts whole, or single operations of them."""

    def get(self, request, brain_slug, pk):
        project = self.project(pk)
        return self._render(project, RfqForm(suppliers=self._suppliers(),
                                                   initial={"title": project.name}))

    def post(self, request, brain_slug, pk):
        project = self.project(pk)
        form = RfqForm(request.POST, suppliers=self._suppliers())
        lines = [{"part": int(k[5:])} for k in request.POST if k.startswith("part-") and k[5:].isdigit()]
        ticked = [int(k[3:]) for k in request.POST if k.startswith("op-") and k[3:].isdigit()]
        operations = Operation.objects.in_brain(self.brain).filter(part__project=project).in_bulk(ticked)
        lines += [{"part": operations[pk].part_id, "operation": pk} for pk in ticked if pk in operations]
        if form.is_valid():
            try:
                rfq = rfqs.rfq_create(
                    project=project, by=request.user, title=form.cleaned_data["title"],
                    deadline=form.cleaned_data["deadline"], open_to_all=form.cleaned_data["open_to_all"],
                    notes=form.cleaned_data["notes"], payment_days=form.cleaned_data["payment_days"], invited=[int(i) for i in form.cleaned_data["invited"]],
                    lines=lines,
                )
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Draft RFQ %(number)s created. Publish it when ready.") % {
                    "number": rfq.number})
                return HttpResponseRedirect(reverse("capacity:rfq", args=[brain_slug, rfq.pk]))
        return self._render(project, form, status=400)

    def _suppliers(self):
        ids = active_members(brain=self.brain, role="supplier").values("enterprise_id")
        return Enterprise.objects.filter(pk__in=ids).exclude(pk=self.request.user.enterprise_id or 0)

    def _render(self, project, form, status=200):
        return render(self.request, "capacity/rfqs/new.html", {
            "project": project, "form": form, "tree": part_tree(project=project)}, status=status)


class RfqView(BuyerView):
    """The buyer's RFQ: lines, who was matched and why, Q&A, the sealed or open comparison, the award."""

    def get(self, request, brain_slug, pk):
        rfq = self.rfq(pk)
        table = comparison(rfq=rfq)
        recommendation = latest_recommendation(rfq=rfq)
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        context = {
            "rfq": rfq, "comparison": table, "recommendation": recommendation,
            "lines": lines, "line_numbers": {line.pk: line.line_no for line in lines},
            "invitations": invitation_list(rfq=rfq),
            "questions": question_list(brain=self.brain, viewer=self.access, rfq=rfq),
            "orders": purchase_order_list(brain=self.brain, viewer=self.access).filter(rfq=rfq),
            "recommendation_form": RecommendationForm(),
            "now": timezone.now(),
        }
        if recommendation:
            context["difference"] = awards.extra_cost(recommendation)
            context["unquoted"] = [line.line_no for line in lines if line.pk in set(recommendation.unquoted_lines)]
        template = "capacity/rfqs/_live.html" if request.htmx else "capacity/rfqs/detail.html"
        return render(request, template, context)

    def post(self, request, brain_slug, pk):
        rfq = self.rfq(pk)
        action = request.POST.get("action")
        try:
            if action == "publish":
                rfqs.rfq_publish(rfq=rfq, by=request.user)
                messages.success(request, _("Published. Matching suppliers are being invited."))
            elif action == "close":
                rfqs.rfq_close(rfq=rfq, by=request.user)
                messages.success(request, _("Closed: the quotes are open."))
            elif action == "cancel":
                rfqs.rfq_cancel(rfq=rfq, by=request.user)
            elif action == "answer":
                form = AnswerForm(request.POST)
                if form.is_valid():
                    question = get_object_or_404(question_list(brain=self.brain, viewer=self.access, rfq=rfq),
                                                 pk=form.cleaned_data["question"])
                    rfqs.question_answer(question=question, by=request.user, answer=form.cleaned_data["answer"])
            elif action == "recommend":
                form = RecommendationForm(request.POST)
                if form.is_valid():
                    awards.recommendation_request(rfq=rfq, by=request.user,
                                                  max_suppliers=form.cleaned_data["max_suppliers"])
                    messages.success(request, _("Computing the recommendation…"))
            elif action == "award":
                decisions = {int(k[6:]): int(v) for k, v in request.POST.items()
                             if k.startswith("award-") and k[6:].isdigit() and v.isdigit()}
                orders = awards.award_lines(rfq=rfq, decisions=decisions, by=request.user)
                messages.success(request, _("Awarded. Purchase orders: %(numbers)s") % {
                    "numbers": ", ".join(o.number for o in orders)})
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.detail)
        return HttpResponseRedirect(reverse("capacity:rfq", args=[brain_slug, pk]))


class RfqListView(BrainView):
    """Buyers: their RFQs. Suppliers: RFQs they may quote, matched ones first, with their own quote."""

    def get(self, request, brain_slug):
        return render(request, "capacity/rfqs/list.html", {
            "own": own_rfq_list(brain=self.brain, viewer=self.access).select_related("project")
            .prefetch_related(None).annotate(quote_count=Count("quotes", distinct=True)),
            "open": rfqs_to_quote(brain=self.brain, viewer=self.access)
            if self.access.has_role("supplier") else [],
        })


class QuoteView(BrainView):
    """A supplier's quote: one form line per RFQ line; revisable until the deadline."""

    member_role = "supplier"

    def rfq_for_supplier(self, pk) -> Rfq:
        visible = rfqs_open_to_supplier(brain=self.brain, viewer=self.access)
        return get_object_or_404(visible.select_related("buyer", "project"), pk=pk)

    def get(self, request, brain_slug, pk):
        rfq = self.rfq_for_supplier(pk)
        own = own_quote(rfq=rfq, supplier_id=request.user.enterprise_id)
        priced = {ql.rfq_line_id: ql for ql in own.lines.all()} if own else {}
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        initial = [{"rfq_line": line.pk, **({f: getattr(priced[line.pk], f) for f in
                                             ("unit_price", "vat_rate", "lead_time_days", "valid_until", "remarks")}
                                            if line.pk in priced else {"vat_rate": "13.00"})} for line in lines]
        return self._render(rfq, own, lines, QuoteLineFormSet(initial=initial, prefix="q"), QuestionForm())

    def post(self, request, brain_slug, pk):
        rfq = self.rfq_for_supplier(pk)
        if request.POST.get("action") == "ask":
            form = QuestionForm(request.POST)
            if form.is_valid():
                try:
                    rfqs.question_ask(rfq=rfq, by=request.user, text=form.cleaned_data["text"])
                    messages.success(request, _("Question sent to the buyer."))
                except DomainError as error:
                    messages.error(request, error.detail)
            return HttpResponseRedirect(request.path)
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        formset = QuoteLineFormSet(request.POST, prefix="q")
        if formset.is_valid():
            priced = [{k: v for k, v in f.cleaned_data.items() if v not in (None, "") or k == "remarks"}
                      for f in formset.forms if f.cleaned_data.get("unit_price") is not None]
            try:
                quote = rfqs.quote_submit(rfq=rfq, by=request.user, lines=priced,
                                          remarks=request.POST.get("remarks", "")[:2000])
            except DomainError as error:
                messages.error(request, error.detail)
            else:
                messages.success(request, _("Quote saved (revision %(n)s).") % {"n": quote.revision})
                return HttpResponseRedirect(request.path)
        own = own_quote(rfq=rfq, supplier_id=request.user.enterprise_id)
        return self._render(rfq, own, lines, formset, QuestionForm(), status=400)

    def _render(self, rfq, own, lines, formset, question_form, status=200):
        invitation = Invitation.objects.in_brain(self.brain).filter(rfq=rfq, supplier_id=self.request.user.enterprise_id).first()
        return render(self.request, "capacity/rfqs/quote.html", {
            "rfq": rfq, "own": own, "rows": list(zip(lines, formset.forms)), "formset": formset,
            "drawings": latest_drawings(brain=self.brain, part_ids=[line.part_id for line in lines]),
            "question_form": question_form, "invitation": invitation,
            "answers": answered_questions(rfq=rfq),
            "open": rfq.is_open_at(timezone.now()),
            "orders": purchase_order_list(brain=self.brain, viewer=self.access).filter(rfq=rfq),
        }, status=status)
