"""The deliveries page of a work order: the supplier records deliveries, the buyer inspects them and, once the
work order is completed, rates it. Both parties see the accepted value so far. Thin: services do the work."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from capacity.forms.deliveries import DeliveryForm, InspectionForm
from capacity.forms.ratings import RatingForm
from capacity.models import WorkOrder
from capacity.selectors.deliveries import delivery_line_list, delivery_sheet
from capacity.selectors.work_orders import work_order_list
from capacity.services import deliveries, ratings
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class WorkOrderDeliveriesView(BrainView):
    """For the work order's buyer and supplier only; anyone else gets 404."""

    def work_order(self, pk) -> WorkOrder:
        return get_object_or_404(work_order_list(brain=self.brain, viewer=self.access).prefetch_related(None), pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.work_order(pk))

    def post(self, request, brain_slug, pk):
        work_order = self.work_order(pk)
        action = request.POST.get("action")
        forms = {}
        try:
            if action == "deliver":
                form = forms["delivery_form"] = DeliveryForm(
                    request.POST, lines=list(work_order.lines.select_related("part")))
                if form.is_valid():
                    delivery = self._run(form, lambda: deliveries.delivery_record(
                        work_order=work_order, by=request.user, note_number=form.cleaned_data["note_number"],
                        delivered_on=form.cleaned_data["delivered_on"], note=form.cleaned_data["note"],
                        lines=form.quantities()))
                    if delivery:
                        messages.success(request, _("Delivery %(number)s recorded: the buyer will inspect it.") % {
                            "number": delivery.note_number})
                        return self._back(work_order)
            elif action == "inspect":
                form = InspectionForm(request.POST)
                if form.is_valid():
                    rows = delivery_line_list(brain=self.brain, viewer=self.access).filter(delivery__work_order=work_order)
                    row = get_object_or_404(rows, pk=form.cleaned_data["delivery_line"])
                    forms["inspection_forms"] = {row.pk: form}
                    done = self._run(form, lambda: deliveries.delivery_inspect(
                        delivery_line=row, by=request.user, outcome=form.cleaned_data["outcome"],
                        rejected_quantity=form.cleaned_data["rejected_quantity"] or 0,
                        reason=form.cleaned_data["reason"]))
                    if done:
                        messages.success(request, _("Inspection recorded."))
                        return self._back(work_order)
                else:
                    messages.error(request, _("Choose an outcome."))
                    return self._back(work_order)
            elif action == "rate":
                form = forms["rating_form"] = RatingForm(request.POST)
                if form.is_valid() and self._run(form, lambda: ratings.work_order_rate(
                        work_order=work_order, by=request.user, **form.cleaned_data)):
                    messages.success(request, _("Thank you: your rating is on the supplier's record."))
                    return self._back(work_order)
            else:
                raise Http404
        except DomainError as error:  # not allowed: said on the page, nothing changed
            messages.error(request, error.detail)
            return self._back(work_order)
        return self._render(work_order, status=400, **forms)

    @staticmethod
    def _run(form, call):
        """Call the service; a refusal of the input goes on the form (an authorisation refusal propagates)."""
        try:
            return call()
        except DomainError as error:
            if error.status == 403:
                raise
            form_error(form, error)
            return None

    def _back(self, work_order):
        return HttpResponseRedirect(reverse("capacity:work-order-deliveries", args=[self.brain.slug, work_order.pk]))

    def _render(self, work_order, status=200, delivery_form=None, inspection_forms=None, rating_form=None):
        enterprise_id = self.request.user.enterprise_id
        sheet = delivery_sheet(work_order)
        is_buyer, is_supplier = enterprise_id == work_order.buyer_id, enterprise_id == work_order.supplier_id
        inspection_forms = inspection_forms or {}
        in_production = work_order.status == WorkOrder.Status.ACCEPTED
        return render(self.request, "capacity/deliveries/work_order.html", {
            **sheet, "work_order": work_order, "is_buyer": is_buyer, "is_supplier": is_supplier,
            "delivery_form": (delivery_form or DeliveryForm(lines=sheet["lines"]))
            if is_supplier and in_production else None,
            "to_inspect": [(row, inspection_forms.get(row.pk) or InspectionForm(
                initial={"delivery_line": row.pk, "outcome": "accepted"})) for row in sheet["pending"]]
            if is_buyer and work_order.status in (WorkOrder.Status.ACCEPTED, WorkOrder.Status.COMPLETED) else [],
            "rating_form": (rating_form or RatingForm())
            if is_buyer and work_order.status == WorkOrder.Status.COMPLETED and sheet["rating"] is None else None,
        }, status=status)

