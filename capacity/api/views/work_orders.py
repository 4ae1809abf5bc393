"""Work orders and progress reports over the API: the work order's buyer and supplier only."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework import parsers as drf_parsers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from capacity.api.filters.work_orders import ProgressReportFilter, WorkOrderFilter
from capacity.api.serializers.work_orders import (
    DeclineSerializer, InvalidReportsSerializer, ProgressReportBulkSerializer, ProgressReportInputSerializer,
    ProgressReportSerializer, RefusedItem, WorkOrderSerializer,
)
from capacity.models import ProgressReport, WorkOrder
from capacity.selectors.work_orders import line_of, operation_of, progress_report_list, work_order_list
from capacity.services import work_orders
from capacity.uploads import paired_kinds, uploads_from
from tenants.api.base import BrainScopedViewSet
from tenants.api.errors import error_body, set_rollback


@extend_schema_view(
    list=extend_schema(description="Work orders you buy (as the RFQ's buyer) or make (as the supplier), newest "
                                   "first, with their lines."),
    retrieve=extend_schema(description="A work order with its lines: part and operations, quantity, price and "
                                       "VAT, due date, progress, delivered and accepted pieces."),
)
class WorkOrderViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Work orders, one per purchase order. The supplier accepts or declines, then reports progress per
    operation (an ERP or MES posts to `report`). Only the buyer and the supplier see one; to anyone else it
    does not exist (404)."""

    queryset = WorkOrder.objects.all()
    selector = work_order_list
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilter

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The supplier takes the work order into production."""
        return self.fresh(work_orders.work_order_accept(work_order=self.get_object(), by=request.user))

    @extend_schema(request=DeclineSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, brain_slug=None, pk=None):
        """The supplier declines with a reason: its awards are voided and the buyer awards the lines again."""
        reason = self.valid(DeclineSerializer)["reason"]
        return self.fresh(work_orders.work_order_decline(work_order=self.get_object(), by=request.user,
                                                         reason=reason))

    @extend_schema(request={"multipart/form-data": ProgressReportInputSerializer,
                            "application/json": ProgressReportInputSerializer},
                   responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"],
            parser_classes=[drf_parsers.MultiPartParser, drf_parsers.FormParser, drf_parsers.JSONParser])
    def report(self, request, brain_slug=None, pk=None):
        """The supplier reports one operation of one line of a work order in production: not_started,
        in_progress (percent or quantity_done), done, or blocked (reason required), with a planned completion
        date and, in a multipart body, photos, videos and inspection reports (`files`, with `kind` for each)."""
        work_order = self.get_object()
        data = self.valid(ProgressReportInputSerializer)
        line = line_of(work_order, data["line"])
        operation = operation_of(brain=request.brain, pk=data["operation"])
        uploads = uploads_from(paired_kinds(data["files"], data["kind"]))
        report = work_orders.progress_report(
            line=line, operation=operation, by=request.user, status=data["status"], percent=data["percent"],
            quantity_done=data["quantity_done"], reason=data["reason"], note=data["note"],
            planned_completion=data["planned_completion"], files=uploads)
        report = progress_report_list(brain=request.brain, viewer=self.access).get(pk=report.pk)
        return Response(ProgressReportSerializer(report, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


BULK_DESCRIPTION = f"""The supplier (an MES) posts many progress reports in one call, all or none: 1 to \
{work_orders.MAX_BULK_REPORTS} items in `reports`, JSON only (no files: send photos with a single `report`). Each item \
is a single report (see `work-orders/{{id}}/report/`) plus the `work_order` it is on, and every rule of a single \
report holds for it. Items are recorded in the order given; the same line and operation may come more than once \
(a later item is the newer report, so the line's state follows the last).

Success: 201 with the created reports in the order of the items. If any item is refused, nothing is recorded: \
400 with code `invalid_reports`, and every refused item under `errors` as `{{"index", "field", "code", "detail"}}` \
(index from 0; field null when the item as a whole is at fault) and the same messages under \
`fields.reports["<index>"]["<field>"]`. A work order of another enterprise or brain is code `not_found`, like one \
that does not exist. A caller that is not a supplier member of the brain gets 403 for the whole call."""


class ProgressReportViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Progress reports on work orders you buy or make, newest first, each with its files. Poll with
    `since` (ISO 8601) for what is new. An MES posts many at once to `bulk`, all or none."""

    queryset = ProgressReport.objects.all()
    selector = progress_report_list
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilter

    @extend_schema(request=ProgressReportBulkSerializer, description=BULK_DESCRIPTION, responses={
        201: OpenApiResponse(ProgressReportSerializer(many=True),
                             description="The created reports, in the order of the items."),
        400: OpenApiResponse(InvalidReportsSerializer,
                             description="Items refused (code invalid_reports, every one under errors), or a body "
                                         "that is not 1 to the limit of reports: nothing was recorded."),
    })
    @action(detail=False, methods=["post"], parser_classes=[drf_parsers.JSONParser], pagination_class=None,
            filter_backends=[])
    def bulk(self, request, brain_slug=None):
        """Many reports in one call, all or none (BULK_DESCRIPTION says how)."""
        data = self.valid(ProgressReportBulkSerializer)
        items, refused = [], []
        for index, item in enumerate(data["reports"]):
            if isinstance(item, RefusedItem):
                refused += _item_errors(index, item.detail)
            else:
                items.append(work_orders.ProgressItem(index=index, **item))
        try:
            created = work_orders.progress_report_bulk(brain=request.brain, by=request.user, reports=items,
                                                       refused=refused)
        except work_orders.ProgressReportsRefused as error:
            set_rollback()  # the Idempotency-Key claim too: a refused call is not kept, sending it again runs it
            return Response(_invalid_reports_body(error), status=status.HTTP_400_BAD_REQUEST)
        shown = self.visible().in_bulk([report.pk for report in created])
        return Response(self.get_serializer([shown[report.pk] for report in created], many=True).data,
                        status=status.HTTP_201_CREATED)


def _item_errors(index: int, detail) -> list[work_orders.ItemError]:
    """The input check's errors of one bulk item, one per message."""
    if not isinstance(detail, dict):
        detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
    return [work_orders.ItemError(index, None if field == api_settings.NON_FIELD_ERRORS_KEY else field,
                                  getattr(message, "code", None) or "invalid", str(message))
            for field, messages in detail.items()
            for message in (messages if isinstance(messages, list) else [messages])]


def _invalid_reports_body(error: work_orders.ProgressReportsRefused) -> dict:
    """The 400 of a refused bulk call: the usual body, the messages by index and field, and `errors`."""
    by_index: dict[str, dict[str, list[str]]] = {}
    for item in error.errors:
        by_index.setdefault(str(item.index), {}).setdefault(item.field or api_settings.NON_FIELD_ERRORS_KEY,
                                                             []).append(item.detail)
    return {**error_body(error.code, error.detail, {"reports": by_index}),
            "errors": [asdict(item) for item in error.errors]}
