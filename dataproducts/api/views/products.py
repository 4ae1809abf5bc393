"""The catalogue over the API: every member and government viewer reads the listed products (operators all, drafts
and retired ones too); operators create and update them and set the brain's privacy rule (`settings`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dataproducts.api.filters.products import DataProductFilter
from dataproducts.api.serializers.products import (
    DataProductCreateSerializer,
    DataProductDetailSerializer,
    DataProductSerializer,
    DataProductSettingsSaveSerializer,
    DataProductSettingsSerializer,
    DataProductUpdateSerializer,
)
from dataproducts.models import DataProduct
from dataproducts.selectors.products import product_list, settings_for
from dataproducts.services import products
from dataproducts.services.settings import data_product_settings_save
from tenants.api.base import BrainScopedViewSet


class DataProductViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The brain's data products: fields, refresh schedule, price, access and rule; the detail adds a sample of
    the latest published revision's first rows (published rows only)."""

    queryset = DataProduct.objects.all()
    selector = product_list
    serializer_class = DataProductSerializer
    filterset_class = DataProductFilter

    def get_serializer_class(self):
        return DataProductDetailSerializer if self.action == "retrieve" else DataProductSerializer

    @extend_schema(request=DataProductCreateSerializer, responses={201: DataProductDetailSerializer})
    def create(self, request, brain_slug=None):
        """An operator adds a product from a definition, in draft until listed."""
        made = products.product_create(brain=request.brain, by=request.user, **self.valid(DataProductCreateSerializer))
        return Response(DataProductDetailSerializer(made, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=DataProductUpdateSerializer, responses=DataProductDetailSerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """An operator changes names, description, access, prices or rule, or lists or retires the product."""
        changed = products.product_update(product=self.get_object(), by=request.user,
                                          **self.valid(DataProductUpdateSerializer))
        return Response(DataProductDetailSerializer(changed, context=self.get_serializer_context()).data)

    @extend_schema(methods=["get"], request=None, responses=DataProductSettingsSerializer)
    @extend_schema(methods=["put"], request=DataProductSettingsSaveSerializer, responses=DataProductSettingsSerializer)
    @action(detail=False, methods=["get", "put"], url_path="settings", url_name="settings", pagination_class=None,
            filter_backends=[])
    def privacy_settings(self, request, brain_slug=None):  # not `settings`: APIView.settings holds DRF's own
        """The brain's privacy rule (defaults: 5 enterprises, 60 %); operators set it (PUT)."""
        if request.method == "PUT":
            saved = data_product_settings_save(brain=request.brain, by=request.user,
                                               **self.valid(DataProductSettingsSaveSerializer))
            return Response(DataProductSettingsSerializer(saved).data)
        return Response(DataProductSettingsSerializer(settings_for(request.brain)).data)
