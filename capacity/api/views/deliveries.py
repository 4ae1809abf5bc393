"""Delivery, acceptance and ratings over the API: `deliveries/`, `delivery-lines/` (with `inspect`).

Who sees what (anything else answers 404): deliveries and their lines, the buyer and the supplier of the work
order. The supplier records deliveries, the buyer inspects (an ERP or MES does the same with its enterprise's API
key). Money is a string with two places; amounts include VAT, `tax` is the VAT inside, `net` the rest."""


from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action

from capacity.api.filters.deliveries import DeliveryFilter, DeliveryLineFilter
from capacity.api.serializers.deliveries import (
    DeliveryCreateSerializer, DeliveryLineSerializer, DeliverySerializer, InspectionSerializer,
)
from capacity.models import Delivery, DeliveryLine
from capacity.selectors.deliveries import delivery_line_list, delivery_list
from capacity.selectors.work_orders import work_order_named
from capacity.services import deliveries
from tenants.api.base import BrainScopedViewSet


@extend_schema_view(
    list=extend_schema(description="Deliveries on work orders you buy or make, newest first, with their lines and "
                                   "inspections."),
)
class DeliveryViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Deliveries (送货): the supplier records one under its delivery note; the buyer inspects its lines."""

    queryset = Delivery.objects.all()
    selector = delivery_list
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter

    @extend_schema(request=DeliveryCreateSerializer, responses={201: DeliverySerializer})
    def create(self, request, brain_slug=None):
        """The supplier records a delivery: pieces per line of one work order in production, each at most what
        the line still owes. A note number already used on the work order is refused (code duplicate)."""
        data = self.valid(DeliveryCreateSerializer)
        delivery = deliveries.delivery_record(
            work_order=work_order_named(brain=request.brain, viewer=self.access, pk=data["work_order"]), by=request.user,
            note_number=data["note_number"], delivered_on=data["delivered_on"], note=data["note"],
            lines={line["line"]: line["quantity"] for line in data["lines"]})
        return self.fresh(delivery, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Delivered lines of work orders you buy or make, with their inspection: the dated "
                                   "facts of the accepted value (filter outcome=pending for what awaits inspection)."),
)
class DeliveryLineViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = DeliveryLine.objects.all()
    selector = delivery_line_list
    serializer_class = DeliveryLineSerializer
    filterset_class = DeliveryLineFilter

    @extend_schema(request=InspectionSerializer, responses=DeliveryLineSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, brain_slug=None, pk=None):
        """The buyer inspects the delivered pieces, once (code already_inspected after): accepted, rejected or
        rework with the refused quantity and a reason. The accepted pieces' value is fixed on the row and added
        to the work order, which completes when every line has its quantity accepted."""
        row = deliveries.delivery_inspect(delivery_line=self.get_object(), by=request.user,
                                          **self.valid(InspectionSerializer))
        return self.fresh(row)
