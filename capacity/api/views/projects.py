"""Projects, parts and drawings over the API: a buyer's own only; BOM import and export, the board."""


from django.http import FileResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from capacity import bom
from capacity.api.filters.projects import DrawingFilter, PartFilter, ProjectFilter
from capacity.api.serializers.board import BoardQuerySerializer, BoardSerializer
from capacity.api.serializers.projects import (
    BomFileSerializer, BomImportResultSerializer, BomRowsSerializer, BomRowsShapeSerializer,
    DrawingFileSerializer, DrawingSerializer, InvalidRowsSerializer, PartSerializer, ProjectSerializer,
)
from capacity.models import Drawing, Part, Project
from capacity.selectors.board import project_board
from capacity.selectors.projects import bom_rows, drawing_list, part_list, project_list
from capacity.services import projects
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD, XLSX, attachment
from tenants.api.errors import error_body, set_rollback
from tenants.errors import DomainError


class ProjectViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's projects (nobody else's are visible), their BOM import and export."""

    queryset = Project.objects.all()
    selector = project_list
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    @extend_schema(responses={201: ProjectSerializer})
    def create(self, request, brain_slug=None):
        project = projects.project_create(brain=request.brain, by=request.user,
                                          **self.valid(ProjectSerializer))
        return self.fresh(project, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": BomFileSerializer},
        responses={200: BomImportResultSerializer, 400: InvalidRowsSerializer},
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
        upload = self.valid(BomFileSerializer)["file"]
        if upload.size > projects.MAX_BOM_BYTES:  # before reading it into memory
            raise DomainError(_("The file must be between 1 byte and 20 MB."), code="invalid_file", field="file")
        report = projects.bom_import(project=project, by=request.user, content=upload.read(), filename=upload.name)
        return self._import_answer(report)

    @extend_schema(
        request=BomRowsSerializer,
        responses={200: BomImportResultSerializer, 400: InvalidRowsSerializer},
    )
    @action(detail=True, methods=["post"], url_path="bom-rows")
    def bom_rows(self, request, brain_slug=None, pk=None):
        """Upsert the project's BOM from an ERP as JSON rows, by part number, with the file import's rules:
        every row checked first, then all land or none. Bad rows: 400 invalid_rows, each under "rows" with its
        index from 0 as "row" and the field as "column"."""
        project = self.get_object()
        rows = self.valid(BomRowsShapeSerializer)["rows"]
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
        content = bom.write_xlsx(bom_rows(project=project))
        return attachment(content, f"BOM-{project.code}.xlsx")

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="bom-template", **DOWNLOAD)
    def bom_template(self, request, brain_slug=None):
        """The blank BOM template (Chinese headers; English headers are accepted too)."""
        return attachment(bom.write_xlsx([]), "BOM-template.xlsx")

    @extend_schema(parameters=[BoardQuerySerializer], responses=BoardSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def board(self, request, brain_slug=None, pk=None):
        """The project board: every leaf part (and assembly with a work-order line of its own) with its current
        operation, suppliers, progress, planned completion vs due date, last report, acceptance and risk class
        (late, blocked, at_risk, not_awarded, on_track, done), late, blocked and at-risk parts first; the overall
        percent complete and the counts per risk class. Filters narrow the rows, not the totals."""
        query = BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = project_board(self.get_object(), viewer=self.access, **query.validated_data)
        return Response(BoardSerializer(board).data)


@extend_schema_view(
    create=extend_schema(description="Create a part, or update the part with this number in the project "
                                     "(201 created, 200 updated): the same upsert as a BOM row.",
                         responses={201: PartSerializer, 200: PartSerializer}),
    update=extend_schema(description="Fields left out keep their values; the project and part number "
                                     "cannot change."),
)
class PartViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    """Parts of your projects with their routing (operation ids let an RFQ tender a single operation)."""

    queryset = Part.objects.all()
    selector = part_list
    serializer_class = PartSerializer
    filterset_class = PartFilter

    def create(self, request, brain_slug=None):
        data = dict(self.valid(PartSerializer))
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

    @extend_schema(request={"multipart/form-data": DrawingFileSerializer},
                   responses={201: DrawingSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def drawings(self, request, brain_slug=None, pk=None):
        """Upload a new drawing version of the part (checked by size and by content, not by its name)."""
        part = self.get_object()
        upload = self.valid(DrawingFileSerializer)["file"]
        if upload.size > projects.MAX_DRAWING_BYTES:
            raise DomainError(_("Drawings may be at most 50 MB."), field="file")
        drawing = projects.drawing_upload(part=part, by=request.user, content=upload.read(), filename=upload.name)
        return Response(DrawingSerializer(drawing).data, status=status.HTTP_201_CREATED)


class DrawingViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Drawings of your parts, and of parts in RFQs you may quote on."""

    queryset = Drawing.objects.all()
    selector = drawing_list
    serializer_class = DrawingSerializer
    filterset_class = DrawingFilter

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], **DOWNLOAD)
    def download(self, request, brain_slug=None, pk=None):
        """The stored file, as an attachment with its original name and its sniffed content type."""
        drawing = self.get_object()
        return FileResponse(drawing.file.open("rb"), as_attachment=True, filename=drawing.original_name,
                            content_type=drawing.content_type)
