"""Web pages of work orders, for both parties: the list, and one work order with its lines, progress reports
(the supplier reports from a phone), files and change requests. Thin: forms in, services do the work,
selectors read. Anyone but the work order's buyer and supplier gets a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.forms.change_requests import ChangeAskForm, ChangeDecisionForm
from capacity.forms.work_orders import DeclineForm, ProgressForm, cleaned
from capacity.models import ChangeRequest, ProgressReport, WorkOrder
from capacity.selectors.change_requests import change_request_list
from capacity.selectors.work_orders import (
    line_of, operation_of, work_order_list, work_order_overview, work_order_sheet,
)
from capacity.services import change_requests, work_orders
from capacity.uploads import uploads_from
from tenants.errors import DomainError
from tenants.views.base import BrainView

STATUS_ORDER = [WorkOrder.Status.ISSUED, WorkOrder.Status.ACCEPTED, WorkOrder.Status.COMPLETED,
                WorkOrder.Status.DECLINED]


class WorkOrderListView(BrainView):
    """The enterprise's work orders as a supplier and as a buyer, each grouped by status."""

    def get(self, request, brain_slug):
        enterprise_id = self.access.enterprise_id
        orders = list(work_order_overview(brain=self.brain, viewer=self.access))
        sections = []
        for side, label in (("supplier", _("Work orders you make")), ("buyer", _("Work orders you buy"))):
            mine = [o for o in orders if getattr(o, f"{side}_id") == enterprise_id]
            if mine:
                groups = [(WorkOrder.Status(s).label, [o for o in mine if o.status == s]) for s in STATUS_ORDER]
                sections.append({"side": side, "label": label, "groups": [g for g in groups if g[1]]})
        return render(request, "capacity/work_orders/list.html", {"sections": sections})


class WorkOrderView(BrainView):
    def work_order(self, pk) -> WorkOrder:
        visible = work_order_list(brain=self.brain, viewer=self.access).prefetch_related(None)
        return get_object_or_404(visible.select_related("decided_by"), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.work_order(pk))

    def post(self, request, brain_slug, pk):
        work_order = self.work_order(pk)
        handler = {
            "accept": self._accept, "decline": self._decline, "report": self._report, "change": self._ask,
            "change-accept": self._change_accept, "change-reject": self._change_reject,
            "change-withdraw": self._change_withdraw,
        }.get(request.POST.get("action"))
        if handler is None:
            raise Http404
        try:
            message, anchor = handler(work_order)
        except DomainError as error:
            messages.error(request, error.detail)
            return self._render(work_order, status=400)
        messages.success(request, message)
        return HttpResponseRedirect(reverse("capacity:work-order", args=[brain_slug, pk]) + anchor)

    # --- actions: each returns (what to tell, where on the page to go back to) ---------------------------

    def _accept(self, work_order):
        work_orders.work_order_accept(work_order=work_order, by=self.request.user)
        return _("Accepted: the work order is in production. Report progress on each line."), ""

    def _decline(self, work_order):
        data = cleaned(DeclineForm(self.request.POST))
        work_orders.work_order_decline(work_order=work_order, by=self.request.user, reason=data["reason"])
        return _("Declined. The buyer was told your reason."), ""

    def _report(self, work_order):
        data = cleaned(ProgressForm(self.request.POST))
        line = line_of(work_order, data["line"])
        operation = operation_of(brain=self.brain, pk=data["operation"])
        files = self.request.FILES
        uploads = uploads_from([(f, "photo") for f in files.getlist("photos")]
                               + [(f, "inspection") for f in files.getlist("inspection")])
        work_orders.progress_report(
            line=line, operation=operation, by=self.request.user, status=data["status"], percent=data["percent"],
            quantity_done=data["quantity_done"], reason=data["reason"], note=data["note"],
            planned_completion=data["planned_completion"], files=uploads)
        return _("Progress reported: the buyer sees it now."), f"#line-{line.pk}"

    def _ask(self, work_order):
        data = cleaned(ChangeAskForm(self.request.POST))
        line = line_of(work_order, data["line"])
        change_requests.change_request_ask(line=line, by=self.request.user, new_due_date=data["new_due_date"],
                                           new_quantity=data["new_quantity"], reason=data["reason"])
        return _("Change requested: the other side decides."), f"#line-{line.pk}"

    def _change(self, work_order) -> tuple[ChangeRequest, str]:
        data = cleaned(ChangeDecisionForm(self.request.POST))
        changes = change_request_list(brain=self.brain, viewer=self.access).filter(line__work_order=work_order)
        change = get_object_or_404(changes, pk=data["change"])
        return change, data["response"]

    def _change_accept(self, work_order):
        change, response = self._change(work_order)
        change_requests.change_request_accept(change=change, by=self.request.user, response=response)
        return _("Change accepted: the line has its new values."), f"#line-{change.line_id}"

    def _change_reject(self, work_order):
        change, response = self._change(work_order)
        change_requests.change_request_reject(change=change, by=self.request.user, response=response)
        return _("Change rejected."), f"#line-{change.line_id}"

    def _change_withdraw(self, work_order):
        change, _response = self._change(work_order)
        change_requests.change_request_withdraw(change=change, by=self.request.user)
        return _("Change request withdrawn."), f"#line-{change.line_id}"

    def _render(self, work_order, status=200):
        enterprise_id = self.request.user.enterprise_id
        side = "supplier" if enterprise_id == work_order.supplier_id else "buyer"
        acts = self.access.has_role(side) and not self.access.read_only
        in_production = work_order.status == WorkOrder.Status.ACCEPTED
        return render(self.request, "capacity/work_orders/detail.html", {
            "work_order": work_order, "rows": work_order_sheet(work_order=work_order), "side": side,
            "can_decide": acts and side == "supplier" and work_order.status == WorkOrder.Status.ISSUED,
            "can_report": acts and side == "supplier" and in_production,
            "can_change": acts and in_production, "acts": acts,
            "statuses": dict(ProgressReport.Status.choices), "today": timezone.localdate(),
        }, status=status)
