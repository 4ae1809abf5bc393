"""Web pages of capacity sharing, for buyers (projects, parts, RFQs, comparison, award) and suppliers
(profile, matched RFQs, quoting). Thin: forms in, services do the work, selectors read."""

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity import forms, selectors
from capacity.models import (
    BomImport, Invitation, Machine, Operation, Part, Project, PurchaseOrder, Question, Rfq,
    RfqLine, SupplierCapacity, SupplierProfile,
)
from capacity.services import awards, profiles, projects, rfqs
from tenants.errors import DomainError
from tenants.models import Enterprise, Membership
from tenants.views import BrainView


def _field_errors(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.detail)


class BuyerView(BrainView):
    """Pages of a buyer member; its projects and RFQs are its enterprise's only (others get 404)."""

    member_role = "buyer"

    def project(self, pk) -> Project:
        return get_object_or_404(Project.objects.in_brain(self.brain), pk=pk,
                                 buyer_id=self.request.user.enterprise_id or 0)

    def rfq(self, pk) -> Rfq:
        return get_object_or_404(Rfq.objects.in_brain(self.brain).select_related("project"), pk=pk,
                                 buyer_id=self.request.user.enterprise_id or 0)


# --- Buyer: projects and parts ---------------------------------------------------------------


class ProjectListView(BuyerView):
    def get(self, request, brain_slug):
        return self._render(forms.ProjectForm())

    def post(self, request, brain_slug):
        form = forms.ProjectForm(request.POST)
        if form.is_valid():
            try:
                project = projects.project_create(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                _field_errors(form, error)
            else:
                return HttpResponseRedirect(reverse("capacity:project", args=[brain_slug, project.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        mine = (Project.objects.in_brain(self.brain).filter(buyer_id=self.request.user.enterprise_id or 0)
                .annotate(part_count=Count("parts", distinct=True), rfq_count=Count("rfqs", distinct=True)))
        return render(self.request, "capacity/projects.html", {"projects": mine, "form": form}, status=status)


class ProjectView(BuyerView):
    """The part tree, the BOM import, and the project's RFQs."""

    def get(self, request, brain_slug, pk):
        project = self.project(pk)
        return render(request, "capacity/project.html", {
            "project": project,
            "tree": selectors.part_tree(project=project),
            "rfqs": Rfq.objects.in_brain(self.brain).filter(project=project),
            "upload": forms.BomUploadForm(),
            "imports": BomImport.objects.in_brain(self.brain).filter(project=project)[:5],
        })

    def post(self, request, brain_slug, pk):
        """Upload a BOM (kept, then imported by a worker; the import page shows progress and the report),
        or a new drawing version of one part."""
        project = self.project(pk)
        if request.POST.get("action") == "drawing":
            return self._upload_drawing(project)
        form = forms.BomUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > projects.MAX_BOM_BYTES:  # before reading it into memory
                    raise DomainError(_("The file must be between 1 byte and 20 MB."), field="file")
                job = projects.bom_import_start(project=project, by=request.user, content=upload.read(),
                                                filename=upload.name)
            except DomainError as error:
                messages.error(request, error.detail)
            else:
                return HttpResponseRedirect(reverse("capacity:bom-import", args=[brain_slug, job.pk]))
        else:
            messages.error(request, _("Choose a file to upload."))
        return HttpResponseRedirect(reverse("capacity:project", args=[brain_slug, pk]))


    def _upload_drawing(self, project):
        form = forms.DrawingUploadForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            part = get_object_or_404(Part.objects.in_brain(self.brain), project=project, pk=form.cleaned_data["part"])
            upload = form.cleaned_data["file"]
            try:
                if upload.size > projects.MAX_DRAWING_BYTES:
                    raise DomainError(_("Drawings may be at most 50 MB."), field="file")
                drawing = projects.drawing_upload(part=part, by=self.request.user, content=upload.read(),
                                                  filename=upload.name)
            except DomainError as error:
                messages.error(self.request, error.detail)
            else:
                messages.success(self.request, _("Drawing %(part)s v%(version)s saved.") % {
                    "part": part.part_no, "version": drawing.version})
        else:
            messages.error(self.request, _("Choose a part and a file."))
        return HttpResponseRedirect(reverse("capacity:project", args=[self.brain.slug, project.pk]))


class BomImportView(BuyerView):
    """Progress (polled by htmx while the worker runs) and then the report of every bad row."""

    def get(self, request, brain_slug, pk):
        job = get_object_or_404(BomImport.objects.in_brain(self.brain).select_related("project"), pk=pk,
                                project__buyer_id=request.user.enterprise_id or 0)
        context = {"job": job, "progress": cache.get(f"bom-import-{job.pk}") or {"done": 0, "total": 0}}
        template = "capacity/_bom_import_status.html" if request.htmx else "capacity/bom_import.html"
        return render(request, template, context)


# --- Buyer: RFQs -------------------------------------------------------------------------------


class RfqCreateView(BuyerView):
    """Tender chosen parts whole, or single operations of them."""

    def get(self, request, brain_slug, pk):
        project = self.project(pk)
        return self._render(project, forms.RfqForm(suppliers=self._suppliers(),
                                                   initial={"title": project.name}))

    def post(self, request, brain_slug, pk):
        project = self.project(pk)
        form = forms.RfqForm(request.POST, suppliers=self._suppliers())
        lines = [{"part": int(k[5:])} for k in request.POST if k.startswith("part-") and k[5:].isdigit()]
        ticked = [int(k[3:]) for k in request.POST if k.startswith("op-") and k[3:].isdigit()]
        operations = Operation.objects.in_brain(self.brain).filter(part__project=project).in_bulk(ticked)
        lines += [{"part": operations[pk].part_id, "operation": pk} for pk in ticked if pk in operations]
        if form.is_valid():
            try:
                rfq = rfqs.rfq_create(
                    project=project, by=request.user, title=form.cleaned_data["title"],
                    deadline=form.cleaned_data["deadline"], open_to_all=form.cleaned_data["open_to_all"],
                    notes=form.cleaned_data["notes"], invited=[int(i) for i in form.cleaned_data["invited"]],
                    lines=lines,
                )
            except DomainError as error:
                _field_errors(form, error)
            else:
                messages.success(request, _("Draft RFQ %(number)s created. Publish it when ready.") % {
                    "number": rfq.number})
                return HttpResponseRedirect(reverse("capacity:rfq", args=[brain_slug, rfq.pk]))
        return self._render(project, form, status=400)

    def _suppliers(self):
        ids = Membership.objects.in_brain(self.brain).filter(
            status=Membership.Status.ACTIVE, roles__contains=["supplier"]).values("enterprise_id")
        return Enterprise.objects.filter(pk__in=ids).exclude(pk=self.request.user.enterprise_id or 0)

    def _render(self, project, form, status=200):
        return render(self.request, "capacity/rfq_new.html", {
            "project": project, "form": form, "tree": selectors.part_tree(project=project)}, status=status)


class RfqView(BuyerView):
    """The buyer's RFQ: lines, who was matched and why, Q&A, the sealed or open comparison, the award."""

    def get(self, request, brain_slug, pk):
        rfq = self.rfq(pk)
        comparison = selectors.comparison(rfq=rfq)
        recommendation = selectors.latest_recommendation(rfq=rfq)
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        context = {
            "rfq": rfq, "comparison": comparison, "recommendation": recommendation,
            "lines": lines, "line_numbers": {line.pk: line.line_no for line in lines},
            "invitations": selectors.invitation_list(rfq=rfq),
            "questions": Question.objects.in_brain(self.brain).filter(rfq=rfq).select_related("asked_by"),
            "orders": PurchaseOrder.objects.in_brain(self.brain).filter(rfq=rfq).select_related("supplier"),
            "recommendation_form": forms.RecommendationForm(),
            "now": timezone.now(),
        }
        if recommendation:
            context["difference"] = awards.extra_cost(recommendation)
            context["unquoted"] = [line.line_no for line in lines if line.pk in set(recommendation.unquoted_lines)]
        template = "capacity/_rfq_live.html" if request.htmx else "capacity/rfq.html"
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
                form = forms.AnswerForm(request.POST)
                if form.is_valid():
                    question = get_object_or_404(Question.objects.in_brain(self.brain), rfq=rfq,
                                                 pk=form.cleaned_data["question"])
                    rfqs.question_answer(question=question, by=request.user, answer=form.cleaned_data["answer"])
            elif action == "recommend":
                form = forms.RecommendationForm(request.POST)
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


class PurchaseOrderView(BrainView):
    """Printable: for the buyer that issued it and the supplier that received it."""

    def get(self, request, brain_slug, pk):
        mine = Q(supplier_id=request.user.enterprise_id or 0) | Q(rfq__buyer_id=request.user.enterprise_id or 0)
        order = get_object_or_404(PurchaseOrder.objects.in_brain(self.brain).filter(mine)
                                  .select_related("rfq__buyer", "supplier", "issued_by"), pk=pk)
        return render(request, "capacity/purchase_order.html", selectors.purchase_order_sheet(order=order))


# --- Supplier ------------------------------------------------------------------------------------


class ProfileView(BrainView):
    """The supplier's capability profile: processes with free hours, machines, materials."""

    member_role = "supplier"

    def get(self, request, brain_slug):
        profile = SupplierProfile.objects.in_brain(self.brain).filter(enterprise_id=request.user.enterprise_id or 0).first()
        processes = forms.processes_of(self.brain)
        initial = {"summary": profile.summary, "materials": ", ".join(profile.materials),
                   "certifications": ", ".join(profile.certifications)} if profile else {}
        capacities = [{"process": c.process.code, "weekly_free_hours": c.weekly_free_hours}
                      for c in SupplierCapacity.objects.in_brain(self.brain).filter(profile=profile)
                      .select_related("process")] if profile else []
        machines = [{**{f: getattr(m, f) for f in ("machine_type", "brand", "model", "count", "envelope_x_mm",
                                                   "envelope_y_mm", "envelope_z_mm", "max_weight_kg",
                                                   "tolerance_mm")}, "process": m.process.code}
                    for m in Machine.objects.in_brain(self.brain).filter(profile=profile).select_related("process")
                    ] if profile else []
        return self._render(forms.ProfileForm(initial=initial),
                            forms.CapacityFormSet(initial=capacities, prefix="cap",
                                                  form_kwargs={"processes": processes}),
                            forms.MachineFormSet(initial=machines, prefix="mac", form_kwargs={"processes": processes}))

    def post(self, request, brain_slug):
        processes = forms.processes_of(self.brain)
        form = forms.ProfileForm(request.POST)
        capacity_set = forms.CapacityFormSet(request.POST, prefix="cap", form_kwargs={"processes": processes})
        machine_set = forms.MachineFormSet(request.POST, prefix="mac", form_kwargs={"processes": processes})
        if form.is_valid() and capacity_set.is_valid() and machine_set.is_valid():
            kept = lambda formset: [f.cleaned_data for f in formset.forms  # noqa: E731
                                    if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                profiles.profile_save(
                    brain=self.brain, by=request.user, **form.cleaned_data,
                    capacities=[{k: v for k, v in c.items() if k != "DELETE"} for c in kept(capacity_set)],
                    machines=[{k: v for k, v in m.items() if k != "DELETE"} for m in kept(machine_set)],
                )
            except DomainError as error:
                _field_errors(form, error)
            else:
                messages.success(request, _("Profile saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, capacity_set, machine_set, status=400)

    def _render(self, form, capacity_set, machine_set, status=200):
        return render(self.request, "capacity/profile.html",
                      {"form": form, "capacity_set": capacity_set, "machine_set": machine_set}, status=status)


class RfqListView(BrainView):
    """Buyers: their RFQs. Suppliers: RFQs they may quote, matched ones first, with their own quote."""

    def get(self, request, brain_slug):
        enterprise_id = request.user.enterprise_id or 0
        return render(request, "capacity/rfqs.html", {
            "own": Rfq.objects.in_brain(self.brain).filter(buyer_id=enterprise_id).select_related("project")
            .annotate(quote_count=Count("quotes", distinct=True)),
            "open": selectors.rfqs_to_quote(brain=self.brain, supplier_id=enterprise_id)
            if self.access.has_role("supplier") else [],
        })


class QuoteView(BrainView):
    """A supplier's quote: one form line per RFQ line; revisable until the deadline."""

    member_role = "supplier"

    def rfq_for_supplier(self, pk) -> Rfq:
        visible = selectors.rfqs_open_to_supplier(brain=self.brain, enterprise_id=self.request.user.enterprise_id)
        return get_object_or_404(visible.select_related("buyer", "project"), pk=pk)

    def get(self, request, brain_slug, pk):
        rfq = self.rfq_for_supplier(pk)
        own = selectors.own_quote(rfq=rfq, supplier_id=request.user.enterprise_id)
        priced = {ql.rfq_line_id: ql for ql in own.lines.all()} if own else {}
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        initial = [{"rfq_line": line.pk, **({f: getattr(priced[line.pk], f) for f in
                                             ("unit_price", "vat_rate", "lead_time_days", "valid_until", "remarks")}
                                            if line.pk in priced else {"vat_rate": "13.00"})} for line in lines]
        return self._render(rfq, own, lines, forms.QuoteLineFormSet(initial=initial, prefix="q"), forms.QuestionForm())

    def post(self, request, brain_slug, pk):
        rfq = self.rfq_for_supplier(pk)
        if request.POST.get("action") == "ask":
            form = forms.QuestionForm(request.POST)
            if form.is_valid():
                try:
                    rfqs.question_ask(rfq=rfq, by=request.user, text=form.cleaned_data["text"])
                    messages.success(request, _("Question sent to the buyer."))
                except DomainError as error:
                    messages.error(request, error.detail)
            return HttpResponseRedirect(request.path)
        lines = list(RfqLine.objects.in_brain(self.brain).filter(rfq=rfq).select_related("part", "operation__process"))
        formset = forms.QuoteLineFormSet(request.POST, prefix="q")
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
        own = selectors.own_quote(rfq=rfq, supplier_id=request.user.enterprise_id)
        return self._render(rfq, own, lines, formset, forms.QuestionForm(), status=400)

    def _render(self, rfq, own, lines, formset, question_form, status=200):
        invitation = Invitation.objects.in_brain(self.brain).filter(rfq=rfq, supplier_id=self.request.user.enterprise_id).first()
        return render(self.request, "capacity/quote.html", {
            "rfq": rfq, "own": own, "rows": list(zip(lines, formset.forms)), "formset": formset,
            "drawings": selectors.latest_drawings(brain=self.brain, part_ids=[line.part_id for line in lines]),
            "question_form": question_form, "invitation": invitation,
            "answers": selectors.answered_questions(rfq=rfq),
            "open": rfq.is_open_at(timezone.now()),
            "orders": PurchaseOrder.objects.in_brain(self.brain).filter(rfq=rfq, supplier_id=self.request.user.enterprise_id),
        }, status=status)



class SupplierDirectoryView(BrainView):
    """The cluster's capacity map: every supplier's processes, free hours, machines and materials."""

    def get(self, request, brain_slug):
        from capacity.api.filters import SupplierProfileFilter

        found = SupplierProfileFilter(request.GET, queryset=selectors.supplier_profile_list(brain=self.brain))
        return render(request, "capacity/suppliers.html", {
            "filter": found, "profiles": found.qs.distinct() if found.is_valid() else [],
            "processes": forms.processes_of(self.brain),
        })


# --- The buyer's project board ----------------------------------------------------------------------


class ProjectBoardView(BuyerView):
    """Every part of the project: where it is, what is late, blocked or at risk; a timeline of the whole mould.
    Live: the page follows the "board" topic; on each update it re-fetches the rows the event touched
    (`?changed=<part ids>`), or the whole fragment when the event names none or the rows move."""

    def get(self, request, brain_slug, pk):
        from capacity.board import project_board

        project = self.project(pk)
        form = forms.BoardFilterForm(request.GET)
        filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
        board = project_board(project, viewer=request.user, **filters)
        changed = {int(n) for n in request.GET.get("changed", "").split(",") if n.isdigit()}
        if request.htmx and changed:  # a live update: only the rows it touched (and the head), not the table
            board.rows = [row for row in board.rows if row.part.pk in changed]
            return render(request, "capacity/_board_changed.html", {"project": project, "board": board, "form": form})
        template = "capacity/_board_live.html" if request.htmx else "capacity/board.html"
        return render(request, template, {"project": project, "board": board, "form": form})


class BoardSettingsView(BrainView):
    """Operators: the brain's board rules (after how many days without a report a part is at risk)."""

    operators_only = True

    def get(self, request, brain_slug):
        from capacity.services.board import board_settings_of

        settings = board_settings_of(self.brain)
        return self._render(forms.BoardSettingsForm(initial={"stale_after_days": settings.stale_after_days}),
                            settings)

    def post(self, request, brain_slug):
        from capacity.services.board import board_settings_of, board_settings_save

        form = forms.BoardSettingsForm(request.POST)
        if form.is_valid():
            try:
                board_settings_save(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                _field_errors(form, error)
            else:
                messages.success(request, _("Board settings saved."))
                return HttpResponseRedirect(request.path)
        return self._render(form, board_settings_of(self.brain), status=400)

    def _render(self, form, settings, status=200):
        return render(self.request, "capacity/board_settings.html", {"form": form, "settings": settings},
                      status=status)
