"""What an enterprise's data fed, and its opt-outs, over the API: a member reads its own (operators any member's);
an enterprise's administrator opts out of a product that is not required (POST) and back in (DELETE)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from dataproducts.api.filters.products import ContributionFilter, OptOutFilter
from dataproducts.api.serializers.consents import (
    ContributionSerializer,
    OptOutMakeSerializer,
    OptOutSerializer,
)
from dataproducts.models import Contribution, OptOut
from dataproducts.selectors.consents import contribution_list, opt_out_list
from dataproducts.selectors.products import product_list
from dataproducts.services import consents
from tenants.api.base import BrainScopedViewSet


class ContributionViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Per published revision, how many of your records it used and how many of its cells they fed (published or
    suppressed)."""

    queryset = Contribution.objects.all()
    selector = contribution_list
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter


class OptOutViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = OptOut.objects.all()
    selector = opt_out_list
    serializer_class = OptOutSerializer
    filterset_class = OptOutFilter

    @extend_schema(request=OptOutMakeSerializer, responses={201: OptOutSerializer})
    def create(self, request, brain_slug=None):
        """Keep your enterprise's records out of the product's next revisions (400 `required` if the brain's rules
        require it)."""
        product = get_object_or_404(product_list(brain=request.brain, viewer=self.access),
                                    pk=self.valid(OptOutMakeSerializer)["product"])
        return self.fresh(consents.opt_out(product=product, by=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Opt back in: the next revisions may use your records again."""
        opted = self.get_object()
        consents.opt_in(product=opted.product, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
