"""Nettings over the API: operators propose (or preview) a window and may withdraw; each party reads its position
and its netted payables and confirms or rejects; the last confirmation settles."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from finance.api.filters.nettings import NettingFilter, NettingLegFilter, NettingPositionFilter
from finance.api.serializers.nettings import (
    NettingLegSerializer,
    NettingPlanSerializer,
    NettingPositionSerializer,
    NettingProposeSerializer,
    NettingReasonSerializer,
    NettingSerializer,
    NettingWindowSerializer,
)
from finance.models import Netting, NettingLeg, NettingParty
from finance.selectors.nettings import netting_leg_list, netting_list, netting_party_list
from finance.services import nettings
from tenants.api.base import BrainScopedViewSet


class NettingViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Netting proposals and their totals: the ones you are a party to (operators and government viewers: all)."""

    queryset = Netting.objects.all()
    selector = netting_list
    serializer_class = NettingSerializer
    filterset_class = NettingFilter

    @extend_schema(request=NettingProposeSerializer, responses={201: NettingSerializer})
    def create(self, request, brain_slug=None):
        """An operator proposes netting the confirmed payables due in a window, as much as can be netted; every
        party is asked to confirm. 400 `nothing_to_net` if no cycle of debts is there."""
        made = nettings.netting_propose(brain=request.brain, by=request.user, **self.valid(NettingProposeSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=NettingWindowSerializer, responses=NettingPlanSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request, brain_slug=None):
        """What proposing this window would net now, proposing nothing (operators)."""
        plan = nettings.netting_preview(brain=request.brain, by=request.user, **self.valid(NettingWindowSerializer))
        return Response(NettingPlanSerializer(plan).data)

    @extend_schema(request=None, responses=NettingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, brain_slug=None, pk=None):
        """A party confirms its position; the last confirmation settles the netting (send an Idempotency-Key)."""
        return self.fresh(nettings.netting_confirm(netting=self.get_object(), by=request.user))

    @extend_schema(request=NettingReasonSerializer, responses=NettingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        """A party rejects the netting, saying why: it is void."""
        return self.fresh(nettings.netting_reject(netting=self.get_object(), by=request.user,
                                                  **self.valid(NettingReasonSerializer)))

    @extend_schema(request=NettingReasonSerializer, responses=NettingSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The operator withdraws a proposal that waits for answers."""
        return self.fresh(nettings.netting_withdraw(netting=self.get_object(), by=request.user,
                                                    **self.valid(NettingReasonSerializer)))


class NettingPositionViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Positions in nettings, before and after: your own (operators: every party's)."""

    queryset = NettingParty.objects.all()
    selector = netting_party_list
    serializer_class = NettingPositionSerializer
    filterset_class = NettingPositionFilter


class NettingLegViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Netted payables: those you owe or are owed (operators: all), with the payable still owed for the rest."""

    queryset = NettingLeg.objects.all()
    selector = netting_leg_list
    serializer_class = NettingLegSerializer
    filterset_class = NettingLegFilter
