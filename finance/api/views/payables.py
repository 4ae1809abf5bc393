"""Payables over the API: the debtor confirms (whole or the undisputed part) and pays; the creditor waives a
disputed rest."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from finance.api.filters.payables import PayableFilter
from finance.api.serializers.payables import (
    PayableConfirmSerializer, PayableSerializer, PayableWaiveSerializer, PaymentSerializer,
)
from finance.models import Payable
from finance.selectors.payables import payable_list
from finance.services import payables
from tenants.api.base import BrainScopedViewSet


class PayableViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """What buyers owe suppliers for accepted deliveries: yours as debtor or creditor (operators: all)."""

    queryset = Payable.objects.all()
    selector = payable_list
    serializer_class = PayableSerializer
    filterset_class = PayableFilter

    @extend_schema(request=PayableConfirmSerializer, responses=PayableSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, brain_slug=None, pk=None):
        """The debtor confirms (确权) the whole payable, or an undisputed `amount` with a `reason` for the rest,
        which becomes a disputed payable of its own."""
        return self.fresh(payables.payable_confirm(payable=self.get_object(), by=request.user,
                                                   **self.valid(PayableConfirmSerializer)))

    @extend_schema(request=PayableWaiveSerializer, responses=PayableSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request, brain_slug=None, pk=None):
        """The creditor gives up a disputed payable."""
        return self.fresh(payables.payable_waive(payable=self.get_object(), by=request.user,
                                                 **self.valid(PayableWaiveSerializer)))

    @extend_schema(request=PaymentSerializer, responses=PayableSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, brain_slug=None, pk=None):
        """The debtor records that it paid a confirmed payable in full (send an Idempotency-Key)."""
        return self.fresh(payables.payable_pay(payable=self.get_object(), by=request.user,
                                               **self.valid(PaymentSerializer)))
