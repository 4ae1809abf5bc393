"""Early payments over the API: what was paid early (a bank's portfolio, a supplier's money, a buyer's discounts)
and a buyer's maturity calendar."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from finance.api.filters.early_payments import EarlyPaymentFilter
from finance.api.serializers.early_payments import (
    EarlyPaymentSerializer,
    MaturitySerializer,
    PeriodSerializer,
)
from finance.models import EarlyPayment
from finance.selectors.early_payments import early_payment_list, maturity_calendar
from tenants.api.base import BrainScopedViewSet

PERIOD = [OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: today)."),
          OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: 90 days on).")]


def period_of(request, *, start, end) -> tuple:
    """`start` and `end` from the query (400 naming a bad one), else the defaults given."""
    serializer = PeriodSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("start", start), serializer.validated_data.get("end", end)


class EarlyPaymentViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Claims paid early: those you paid (a buyer's discounts, a bank's portfolio), were paid, or owe (operators:
    all). A bank's price is shown to the bank and its supplier only."""

    queryset = EarlyPayment.objects.all()
    selector = early_payment_list
    serializer_class = EarlyPaymentSerializer
    filterset_class = EarlyPaymentFilter

    @extend_schema(parameters=PERIOD, responses=MaturitySerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def maturities(self, request, brain_slug=None):
        """Your maturity calendar: what you owe by due date, and whom you pay then (the creditor or holder, or the
        bank that financed the claim)."""
        today = timezone.localdate()
        start, end = period_of(request, start=today, end=today + timedelta(days=90))
        rows = maturity_calendar(brain=request.brain, viewer=self.access, start=start, end=end)
        return Response(MaturitySerializer(rows, many=True).data)
