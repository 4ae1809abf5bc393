"""Files of progress reports and mould trials over the API."""


from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from capacity.api.filters.attachments import AttachmentFilter
from capacity.api.serializers.attachments import AttachmentSerializer
from capacity.models import Attachment
from capacity.selectors.attachments import attachment_list
from tenants.api.base import BrainScopedViewSet
from tenants.api.downloads import DOWNLOAD

INLINE = OpenApiParameter("inline", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False,
                          description="Show a photo or video in the browser instead of downloading it.")


class AttachmentViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Files of progress reports (for the work order's buyer and supplier) and of mould trials (for the
    project's buyer). Anyone else: 404."""

    queryset = Attachment.objects.all()
    selector = attachment_list
    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter

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
