"""Supplier profiles over the API: the brain's capacity map, and a supplier's own profile."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from capacity.api.filters.profiles import SupplierProfileFilter
from capacity.api.serializers.profiles import SupplierProfileInputSerializer, SupplierProfileSerializer
from capacity.models import SupplierProfile
from capacity.selectors.profiles import own_supplier_profile, supplier_profile_list
from capacity.services import profiles
from tenants.api.base import BrainScopedViewSet


class SupplierProfileViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The brain's capacity map: every active supplier's processes, free hours, machines and materials."""

    queryset = SupplierProfile.objects.all()
    selector = supplier_profile_list
    serializer_class = SupplierProfileSerializer
    filterset_class = SupplierProfileFilter

    @extend_schema(methods=["GET"], responses=SupplierProfileSerializer,
                   description="Your enterprise's own profile in this brain (404 until it has one).")
    @extend_schema(methods=["PUT"], request=SupplierProfileInputSerializer,
                   responses=SupplierProfileSerializer,
                   description="Replace your profile whole: capacities and machines replace the stored ones. "
                               "Supplier members only.")
    @action(detail=False, methods=["get", "put"])
    def mine(self, request, brain_slug=None):
        if request.method == "PUT":
            profiles.profile_save(brain=request.brain, by=request.user,
                                  **self.valid(SupplierProfileInputSerializer))
        profile = own_supplier_profile(brain=request.brain, enterprise_id=self.enterprise_id)
        if profile is None:
            raise exceptions.NotFound()
        return Response(SupplierProfileSerializer(profile).data)
