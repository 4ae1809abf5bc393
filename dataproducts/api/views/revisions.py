"""Revisions over the API: their lineage and counts to whoever sees the product (drafts: operators only); operators
build (POST), publish and correct. Rows are read through the entitlement-checked rows API, not here."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action

from dataproducts.api.filters.products import RevisionFilter
from dataproducts.api.serializers.revisions import (
    RevisionBuildSerializer,
    RevisionCorrectSerializer,
    RevisionSerializer,
)
from dataproducts.models import Revision
from dataproducts.selectors.products import product_list
from dataproducts.selectors.revisions import revision_list
from dataproducts.services import revisions
from tenants.api.base import BrainScopedViewSet


class RevisionViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Revision.objects.all()
    selector = revision_list
    serializer_class = RevisionSerializer
    filterset_class = RevisionFilter

    @extend_schema(request=RevisionBuildSerializer, responses={201: RevisionSerializer})
    def create(self, request, brain_slug=None):
        """An operator builds a draft revision of a product over a range of days that have ended."""
        data = self.valid(RevisionBuildSerializer)
        product = get_object_or_404(product_list(brain=request.brain, viewer=self.access), pk=data.pop("product"))
        made = revisions.revision_build(product=product, by=request.user, **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RevisionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, brain_slug=None, pk=None):
        """An operator publishes a draft: immutable from then on; the revision it corrects is withdrawn."""
        return self.fresh(revisions.revision_publish(revision=self.get_object(), by=request.user))

    @extend_schema(request=RevisionCorrectSerializer, responses={201: RevisionSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, brain_slug=None, pk=None):
        """An operator builds a correction of a published revision (a draft, with a comment saying why)."""
        made = revisions.revision_correct(revision=self.get_object(), by=request.user,
                                          **self.valid(RevisionCorrectSerializer))
        return self.fresh(made, status.HTTP_201_CREATED)
