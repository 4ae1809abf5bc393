"""The printable purchase order, for the buyer that issued it and the supplier that received it."""

from django.shortcuts import get_object_or_404, render

from capacity.selectors.awards import purchase_order_list, purchase_order_sheet
from tenants.views.base import BrainView


class PurchaseOrderView(BrainView):
    """Printable: for the buyer that issued it and the supplier that received it."""

    def get(self, request, brain_slug, pk):
        orders = purchase_order_list(brain=self.brain, viewer=self.access).select_related("issued_by")
        order = get_object_or_404(orders.prefetch_related(None), pk=pk)
        return render(request, "capacity/awards/purchase_order.html", purchase_order_sheet(order=order))
