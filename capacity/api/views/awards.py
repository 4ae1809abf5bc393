"""Purchase orders over the API: the RFQ's buyer and the winning supplier."""

from rest_framework import mixins

from capacity.api.filters.awards import PurchaseOrderFilter
from capacity.api.serializers.awards import PurchaseOrderSerializer
from capacity.models import PurchaseOrder
from capacity.selectors.awards import purchase_order_list
from tenants.api.base import BrainScopedViewSet


class PurchaseOrderViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Purchase orders of your RFQs (as the buyer) and your own (as the winning supplier)."""

    queryset = PurchaseOrder.objects.all()
    selector = purchase_order_list
    serializer_class = PurchaseOrderSerializer
    filterset_class = PurchaseOrderFilter
