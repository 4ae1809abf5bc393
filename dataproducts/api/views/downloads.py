"""The rows read and the downloads over the API (API keys and sessions alike): a product's published revision, the
latest or `?revision=<number>`, a page of rows at a time, filterable by the product's published dimensions only.
Every read checks the entitlement; a subscriber's read is metered once per Idempotency-Key (send one to retry
safely), every download too."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from dataproducts import downloads
from dataproducts.api.serializers.downloads import (
    PublishedRowSerializer,
    RowsPageSerializer,
    RowsRevisionSerializer,
)
from dataproducts.models import DataProduct, UsageRecord
from dataproducts.selectors.subscriptions import readable_product_list
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD, XLSX, attachment
from tenants.api.idempotency import HEADER

RESERVED = {"page", "page_size", "revision", "format"}
REVISION = OpenApiParameter("revision", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                            description="A published revision's number; the latest published one if left out.")
KEY = OpenApiParameter(HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                       description="Any unique string (a UUID): a read repeated with the same key is metered once.")
FILTERS = ("Filter by any of the product's published dimensions, `<dimension>=<value>` (its `columns` say which); "
           "any other parameter is refused.")


class RowsPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class DataProductRowsViewSet(BrainScopedViewSet, mixins.RetrieveModelMixin):
    """A product's published rows (`id`: the product), for whoever may read it now: any member for an open
    product; a subscription in force otherwise; operators and government viewers always, unmetered."""

    queryset = DataProduct.objects.all()
    selector = readable_product_list
    pagination_class = RowsPagination
    filter_backends = []

    def key(self) -> str:
        return self.request.headers.get(HEADER, "")

    @extend_schema(parameters=[REVISION, KEY, OpenApiParameter("page", OpenApiTypes.INT, required=False),
                               OpenApiParameter("page_size", OpenApiTypes.INT, required=False)],
                   responses=RowsPageSerializer, description=FILTERS)
    def retrieve(self, request, brain_slug=None, pk=None):
        """A page of the revision's rows (403 `not_entitled` without access now)."""
        product = self.get_object()
        downloads.require_read(product=product, viewer=self.access)
        revision = downloads.published_revision(product=product, number=request.query_params.get("revision"))
        filters = downloads.dimension_filters(revision, {name: value for name, value in request.query_params.items()
                                                         if name not in RESERVED})
        page = self.paginate_queryset(downloads.filtered_rows(revision, filters))
        downloads.meter(product=product, viewer=self.access, kind=UsageRecord.Kind.CALL, rows=len(page),
                        revision=revision, idempotency_key=self.key())
        return Response({
            "product": product.pk, "revision": RowsRevisionSerializer(revision).data,
            "columns": [asdict(column) for column in downloads.columns(revision)],
            "count": self.paginator.page.paginator.count, "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(), "results": PublishedRowSerializer(page, many=True).data})

    def _download(self, kind):
        content, name = downloads.download(product=self.get_object(), viewer=self.access, kind=kind,
                                           number=self.request.query_params.get("revision"), idempotency_key=self.key())
        return attachment(content, name, XLSX if kind == "xlsx" else "text/csv; charset=utf-8")

    @extend_schema(parameters=[REVISION, KEY], responses={(200, "text/csv"): OpenApiTypes.BINARY},
                   operation_id="v1_brains_data_product_rows_csv")
    @action(detail=True, methods=["get"], url_path="rows.csv", url_name="csv", **DOWNLOAD)
    def csv(self, request, brain_slug=None, pk=None):
        """The revision's rows as CSV (UTF-8 with a BOM, for Excel); a subscriber's download is metered."""
        return self._download("csv")

    @extend_schema(parameters=[REVISION, KEY], responses={(200, XLSX): OpenApiTypes.BINARY},
                   operation_id="v1_brains_data_product_rows_xlsx")
    @action(detail=True, methods=["get"], url_path="rows.xlsx", url_name="xlsx", **DOWNLOAD)
    def xlsx(self, request, brain_slug=None, pk=None):
        """The revision's rows as an XLSX workbook; a subscriber's download is metered."""
        return self._download("xlsx")
