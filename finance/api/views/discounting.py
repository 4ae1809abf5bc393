"""Dynamic discounting over the API: a buyer opens, clears by hand and closes its programme and reads its
rollforward; a supplier previews, makes, changes and withdraws offers; clearing runs to read."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from finance.api.filters.discounting import ClearingRunFilter, DiscountOfferFilter, DiscountProgrammeFilter
from finance.api.serializers.discounting import (
    ClearingRunSerializer,
    DiscountOfferMakeSerializer,
    DiscountOfferSerializer,
    DiscountPreviewSerializer,
    DiscountProgrammeOpenSerializer,
    DiscountProgrammeSerializer,
    OfferRateSerializer,
    RollforwardSerializer,
)
from finance.api.views.early_payments import PERIOD, period_of
from finance.models import ClearingRun, DiscountOffer, DiscountProgramme
from finance.selectors.certificates import certificate_list
from finance.selectors.discounting import (
    clearing_run_list,
    discount_offer_list,
    discount_programme_list,
    programme_rollforward,
)
from finance.selectors.payables import payable_list
from finance.services import discounting
from tenants.api.base import BrainScopedViewSet
from tenants.errors import DomainError


class DiscountProgrammeViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Programmes of cash to pay claims early: your own (a buyer), those of buyers that owe you (a supplier);
    operators: all. The cash is shown to the buyer and operators only."""

    queryset = DiscountProgramme.objects.all()
    selector = discount_programme_list
    serializer_class = DiscountProgrammeSerializer
    filterset_class = DiscountProgrammeFilter

    @extend_schema(request=DiscountProgrammeOpenSerializer, responses={201: DiscountProgrammeSerializer})
    def create(self, request, brain_slug=None):
        """A buyer opens a programme: cash over a period, a daily cut-off, a hurdle rate, a posted rate."""
        made = discounting.discount_programme_open(brain=request.brain, by=request.user,
                                                   **self.valid(DiscountProgrammeOpenSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DiscountProgrammeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, brain_slug=None, pk=None):
        """The buyer closes its programme: no more clearings; open offers lapse."""
        return self.fresh(discounting.discount_programme_close(programme=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=ClearingRunSerializer)
    @action(detail=True, methods=["post"])
    def clear(self, request, brain_slug=None, pk=None):
        """The buyer clears its programme now, by hand: once per minute (again, the same run answers)."""
        run = discounting.discount_clearing_run(programme=self.get_object(), by=request.user)
        row = clearing_run_list(brain=request.brain, viewer=self.access).get(pk=run.pk)
        return Response(ClearingRunSerializer(row, context=self.get_serializer_context()).data)

    @extend_schema(parameters=PERIOD, responses=RollforwardSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def rollforward(self, request, brain_slug=None):
        """Per buyer, from the journal: owed at the start, confirmed, paid at maturity, paid early at a discount,
        owed at the end; and the face banks financed (default: this month to today)."""
        today = timezone.localdate()
        start, end = period_of(request, start=date(today.year, today.month, 1), end=today)
        rows = programme_rollforward(brain=request.brain, viewer=self.access, start=start, end=end)
        return Response(RollforwardSerializer(rows, many=True).data)


def claim_named(viewset, data: dict) -> dict:
    """The payable or certificate a body names, read through what the caller may see (400 otherwise)."""
    claims = {}
    if data.get("payable"):
        claims["payable"] = payable_list(brain=viewset.request.brain, viewer=viewset.access).filter(
            pk=data["payable"]).first()
        if claims["payable"] is None:
            raise DomainError(_("No such payable of yours."), field="payable")
    if data.get("certificate"):
        claims["certificate"] = certificate_list(brain=viewset.request.brain, viewer=viewset.access).filter(
            pk=data["certificate"]).first()
        if claims["certificate"] is None:
            raise DomainError(_("No such certificate of yours."), field="certificate")
    return claims


class DiscountOfferViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Offers to be paid early at a discount: yours (a supplier), those on your programmes (a buyer); operators:
    all."""

    queryset = DiscountOffer.objects.all()
    selector = discount_offer_list
    serializer_class = DiscountOfferSerializer
    filterset_class = DiscountOfferFilter

    def programme_named(self, data) -> DiscountProgramme:
        programme = discount_programme_list(brain=self.request.brain, viewer=self.access).filter(
            pk=data.pop("programme")).first()
        if programme is None:
            raise DomainError(_("No such programme open to you."), field="programme")
        return programme

    @extend_schema(request=DiscountOfferMakeSerializer, responses={201: DiscountOfferSerializer})
    def create(self, request, brain_slug=None):
        """Offer a discount on a `payable` or `certificate` owed to you by the programme's buyer, or `recurring` on
        every payable it confirms to you from now on; at or above the posted rate it clears at once."""
        data = self.valid(DiscountOfferMakeSerializer)
        programme = self.programme_named(data)
        made = discounting.discount_offer_make(programme=programme, by=request.user, recurring=data["recurring"],
                                               apr=data["apr"], percent=data["percent"], **claim_named(self, data))
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=DiscountOfferMakeSerializer, responses=DiscountPreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request, brain_slug=None):
        """What an offer would give you before you make it: the discount, the money, the day and the rate a year."""
        data = self.valid(DiscountOfferMakeSerializer)
        programme = self.programme_named(data)
        preview = discounting.discount_preview(programme=programme, by=request.user, apr=data["apr"],
                                               percent=data["percent"], **claim_named(self, data))
        return Response(DiscountPreviewSerializer(DiscountPreviewSerializer.of(preview)).data)

    @extend_schema(request=OfferRateSerializer, responses=DiscountOfferSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, brain_slug=None, pk=None):
        """Change your open offer's rate (it then ranks from now among equal rates)."""
        return self.fresh(discounting.discount_offer_change(offer=self.get_object(), by=request.user,
                                                            **self.valid(OfferRateSerializer)))

    @extend_schema(request=None, responses=DiscountOfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """Withdraw your open offer: you are paid in full at maturity."""
        return self.fresh(discounting.discount_offer_withdraw(offer=self.get_object(), by=request.user))


class ClearingRunViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Clearings of your programmes (operators: all): when, the cash before, what cleared, what did not fit."""

    queryset = ClearingRun.objects.all()
    selector = clearing_run_list
    serializer_class = ClearingRunSerializer
    filterset_class = ClearingRunFilter
