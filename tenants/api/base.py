"""The base every brain-scoped API endpoint uses, so the scope is applied once, centrally."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.response import Response

from tenants.api.conditional import ConditionalRetrieveMixin
from tenants.api.idempotency import IdempotentPostMixin
from tenants.api.permissions import BrainMember

BRAIN_SLUG = OpenApiParameter("brain_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The brain's slug.")


@extend_schema(parameters=[BRAIN_SLUG])
class BrainScopedViewSet(ConditionalRetrieveMixin, IdempotentPostMixin, viewsets.GenericViewSet):
    """What the caller may see is one selector read, declared on the viewset:

        selector = selectors.rfq_list      # called as rfq_list(brain=…, viewer=<the request's BrainAccess>)

    the same read the web pages, tasks and webhooks use, so web and API give one answer (404 for whatever the
    caller may not see, as for what does not exist). `operators_only` makes the whole endpoint the brain
    operators'. RLS enforces the brain below all of this; writes are stamped with it.
    """

    permission_classes = [permissions.IsAuthenticated, BrainMember]
    selector = None  # <app>.selectors.<concept>_list(*, brain, viewer); None: every row of the brain
    operators_only = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        selector = cls.__dict__.get("selector")
        if callable(selector) and not isinstance(selector, staticmethod):
            cls.selector = staticmethod(selector)  # a plain function, not a method of the viewset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.operators_only and not self.access.is_operator:
            raise exceptions.NotFound()

    @property
    def access(self):
        return self.request.brain_access

    @property
    def enterprise_id(self) -> int | None:
        return self.request.user.enterprise_id

    def visible(self):
        """What the caller may see in this brain (before the list's filters)."""
        if self.selector is None:
            return self.queryset.all().in_brain(self.request.brain)
        # The selectors scope by the brain too; applying it here as well keeps it central.
        return self.selector(brain=self.request.brain, viewer=self.access).in_brain(self.request.brain)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.visible()

    def fresh(self, obj, status_code=status.HTTP_200_OK) -> Response:
        """The object as the caller now sees it, read again through the selector (annotations included)."""
        return Response(self.get_serializer(self.visible().get(pk=obj.pk)).data, status=status_code)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "brain": getattr(self.request, "brain", None),
                "enterprise_id": getattr(self.request.user, "enterprise_id", None)}

    def valid(self, serializer_class, **kwargs) -> dict:
        """The request body checked by an input serializer (400 with every field's error), as a dict."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def perform_create(self, serializer):
        serializer.save(brain=self.request.brain)
