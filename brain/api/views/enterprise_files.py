"""The enterprise file (一企一档) over the API: read through brain.selectors.enterprise_files."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from brain.api.serializers.enterprise_files import EnterpriseFileBriefSerializer, EnterpriseFileSerializer
from brain.selectors import enterprise_files
from tenants.api.base import BrainScopedViewSet
from tenants.models import Membership


class EnterpriseFileViewSet(BrainScopedViewSet):
    """The enterprise file (一企一档) of the brain's enterprises, by enterprise id: registry facts with the source
    and as-of date of each, tax credit rating, patents, what the platform knows of it in this brain, and its tags
    with why. The enterprise itself and the brain's operators read all of it; other active members the public
    part (`full` false); anyone else finds nothing (404). The list holds the enterprises the reader may open."""

    queryset = Membership.objects.all()
    serializer_class = EnterpriseFileBriefSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return enterprise_files.enterprise_file_list(brain=self.request.brain, viewer=self.access)

    def list(self, request, brain_slug=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=EnterpriseFileSerializer,
                   parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                                description="The enterprise's id.")])
    def retrieve(self, request, brain_slug=None, pk=None):
        try:
            file = enterprise_files.enterprise_file(brain=request.brain, enterprise=int(pk), viewer=self.access)
        except enterprise_files.EnterpriseFileNotFound:
            raise exceptions.NotFound() from None
        return Response(EnterpriseFileSerializer(file).data)
