"""The base every brain-scoped API endpoint uses, so the scope is applied once, centrally."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets

from tenants.api.conditional import ConditionalRetrieveMixin
from tenants.api.idempotency import IdempotentPostMixin
from tenants.api.permissions import BrainMember

BRAIN_SLUG = OpenApiParameter("brain_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The brain's slug.")


@extend_schema(parameters=[BRAIN_SLUG])
class BrainScopedViewSet(ConditionalRetrieveMixin, IdempotentPostMixin, viewsets.GenericViewSet):
    """Queryset filtered by the URL's brain (RLS enforces the same below); writes stamped with it."""

    permission_classes = [permissions.IsAuthenticated, BrainMember]

    @property
    def access(self):
        return self.request.brain_access

    def get_queryset(self):
        return super().get_queryset().in_brain(self.request.brain)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "brain": getattr(self.request, "brain", None)}

    def valid(self, serializer_class, **kwargs) -> dict:
        """The request body checked by an input serializer (400 with every field's error), as a dict."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def perform_create(self, serializer):
        serializer.save(brain=self.request.brain)
