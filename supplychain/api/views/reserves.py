"""The joint-reserve API (联储联备). Thin: every viewset reads through the selector it declares
(supplychain.selectors.reserves), every write goes through supplychain.services.reserves.

Who sees what (anything else answers 404, like an object that does not exist): reserves and reference prices,
everyone in the brain; shares and drawdowns, operators all and a member its own; replenishments, operators and
the supplier its own orders. Who may act is the services' to decide (403 with the reason).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action

from supplychain.api.filters.reserves import (
    DrawdownFilter, ReferencePriceFilter, ReplenishmentFilter, ReserveFilter, ReserveShareFilter,
)
from supplychain.api.serializers.reserves import (
    DrawdownSerializer, DrawInputSerializer, ReferencePriceInputSerializer, ReferencePriceSerializer,
    ReplenishmentCancelSerializer, ReplenishmentReceiveSerializer, ReplenishmentSerializer,
    ReserveCreateSerializer, ReserveSerializer, ReserveShareSerializer, ShareCommitSerializer,
)
from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare
from supplychain.selectors.reserves import (
    drawdown_list, reference_price_list, replenishment_list, reserve_list, share_list,
)
from supplychain.services import reserves
from tenants.api.base import BrainScopedViewSet

LIST_AND_READ = (mixins.ListModelMixin, mixins.RetrieveModelMixin)


@extend_schema_view(
    list=extend_schema(description="The brain's joint reserves, newest first: stock, the price now (from the latest "
                                   "reference price), the total committed, and your own share."),
    retrieve=extend_schema(description="A joint reserve."),
)
class ReserveViewSet(BrainScopedViewSet, *LIST_AND_READ):
    """Joint reserves (联储联备) of critical materials. Operators set them up and close them; members with a
    share draw from them (reserve-drawdowns)."""

    queryset = Reserve.objects.all()
    selector = reserve_list
    serializer_class = ReserveSerializer
    filterset_class = ReserveFilter

    @extend_schema(request=ReserveCreateSerializer, responses={201: ReserveSerializer})
    def create(self, request, brain_slug=None):
        """Set up a reserve (operators). It starts empty, and its first replenishment, up to `replenish_to`,
        is opened from the supplier at once. Unit price = base_price × (1 + pass_through_percent/100 ×
        (reference − base_reference_price) / base_reference_price), to the fen."""
        data = self.valid(ReserveCreateSerializer)
        reserve = reserves.reserve_create(brain=request.brain, by=request.user, supplier_id=data.pop("supplier"),
                                          **data)
        return self.fresh(reserve, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReserveSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, brain_slug=None, pk=None):
        """No more draws or shares (operators). An open replenishment must be received or cancelled first."""
        return self.fresh(reserves.reserve_close(reserve=self.get_object(), by=request.user))


@extend_schema_view(
    list=extend_schema(description="Operators: every share; a member: its own."),
    retrieve=extend_schema(description="A share: committed, drawn within it, drawn beyond it, remaining."),
)
class ReserveShareViewSet(BrainScopedViewSet, *LIST_AND_READ):
    """Members' committed shares of reserves."""

    queryset = ReserveShare.objects.all()
    selector = share_list
    serializer_class = ReserveShareSerializer
    filterset_class = ReserveShareFilter

    @extend_schema(request=ShareCommitSerializer,
                   responses={201: ReserveShareSerializer, 200: ReserveShareSerializer})
    def create(self, request, brain_slug=None):
        """Commit a member's share (operators): 201 for a new share, 200 when the member's share changed."""
        data = self.valid(ShareCommitSerializer)
        existed = ReserveShare.objects.in_brain(request.brain).filter(reserve=data["reserve"],
                                                                      member_id=data["member"]).exists()
        share = reserves.share_commit(reserve=data["reserve"], by=request.user, member_id=data["member"],
                                      committed=data["committed"])
        return self.fresh(share, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Reference prices of the brain's reserves, latest first."),
    retrieve=extend_schema(description="A reference price, with the reserve's unit price it made."),
)
class ReferencePriceViewSet(BrainScopedViewSet, *LIST_AND_READ):
    """The material's reference prices the operators record: the latest prices every draw from then on."""

    queryset = ReferencePrice.objects.all()
    selector = reference_price_list
    serializer_class = ReferencePriceSerializer
    filterset_class = ReferencePriceFilter

    @extend_schema(request=ReferencePriceInputSerializer,
                   responses={201: ReferencePriceSerializer})
    def create(self, request, brain_slug=None):
        """Record a reference price (operators). Its date may not be in the future nor before the latest's."""
        data = self.valid(ReferencePriceInputSerializer)
        price = reserves.reference_price_record(reserve=data.pop("reserve"), by=request.user, **data)
        return self.fresh(price, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Operators: every drawdown; a member: its own. Newest first."),
    retrieve=extend_schema(description="A drawdown: within and beyond the share, prices, amounts to the fen."),
)
class DrawdownViewSet(BrainScopedViewSet, *LIST_AND_READ):
    """Members' draws from reserves."""

    queryset = Drawdown.objects.all()
    selector = drawdown_list
    serializer_class = DrawdownSerializer
    filterset_class = DrawdownFilter

    @extend_schema(request=DrawInputSerializer, responses={201: DrawdownSerializer})
    def create(self, request, brain_slug=None):
        """Draw from a reserve (a buyer member with a share): what is left of the share first, at the unit price;
        the rest at the surcharge, only from stock no other member's remaining share needs. Refused with
        `insufficient_stock` or `beyond_share_unavailable` (nothing drawn). Send an Idempotency-Key to retry
        safely."""
        data = self.valid(DrawInputSerializer)
        drawdown = reserves.reserve_draw(reserve=data.pop("reserve"), by=request.user, **data)
        return self.fresh(drawdown, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Operators: every replenishment; a supplier: its own orders."),
    retrieve=extend_schema(description="A replenishment order."),
)
class ReplenishmentViewSet(BrainScopedViewSet, *LIST_AND_READ):
    """Orders to a reserve's supplier, opened when its stock fell below the threshold (one open at a time)."""

    queryset = Replenishment.objects.all()
    selector = replenishment_list
    serializer_class = ReplenishmentSerializer
    filterset_class = ReplenishmentFilter

    @extend_schema(request=ReplenishmentReceiveSerializer, responses=ReplenishmentSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, brain_slug=None, pk=None):
        """The goods arrived (operators): at most the quantity ordered, at the supplier's unit cost. If the stock
        is still below the threshold, the next replenishment opens for the rest."""
        data = self.valid(ReplenishmentReceiveSerializer)
        return self.fresh(reserves.replenishment_receive(replenishment=self.get_object(), by=request.user, **data))

    @extend_schema(request=ReplenishmentCancelSerializer, responses=ReplenishmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        """Call an open replenishment off (operators), with the reason."""
        data = self.valid(ReplenishmentCancelSerializer)
        return self.fresh(reserves.replenishment_cancel(replenishment=self.get_object(), by=request.user, **data))
