"""Delivery, acceptance and ratings over the API: `deliveries/`, `delivery-lines/` (with `inspect`) and `ratings/`.

Who sees what (anything else answers 404): deliveries and their lines, the buyer and the supplier of the work
order; ratings, the buyer that gave them and the supplier that received them. The supplier records deliveries,
the buyer inspects and rates (an ERP or MES does the same with its enterprise's API key). Money is a string
with two places; amounts include VAT, `tax` is the VAT inside, `net` the rest.
"""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from capacity import selectors
from capacity.api.serializers import EnterpriseBriefSerializer
from capacity.api.views import CapacityViewSet
from capacity.models import Delivery, DeliveryLine, SupplierRating
from capacity.services import deliveries, ratings
from tenants.errors import DomainError

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}

# --- Serializers ------------------------------------------------------------------------------------


class DeliveryLineSerializer(serializers.ModelSerializer):
    """Pieces of one work-order line in a delivery, and their inspection (pending until the buyer inspects)."""

    work_order = serializers.IntegerField(source="delivery.work_order_id", read_only=True)
    note_number = serializers.CharField(source="delivery.note_number", read_only=True)
    delivered_on = serializers.DateField(source="delivery.delivered_on", read_only=True)
    part_no = serializers.CharField(source="line.part.part_no", read_only=True)
    name = serializers.CharField(source="line.part.name", read_only=True)
    process = serializers.SerializerMethodField(help_text=gettext_lazy(
        "The tendered operation's process, or null for the whole part."))
    unit_price = serializers.DecimalField(source="line.unit_price", help_text=gettext_lazy("VAT included."), **MONEY)
    vat_rate = serializers.DecimalField(source="line.vat_rate", max_digits=4, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(help_text=gettext_lazy(
        "Accepted pieces × unit_price, VAT included; fixed at inspection."), **MONEY)
    tax = serializers.DecimalField(help_text=gettext_lazy("The VAT inside amount, to the fen."), **MONEY)
    net = serializers.SerializerMethodField(help_text=gettext_lazy("amount − tax."))
    inspected_on = serializers.DateField(source="accepted_on", read_only=True, allow_null=True)
    inspected_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = DeliveryLine
        fields = ["id", "delivery", "work_order", "note_number", "delivered_on", "line", "part_no", "name", "process",
                  "quantity", "outcome", "accepted_quantity", "rejected_quantity", "reason", "unit_price", "vat_rate",
                  "amount", "tax", "net", "inspected_on", "inspected_by", "inspected_at"]
        read_only_fields = fields

    def get_process(self, row) -> str | None:
        return row.line.operation.process.code if row.line.operation_id else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_net(self, row):
        return f"{row.amount - row.tax:.2f}"


class DeliverySerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="work_order.purchase_order.number", read_only=True,
                                   help_text=gettext_lazy("The work order's purchase order number."))
    recorded_by = serializers.StringRelatedField(read_only=True)
    lines = DeliveryLineSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "work_order", "number", "note_number", "delivered_on", "note", "recorded_by", "recorded_at",
                  "lines"]
        read_only_fields = fields


class DeliveredLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=gettext_lazy("A line of this work order."))
    quantity = serializers.IntegerField(min_value=1, help_text=gettext_lazy(
        "Pieces delivered: at most what the line still owes (never delivered, or refused at inspection)."))


class DeliveryCreateSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(help_text=gettext_lazy("A work order in production that you make."))
    note_number = serializers.CharField(max_length=40, help_text=gettext_lazy(
        "The delivery note number (送货单号), once per work order."))
    delivered_on = serializers.DateField(help_text=gettext_lazy("Not in the future."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    lines = DeliveredLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        ids = [line["line"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Each line may appear once in a delivery."))
        return lines


class InspectionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in DeliveryLine.Outcome.choices if c[0] != "pending"],
                                      help_text=gettext_lazy(
                                          "accepted: every piece; rejected: rejected_quantity pieces are scrapped and "
                                          "owed again; rework: they go back for rework and are owed again."))
    rejected_quantity = serializers.IntegerField(min_value=0, required=False, default=0, help_text=gettext_lazy(
        "For rejected or rework: 1 to the pieces delivered; the rest are accepted."))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=gettext_lazy("Required for rejected or rework: the supplier reads it."))
    inspected_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text=gettext_lazy("Default today; not before the delivery."))


class RatingSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="work_order.purchase_order.number", read_only=True,
                                   help_text=gettext_lazy("The work order's purchase order number."))
    supplier = EnterpriseBriefSerializer(read_only=True)
    score = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True,
                                     help_text=gettext_lazy("The mean of the three, of 5."))

    class Meta:
        model = SupplierRating
        fields = ["id", "work_order", "number", "supplier", "quality", "on_time", "communication", "score", "comment",
                  "rated_at"]
        read_only_fields = fields


class RatingCreateSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(help_text=gettext_lazy("A completed work order that you bought."))
    quality = serializers.IntegerField(min_value=1, max_value=5)
    on_time = serializers.IntegerField(min_value=1, max_value=5, help_text=gettext_lazy("On-time delivery."))
    communication = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- Filters ----------------------------------------------------------------------------------------


class DeliveryFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="work_order")

    class Meta:
        model = Delivery
        fields = ["work_order"]


class DeliveryLineFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="delivery__work_order")
    delivery = django_filters.NumberFilter(field_name="delivery")
    line = django_filters.NumberFilter(field_name="line", label=gettext_lazy("Work-order line (its id)"))
    outcome = django_filters.ChoiceFilter(choices=DeliveryLine.Outcome.choices)

    class Meta:
        model = DeliveryLine
        fields = ["work_order", "delivery", "line", "outcome"]


class RatingFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="work_order")
    supplier = django_filters.NumberFilter(field_name="supplier", label=gettext_lazy("Supplier enterprise (its id)"))

    class Meta:
        model = SupplierRating
        fields = ["work_order", "supplier"]


# --- Views ------------------------------------------------------------------------------------------


def _work_order_of(request, pk: int):
    work_order = selectors.work_order_list(brain=request.brain, enterprise_id=request.user.enterprise_id).filter(
        pk=pk).prefetch_related(None).first()
    if work_order is None:
        raise DomainError(_("No such work order of yours."), code="not_found", field="work_order")
    return work_order


@extend_schema_view(
    list=extend_schema(description="Deliveries on work orders you buy or make, newest first, with their lines and "
                                   "inspections."),
)
class DeliveryViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Deliveries (送货): the supplier records one under its delivery note; the buyer inspects its lines."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter

    def visible(self):
        return selectors.delivery_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(request=DeliveryCreateSerializer, responses={201: DeliverySerializer})
    def create(self, request, brain_slug=None):
        """The supplier records a delivery: pieces per line of one work order in production, each at most what
        the line still owes. A note number already used on the work order is refused (code duplicate)."""
        data = self.valid(DeliveryCreateSerializer)
        delivery = deliveries.delivery_record(
            work_order=_work_order_of(request, data["work_order"]), by=request.user,
            note_number=data["note_number"], delivered_on=data["delivered_on"], note=data["note"],
            lines={line["line"]: line["quantity"] for line in data["lines"]})
        return Response(self.get_serializer(self.visible().get(pk=delivery.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Delivered lines of work orders you buy or make, with their inspection: the dated "
                                   "facts of the accepted value (filter outcome=pending for what awaits inspection)."),
)
class DeliveryLineViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = DeliveryLine.objects.all()
    serializer_class = DeliveryLineSerializer
    filterset_class = DeliveryLineFilter

    def visible(self):
        return selectors.delivery_line_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(request=InspectionSerializer, responses=DeliveryLineSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, brain_slug=None, pk=None):
        """The buyer inspects the delivered pieces, once (code already_inspected after): accepted, rejected or
        rework with the refused quantity and a reason. The accepted pieces' value is fixed on the row and added
        to the work order, which completes when every line has its quantity accepted."""
        row = deliveries.delivery_inspect(delivery_line=self.get_object(), by=request.user,
                                          **self.valid(InspectionSerializer))
        return Response(self.get_serializer(self.visible().get(pk=row.pk)).data)


@extend_schema_view(
    list=extend_schema(description="Ratings you gave as a buyer and received as a supplier, newest first."),
)
class RatingViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = SupplierRating.objects.all()
    serializer_class = RatingSerializer
    filterset_class = RatingFilter

    def visible(self):
        return selectors.rating_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(request=RatingCreateSerializer, responses={201: RatingSerializer})
    def create(self, request, brain_slug=None):
        """The buyer rates a completed work order once (code already_rated after): quality, on-time delivery and
        communication, 1 to 5. The supplier's record (rating, on-time rate, first-pass yield) follows."""
        data = dict(self.valid(RatingCreateSerializer))
        rating = ratings.work_order_rate(work_order=_work_order_of(request, data.pop("work_order")), by=request.user,
                                         **data)
        return Response(self.get_serializer(self.visible().get(pk=rating.pk)).data, status=status.HTTP_201_CREATED)
