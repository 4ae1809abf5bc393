"""The capacity-sharing API. Thin: reads through capacity.selectors, every write through capacity.services.

Who sees what (anything else answers 404, the same as for an object that does not exist):
- supplier profiles: every member of the brain (buyers look suppliers up);
- projects, parts: only users of the project's buyer enterprise;
- drawings: the part's buyer, and suppliers that may quote on a published RFQ containing the part;
- RFQs: the buyer enterprise in every status; a supplier once published, if invited or if the RFQ is open
  to all and it is an active supplier of the brain — never a draft; the buyer-only parts of an RFQ
  (invitations, comparison, recommendations) do not exist for anyone else;
- quotes: only the supplier's own; the buyer sees prices only in the comparison, after the deadline;
- purchase orders: the RFQ's buyer and the winning supplier.
"""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from capacity import bom, selectors
from capacity.api import board as board_api
from capacity.api import filters, serializers
from capacity.api.workbooks import XLSX, comparison_workbook
from capacity.models import Drawing, Part, Project, PurchaseOrder, Question, Quote, Rfq, SupplierProfile
from capacity.services import awards, profiles, projects, rfqs
from tenants.api.base import BrainScopedViewSet
from tenants.api.errors import error_body, set_rollback
from tenants.errors import DomainError


class DownloadNegotiation(BaseContentNegotiation):
    """Downloads answer whatever the client accepts (Accept: application/pdf must not be a 406): the file
    is a ready-made response, and an error is JSON as everywhere else."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


DOWNLOAD = {"content_negotiation_class": DownloadNegotiation}


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class CapacityViewSet(BrainScopedViewSet):
    """Shared plumbing: the caller's enterprise, input validation, schema-time querysets."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        # The selectors scope by the brain too; applying it here as well keeps it central (RLS is below both).
        return self.visible().in_brain(self.request.brain)

    def visible(self):
        """What the caller's enterprise may see in this brain (a capacity.selectors read)."""
        raise NotImplementedError

    @property
    def enterprise_id(self) -> int | None:
        return self.request.user.enterprise_id

    def get_serializer_context(self):
        enterprise_id = getattr(self.request.user, "enterprise_id", None)
        return {**super().get_serializer_context(), "enterprise_id": enterprise_id}


# --- Supplier profiles --------------------------------------------------------------------------


class SupplierProfileViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The brain's capacity map: every active supplier's processes, free hours, machines and materials."""

    queryset = SupplierProfile.objects.all()
    serializer_class = serializers.SupplierProfileSerializer
    filterset_class = filters.SupplierProfileFilter

    def visible(self):
        return selectors.supplier_profile_list(brain=self.request.brain)

    @extend_schema(methods=["GET"], responses=serializers.SupplierProfileSerializer,
                   description="Your enterprise's own profile in this brain (404 until it has one).")
    @extend_schema(methods=["PUT"], request=serializers.SupplierProfileInputSerializer,
                   responses=serializers.SupplierProfileSerializer,
                   description="Replace your profile whole: capacities and machines replace the stored ones. "
                               "Supplier members only.")
    @action(detail=False, methods=["get", "put"])
    def mine(self, request, brain_slug=None):
        if request.method == "PUT":
            profiles.profile_save(brain=request.brain, by=request.user,
                                  **self.valid(serializers.SupplierProfileInputSerializer))
        profile = selectors.own_supplier_profile(brain=request.brain, enterprise_id=self.enterprise_id)
        if profile is None:
            raise exceptions.NotFound()
        return Response(serializers.SupplierProfileSerializer(profile).data)


# --- Projects, parts, drawings ------------------------------------------------------------------------


class ProjectViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's projects (nobody else's are visible), their BOM import and export."""

    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def visible(self):
        return selectors.project_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(responses={201: serializers.ProjectSerializer})
    def create(self, request, brain_slug=None):
        project = projects.project_create(brain=request.brain, by=request.user,
                                          **self.valid(serializers.ProjectSerializer))
        return Response(self.get_serializer(self.visible().get(pk=project.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": serializers.BomFileSerializer},
        responses={200: serializers.BomImportResultSerializer, 400: serializers.InvalidRowsSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import-bom", parser_classes=[MultiPartParser, FormParser])
    def import_bom(self, request, brain_slug=None, pk=None):
        """Import a BOM file: every row is checked first, and either all rows land or none does.

        Success: 200 {"created": n, "updated": n} (parts are upserted by part number, so a re-import of the
        same file changes nothing). Bad rows: 400 in the usual error format with code "invalid_rows", one
        message per bad row under fields.file, and the same errors machine-readable under "rows":
        [{"row": file row number (header = 1), "column": header as in the template, "reason": text}].
        A file that cannot be read at all (type, encoding, header) is 400 with code "invalid_file".
        """
        project = self.get_object()
        upload = self.valid(serializers.BomFileSerializer)["file"]
        if upload.size > projects.MAX_BOM_BYTES:  # before reading it into memory
            raise DomainError(_("The file must be between 1 byte and 20 MB."), code="invalid_file", field="file")
        report = projects.bom_import(project=project, by=request.user, content=upload.read(), filename=upload.name)
        return self._import_answer(report)

    @extend_schema(
        request=serializers.BomRowsSerializer,
        responses={200: serializers.BomImportResultSerializer, 400: serializers.InvalidRowsSerializer},
    )
    @action(detail=True, methods=["post"], url_path="bom-rows")
    def bom_rows(self, request, brain_slug=None, pk=None):
        """Upsert the project's BOM from an ERP as JSON rows, by part number, with the file import's rules:
        every row checked first, then all land or none. Bad rows: 400 invalid_rows, each under "rows" with its
        index from 0 as "row" and the field as "column"."""
        project = self.get_object()
        rows = self.valid(serializers.BomRowsShapeSerializer)["rows"]
        return self._import_answer(projects.bom_rows_upsert(project=project, by=request.user, rows=rows),
                                   field="rows")

    def _import_answer(self, report, field="file") -> Response:
        if not report.ok:
            set_rollback()
            rows = [error.as_dict() for error in report.errors]
            if field == "rows":  # JSON rows name their fields as sent, not by the file's Chinese headers
                rows = [{**row, "column": bom.FIELD_OF_HEADER.get(row["column"], row["column"])} for row in rows]
            count = len(rows)
            detail = ngettext("Nothing was imported: %(n)s problem.", "Nothing was imported: %(n)s problems.",
                              count) % {"n": count}
            row_label = capfirst(_("row"))
            messages = [f"{row_label} {row['row']} · {row['column']}: {row['reason']}" for row in rows]
            body = error_body("invalid_rows", detail, {field: messages})
            return Response({**body, "rows": rows}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": report.created, "updated": report.updated})

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def bom(self, request, brain_slug=None, pk=None):
        """The project's BOM as a workbook in the import format (re-importing it changes nothing)."""
        project = self.get_object()
        content = bom.write_xlsx(selectors.bom_rows(project=project))
        return attachment(content, f"BOM-{project.code}.xlsx")

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="bom-template", **DOWNLOAD)
    def bom_template(self, request, brain_slug=None):
        """The blank BOM template (Chinese headers; English headers are accepted too)."""
        return attachment(bom.write_xlsx([]), "BOM-template.xlsx")

    @extend_schema(parameters=[board_api.BoardQuerySerializer], responses=board_api.BoardSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def board(self, request, brain_slug=None, pk=None):
        """The project board: every leaf part (and assembly with a work-order line of its own) with its current
        operation, suppliers, progress, planned completion vs due date, last report, acceptance and risk class
        (late, blocked, at_risk, not_awarded, on_track, done), late, blocked and at-risk parts first; the overall
        percent complete and the counts per risk class. Filters narrow the rows, not the totals."""
        from capacity.board import project_board

        query = board_api.BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = project_board(self.get_object(), viewer=request.user, **query.validated_data)
        return Response(board_api.BoardSerializer(board).data)


@extend_schema_view(
    create=extend_schema(description="Create a part, or update the part with this number in the project "
                                     "(201 created, 200 updated): the same upsert as a BOM row.",
                         responses={201: serializers.PartSerializer, 200: serializers.PartSerializer}),
    update=extend_schema(description="Fields left out keep their values; the project and part number "
                                     "cannot change."),
)
class PartViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    """Parts of your projects with their routing (operation ids let an RFQ tender a single operation)."""

    queryset = Part.objects.all()
    serializer_class = serializers.PartSerializer
    filterset_class = filters.PartFilter

    def visible(self):
        return selectors.part_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    def create(self, request, brain_slug=None):
        data = dict(self.valid(serializers.PartSerializer))
        project = data.pop("project")
        existing = self.visible().filter(project=project, part_no=data["part_no"]).first()
        part = self._save(project, existing, data)
        return Response(self.get_serializer(part).data,
                        status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    def update(self, request, brain_slug=None, pk=None, partial=False):
        part = self.get_object()
        serializer = self.get_serializer(part, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("project", None)
        data["part_no"] = part.part_no
        return Response(self.get_serializer(self._save(part.project, part, data)).data)

    def partial_update(self, request, brain_slug=None, pk=None):
        return self.update(request, brain_slug=brain_slug, pk=pk, partial=True)

    def _save(self, project: Project, existing: Part | None, data: dict) -> Part:
        if existing is not None:  # part_save writes name, quantity, parent and routing always: keep what is not given
            data.setdefault("name", existing.name)
            data.setdefault("quantity", existing.quantity)
            data.setdefault("parent_no", existing.parent.part_no if existing.parent_id else "")
            data.setdefault("processes", [operation.process.code for operation in existing.operations.all()])
        part = projects.part_save(project=project, by=self.request.user, **data)
        return self.visible().get(pk=part.pk)

    def perform_destroy(self, instance):
        projects.part_delete(part=instance, by=self.request.user)

    @extend_schema(request={"multipart/form-data": serializers.DrawingFileSerializer},
                   responses={201: serializers.DrawingSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def drawings(self, request, brain_slug=None, pk=None):
        """Upload a new drawing version of the part (checked by size and by content, not by its name)."""
        part = self.get_object()
        upload = self.valid(serializers.DrawingFileSerializer)["file"]
        if upload.size > projects.MAX_DRAWING_BYTES:
            raise DomainError(_("Drawings may be at most 50 MB."), field="file")
        drawing = projects.drawing_upload(part=part, by=request.user, content=upload.read(), filename=upload.name)
        return Response(serializers.DrawingSerializer(drawing).data, status=status.HTTP_201_CREATED)


class DrawingViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Drawings of your parts, and of parts in RFQs you may quote on."""

    queryset = Drawing.objects.all()
    serializer_class = serializers.DrawingSerializer
    filterset_class = filters.DrawingFilter

    def visible(self):
        return selectors.drawing_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def download(self, request, brain_slug=None, pk=None):
        """The stored file, as an attachment with its original name and its sniffed content type."""
        drawing = self.get_object()
        return FileResponse(drawing.file.open("rb"), as_attachment=True, filename=drawing.original_name,
                            content_type=drawing.content_type)


# --- RFQs, quotes, questions ---------------------------------------------------------------------------


class RfqViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """RFQs: yours as a buyer, and those you may quote on as a supplier (never another's draft)."""

    queryset = Rfq.objects.all()
    serializer_class = serializers.RfqSerializer
    filterset_class = filters.RfqFilter

    def visible(self):
        rfqs_ = selectors.rfq_list(brain=self.request.brain, enterprise_id=self.enterprise_id)
        # Actions need the RFQ row only; the lines are for its representation.
        return rfqs_ if self.action in ("list", "retrieve") else rfqs_.prefetch_related(None)

    def buyer_rfq(self) -> Rfq:
        """The RFQ, for its buyer. To a supplier that sees the RFQ, its buyer-only parts do not exist (404)."""
        rfq = self.get_object()
        if rfq.buyer_id != self.enterprise_id:
            raise exceptions.NotFound()
        return rfq

    def fresh(self, rfq: Rfq):
        rfq = selectors.rfq_list(brain=self.request.brain, enterprise_id=self.enterprise_id).get(pk=rfq.pk)
        return Response(self.get_serializer(rfq).data)

    @extend_schema(request=serializers.RfqCreateSerializer, responses={201: serializers.RfqSerializer})
    def create(self, request, brain_slug=None):
        """A draft RFQ of parts or single operations of one of your projects."""
        data = dict(self.valid(serializers.RfqCreateSerializer))
        rfq = rfqs.rfq_create(project=data.pop("project"), by=request.user, **data)
        response = self.fresh(rfq)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=None, responses=serializers.RfqSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, brain_slug=None, pk=None):
        """Open for quotes; matching then invites the capable suppliers."""
        return self.fresh(rfqs.rfq_publish(rfq=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=serializers.RfqSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, brain_slug=None, pk=None):
        """Stop quoting before the deadline; the prices become visible to you."""
        return self.fresh(rfqs.rfq_close(rfq=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=serializers.RfqSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        return self.fresh(rfqs.rfq_cancel(rfq=self.get_object(), by=request.user))

    @extend_schema(responses=serializers.InvitationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def invitations(self, request, brain_slug=None, pk=None):
        """Buyer only: the suppliers invited by you or matched by the brain, with score and reasons per line."""
        rfq = self.buyer_rfq()
        return Response(serializers.InvitationSerializer(selectors.invitation_list(rfq=rfq), many=True).data)

    @extend_schema(responses=serializers.ComparisonSerializer)
    @action(detail=True, methods=["get"])
    def comparison(self, request, brain_slug=None, pk=None):
        """Buyer only. Sealed until the deadline (or an early close): {"sealed": true, "quote_count": n} and no
        prices. Then lines × suppliers with the lowest and fastest offers marked, totals and track record."""
        return Response(serializers.ComparisonSerializer(selectors.comparison(rfq=self.buyer_rfq())).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, operation_id="v1_brains_rfqs_comparison_xlsx")
    @action(detail=True, methods=["get"], url_path="comparison.xlsx", url_name="comparison-xlsx", **DOWNLOAD)
    def comparison_xlsx(self, request, brain_slug=None, pk=None):
        """Buyer only, once quoting has ended: the comparison as a workbook."""
        table = selectors.comparison(rfq=self.buyer_rfq())
        if table.sealed:
            raise DomainError(_("Quotes are sealed until the deadline (or until you close quoting). You see how "
                                "many arrived, never a price."), code="sealed")
        return attachment(comparison_workbook(table), f"{table.rfq.number}-comparison.xlsx")

    @extend_schema(methods=["GET"], responses=serializers.RecommendationSerializer,
                   description="Buyer only: the latest recommendation (404 before any was asked for). "
                               "status is pending until a worker has computed it.")
    @extend_schema(methods=["POST"], request=serializers.RecommendationRequestSerializer,
                   responses={202: serializers.RecommendationSerializer},
                   description="Buyer only, once quoting has ended: ask the optimiser for the cheapest award "
                               "within capacity, due dates and at most max_suppliers suppliers.")
    @action(detail=True, methods=["get", "post"])
    def recommendations(self, request, brain_slug=None, pk=None):
        rfq = self.buyer_rfq()
        if request.method == "POST":
            recommendation = awards.recommendation_request(
                rfq=rfq, by=request.user, **self.valid(serializers.RecommendationRequestSerializer))
            return Response(serializers.RecommendationSerializer(recommendation).data,
                            status=status.HTTP_202_ACCEPTED)
        recommendation = selectors.latest_recommendation(rfq=rfq)
        if recommendation is None:
            raise exceptions.NotFound()
        return Response(serializers.RecommendationSerializer(recommendation).data)

    @extend_schema(request=serializers.AwardRequestSerializer,
                   responses={201: serializers.PurchaseOrderSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None)
    def award(self, request, brain_slug=None, pk=None):
        """Award lines to quote lines (a split award is fine); returns the purchase orders they went on.
        A line already awarded is refused with code "already_awarded" and nothing of the call is written."""
        decisions = self.valid(serializers.AwardRequestSerializer)["decisions"]
        orders = awards.award_lines(rfq=self.get_object(), by=request.user,
                                    decisions={d["rfq_line"]: d["quote_line"] for d in decisions})
        orders = selectors.purchase_order_list(brain=request.brain, enterprise_id=self.enterprise_id).filter(
            pk__in=[order.pk for order in orders])
        return Response(serializers.PurchaseOrderSerializer(orders, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=serializers.QuestionSerializer(many=True),
                   description="The buyer sees every question; a supplier its own and every answered one. "
                               "Askers are named to the buyer only.")
    @extend_schema(methods=["POST"], request=serializers.QuestionInputSerializer,
                   responses={201: serializers.QuestionSerializer},
                   description="A supplier that may quote asks the buyer.")
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def questions(self, request, brain_slug=None, pk=None):
        rfq = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            question = rfqs.question_ask(rfq=rfq, by=request.user,
                                         **self.valid(serializers.QuestionInputSerializer))
            question = selectors.question_list(brain=request.brain, enterprise_id=self.enterprise_id).get(
                pk=question.pk)
            return Response(serializers.QuestionSerializer(question, context=context).data,
                            status=status.HTTP_201_CREATED)
        questions = selectors.question_list(brain=request.brain, enterprise_id=self.enterprise_id, rfq=rfq)
        return Response(serializers.QuestionSerializer(questions, many=True, context=context).data)

    @extend_schema(methods=["GET"], responses=serializers.QuoteSerializer,
                   description="Your own quote on this RFQ (404 until you have quoted).")
    @extend_schema(methods=["PUT"], request=serializers.QuoteInputSerializer, responses=serializers.QuoteSerializer,
                   description="Submit or revise your quote until the deadline (server clock); the lines "
                               "replace the previous revision's.")
    @action(detail=True, methods=["get", "put"])
    def quote(self, request, brain_slug=None, pk=None):
        rfq = self.get_object()
        if request.method == "PUT":
            data = self.valid(serializers.QuoteInputSerializer)
            rfqs.quote_submit(rfq=rfq, by=request.user, lines=[dict(line) for line in data["lines"]],
                              remarks=data["remarks"])
        quote = selectors.quote_list(brain=request.brain, enterprise_id=self.enterprise_id).filter(rfq=rfq).first()
        if quote is None:
            raise exceptions.NotFound()
        return Response(serializers.QuoteSerializer(quote).data)


class QuestionViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Questions on RFQs: all of yours as a buyer; as a supplier your own and the answered ones."""

    queryset = Question.objects.all()
    serializer_class = serializers.QuestionSerializer
    filterset_class = filters.QuestionFilter

    def visible(self):
        return selectors.question_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(request=serializers.AnswerInputSerializer, responses=serializers.QuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, brain_slug=None, pk=None):
        """The buyer answers; every supplier that may quote then sees the answer (not who asked)."""
        question = rfqs.question_answer(question=self.get_object(), by=request.user,
                                        **self.valid(serializers.AnswerInputSerializer))
        return Response(self.get_serializer(self.visible().get(pk=question.pk)).data)


class QuoteViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's own quotes, as a supplier. Nobody else's, ever."""

    queryset = Quote.objects.all()
    serializer_class = serializers.QuoteSerializer
    filterset_class = filters.QuoteFilter

    def visible(self):
        return selectors.quote_list(brain=self.request.brain, enterprise_id=self.enterprise_id)


class PurchaseOrderViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Purchase orders of your RFQs (as the buyer) and your own (as the winning supplier)."""

    queryset = PurchaseOrder.objects.all()
    serializer_class = serializers.PurchaseOrderSerializer
    filterset_class = filters.PurchaseOrderFilter

    def visible(self):
        return selectors.purchase_order_list(brain=self.request.brain, enterprise_id=self.enterprise_id)


__all__ = ["DrawingViewSet", "PartViewSet", "ProjectViewSet", "PurchaseOrderViewSet", "QuestionViewSet",
           "QuoteViewSet", "RfqViewSet", "SupplierProfileViewSet"]


# --- Remote mould trials -----------------------------------------------------------------------------

from capacity.models import MouldTrial  # noqa: E402  (this section's own models)
from capacity.services import trials  # noqa: E402
from rest_framework.parsers import JSONParser  # noqa: E402


@extend_schema_view(
    list=extend_schema(description="Trials of your projects, newest first per project."),
    retrieve=extend_schema(description="A trial with its files (download each from the attachments endpoint) "
                                       "and the modifications it called for."),
)
class MouldTrialViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Remote mould trials (T1, T2, …) of your projects. The project's buyer only: to anyone else they do not
    exist (404)."""

    queryset = MouldTrial.objects.all()
    serializer_class = serializers.MouldTrialSerializer
    filterset_class = filters.MouldTrialFilter

    def visible(self):
        return selectors.mould_trial_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    def fresh(self, trial: MouldTrial, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.visible().get(pk=trial.pk)).data, status=status_code)

    @extend_schema(request=serializers.MouldTrialScheduleSerializer, responses={201: serializers.MouldTrialSerializer},
                   operation_id="v1_brains_mould_trials_schedule")
    def create(self, request, brain_slug=None):
        """Schedule the project's next trial (numbered T1, T2, … per project)."""
        data = dict(self.valid(serializers.MouldTrialScheduleSerializer))
        trial = trials.trial_schedule(project=data.pop("project"), by=request.user, **data)
        return self.fresh(trial, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": serializers.MouldTrialRecordSerializer,
                            "application/json": serializers.MouldTrialRecordSerializer},
                   responses=serializers.MouldTrialSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def record(self, request, brain_slug=None, pk=None):
        """Record a scheduled trial's result: shots, conclusion (pass, or modify: then defects are required),
        summary, and files (photos, videos, inspection reports; `kinds` in the same order, or told from the
        content). Only once; a cancelled trial has no result."""
        trial = self.get_object()
        data = self.valid(serializers.MouldTrialRecordSerializer)
        uploads = uploads_from(paired_kinds(list(data["files"]), list(data["kinds"]), field="kinds"))
        trial = trials.trial_record(trial=trial, by=request.user, shots=data["shots"], conclusion=data["conclusion"],
                                    defects=data["defects"], summary=data["summary"], files=uploads)
        return self.fresh(trial)

    @extend_schema(request=serializers.MouldTrialCancelSerializer, responses=serializers.MouldTrialSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, brain_slug=None, pk=None):
        """Call off a scheduled trial (its number stays taken); the reason is kept as its summary."""
        trial = trials.trial_cancel(trial=self.get_object(), by=request.user,
                                    **self.valid(serializers.MouldTrialCancelSerializer))
        return self.fresh(trial)

    @extend_schema(request=serializers.TrialModificationInputSerializer,
                   responses={201: serializers.TrialModificationSerializer})
    @action(detail=True, methods=["post"])
    def modifications(self, request, brain_slug=None, pk=None):
        """After a "modify" conclusion: add a new part to the project (new_part), or one more operation to an
        existing part's routing (part, process). It shows on the project board as not yet awarded and can
        be tendered in a new RFQ."""
        trial = self.get_object()
        data = self.valid(serializers.TrialModificationInputSerializer)
        part = None
        if data.get("part") is not None:
            part = Part.objects.in_brain(request.brain).filter(project_id=trial.project_id, pk=data["part"]).first()
            if part is None:
                raise DomainError(_("That part is not in this project."), field="part")
        new_part = dict(data["new_part"]) if data.get("new_part") is not None else None
        modification = trials.trial_modification_add(trial=trial, by=request.user, description=data["description"],
                                                     new_part=new_part, part=part, process=data["process"])
        trial = self.visible().get(pk=trial.pk)
        made = next(m for m in trial.modifications.all() if m.pk == modification.pk)
        return Response(serializers.TrialModificationSerializer(made).data, status=status.HTTP_201_CREATED)


# --- Work orders, progress reports, attachments, change requests -----------------------------------------

from dataclasses import asdict  # noqa: E402  (this section's own imports)

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse  # noqa: E402
from rest_framework import parsers as drf_parsers  # noqa: E402
from rest_framework.settings import api_settings  # noqa: E402

from capacity.models import Attachment, ChangeRequest, Operation, ProgressReport, WorkOrder  # noqa: E402
from capacity.services import change_requests, work_orders  # noqa: E402
from capacity.uploads import paired_kinds, uploads_from  # noqa: E402


@extend_schema_view(
    list=extend_schema(description="Work orders you buy (as the RFQ's buyer) or make (as the supplier), newest "
                                   "first, with their lines."),
    retrieve=extend_schema(description="A work order with its lines: part and operations, quantity, price and "
                                       "VAT, due date, progress, delivered and accepted pieces."),
)
class WorkOrderViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Work orders, one per purchase order. The supplier accepts or declines, then reports progress per
    operation (an ERP or MES posts to `report`). Only the buyer and the supplier see one; to anyone else it
    does not exist (404)."""

    queryset = WorkOrder.objects.all()
    serializer_class = serializers.WorkOrderSerializer
    filterset_class = filters.WorkOrderFilter

    def visible(self):
        return selectors.work_order_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    def fresh(self, work_order: WorkOrder) -> Response:
        return Response(self.get_serializer(self.visible().get(pk=work_order.pk)).data)

    @extend_schema(request=None, responses=serializers.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The supplier takes the work order into production."""
        return self.fresh(work_orders.work_order_accept(work_order=self.get_object(), by=request.user))

    @extend_schema(request=serializers.DeclineSerializer, responses=serializers.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, brain_slug=None, pk=None):
        """The supplier declines with a reason: its awards are voided and the buyer awards the lines again."""
        reason = self.valid(serializers.DeclineSerializer)["reason"]
        return self.fresh(work_orders.work_order_decline(work_order=self.get_object(), by=request.user,
                                                         reason=reason))

    @extend_schema(request={"multipart/form-data": serializers.ProgressReportInputSerializer,
                            "application/json": serializers.ProgressReportInputSerializer},
                   responses={201: serializers.ProgressReportSerializer})
    @action(detail=True, methods=["post"],
            parser_classes=[drf_parsers.MultiPartParser, drf_parsers.FormParser, drf_parsers.JSONParser])
    def report(self, request, brain_slug=None, pk=None):
        """The supplier reports one operation of one line of a work order in production: not_started,
        in_progress (percent or quantity_done), done, or blocked (reason required), with a planned completion
        date and, in a multipart body, photos, videos and inspection reports (`files`, with `kind` for each)."""
        work_order = self.get_object()
        data = self.valid(serializers.ProgressReportInputSerializer)
        line = (work_order.lines.select_related("work_order", "part", "operation").filter(pk=data["line"]).first())
        if line is None:
            raise DomainError(_("That line is not part of this work order."), field="line")
        operation = Operation.objects.in_brain(request.brain).filter(pk=data["operation"]).first()
        if operation is None:
            raise DomainError(_("That operation is not part of this line."), field="operation")
        uploads = uploads_from(paired_kinds(data["files"], data["kind"]))
        report = work_orders.progress_report(
            line=line, operation=operation, by=request.user, status=data["status"], percent=data["percent"],
            quantity_done=data["quantity_done"], reason=data["reason"], note=data["note"],
            planned_completion=data["planned_completion"], files=uploads)
        report = selectors.progress_report_list(brain=request.brain, enterprise_id=self.enterprise_id).get(pk=report.pk)
        return Response(serializers.ProgressReportSerializer(report, context=self.get_serializer_context()).data,
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


class ProgressReportViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Progress reports on work orders you buy or make, newest first, each with its files. Poll with
    `since` (ISO 8601) for what is new. An MES posts many at once to `bulk`, all or none."""

    queryset = ProgressReport.objects.all()
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = filters.ProgressReportFilter

    def visible(self):
        return selectors.progress_report_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(request=serializers.ProgressReportBulkSerializer, description=BULK_DESCRIPTION, responses={
        201: OpenApiResponse(serializers.ProgressReportSerializer(many=True),
                             description="The created reports, in the order of the items."),
        400: OpenApiResponse(serializers.InvalidReportsSerializer,
                             description="Items refused (code invalid_reports, every one under errors), or a body "
                                         "that is not 1 to the limit of reports: nothing was recorded."),
    })
    @action(detail=False, methods=["post"], parser_classes=[drf_parsers.JSONParser], pagination_class=None,
            filter_backends=[])
    def bulk(self, request, brain_slug=None):
        """Many reports in one call, all or none (BULK_DESCRIPTION says how)."""
        data = self.valid(serializers.ProgressReportBulkSerializer)
        items, refused = [], []
        for index, item in enumerate(data["reports"]):
            if isinstance(item, serializers.RefusedItem):
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


INLINE = OpenApiParameter("inline", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False,
                          description="Show a photo or video in the browser instead of downloading it.")


class AttachmentViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Files of progress reports (for the work order's buyer and supplier) and of mould trials (for the
    project's buyer). Anyone else: 404."""

    queryset = Attachment.objects.all()
    serializer_class = serializers.AttachmentSerializer
    filterset_class = filters.AttachmentFilter

    def visible(self):
        return selectors.attachment_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    @extend_schema(parameters=[INLINE], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def download(self, request, brain_slug=None, pk=None):
        """The stored file with its original name and the content type its content showed at upload."""
        attachment = self.get_object()
        inline = (request.query_params.get("inline") in ("1", "true")
                  and attachment.content_type.startswith(("image/", "video/")))
        response = FileResponse(attachment.file.open("rb"), as_attachment=not inline,
                                filename=attachment.original_name, content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


@extend_schema_view(
    list=extend_schema(description="Change requests on lines of work orders you buy or make, newest first: "
                                   "each line's history of changes."),
)
class ChangeRequestViewSet(CapacityViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Changes of a line's due date or quantity after award: one side asks, the other accepts or rejects,
    the asking side may withdraw while it waits."""

    queryset = ChangeRequest.objects.all()
    serializer_class = serializers.ChangeRequestSerializer
    filterset_class = filters.ChangeRequestFilter

    def visible(self):
        return selectors.change_request_list(brain=self.request.brain, enterprise_id=self.enterprise_id)

    def fresh(self, change: ChangeRequest, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.visible().get(pk=change.pk)).data, status=status_code)

    @extend_schema(request=serializers.ChangeRequestCreateSerializer, responses={201: serializers.ChangeRequestSerializer})
    def create(self, request, brain_slug=None):
        """Ask for a new due date, a new quantity, or both, with a reason. The side (buyer or supplier) is
        yours on the line's work order; at most one request per line waits at a time (code change_pending)."""
        data = dict(self.valid(serializers.ChangeRequestCreateSerializer))
        line = (selectors.work_order_line_list(brain=request.brain, enterprise_id=self.enterprise_id)
                .filter(pk=data.pop("line")).first())
        if line is None:
            raise DomainError(_("No such line on your work orders."), field="line")
        return self.fresh(change_requests.change_request_ask(line=line, by=request.user, **data),
                          status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ChangeDecisionSerializer, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The other side agrees: the line takes the new values; the request keeps the old ones."""
        return self.fresh(change_requests.change_request_accept(
            change=self.get_object(), by=request.user, **self.valid(serializers.ChangeDecisionSerializer)))

    @extend_schema(request=serializers.ChangeDecisionSerializer, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        """The other side refuses, saying why (response required)."""
        return self.fresh(change_requests.change_request_reject(
            change=self.get_object(), by=request.user, **self.valid(serializers.ChangeDecisionSerializer)))

    @extend_schema(request=None, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The asking side takes its request back before it is decided."""
        return self.fresh(change_requests.change_request_withdraw(change=self.get_object(), by=request.user))


__all__ += ["AttachmentViewSet", "ChangeRequestViewSet", "ProgressReportViewSet", "WorkOrderViewSet"]
