"""Ratings over the API: the buyer that gave them and the supplier that received them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status

from capacity.api.filters.ratings import RatingFilter
from capacity.api.serializers.ratings import RatingCreateSerializer, RatingSerializer
from capacity.models import SupplierRating
from capacity.selectors.ratings import rating_list
from capacity.selectors.work_orders import work_order_named
from capacity.services import ratings
from tenants.api.base import BrainScopedViewSet


@extend_schema_view(
    list=extend_schema(description="Ratings you gave as a buyer and received as a supplier, newest first."),
)
class RatingViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = SupplierRating.objects.all()
    selector = rating_list
    serializer_class = RatingSerializer
    filterset_class = RatingFilter

    @extend_schema(request=RatingCreateSerializer, responses={201: RatingSerializer})
    def create(self, request, brain_slug=None):
        """The buyer rates a completed work order once (code already_rated after): quality, on-time delivery and
        communication, 1 to 5. The supplier's record (rating, on-time rate, first-pass yield) follows."""
        data = dict(self.valid(RatingCreateSerializer))
        rating = ratings.work_order_rate(work_order=work_order_named(brain=request.brain, viewer=self.access, pk=data.pop("work_order")), by=request.user,
                                         **data)
        return self.fresh(rating, status.HTTP_201_CREATED)
