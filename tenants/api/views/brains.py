"""Brains (platform administrators create and suspend them) and a brain's process catalogue."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.api.base import BrainScopedViewSet
from tenants.api.idempotency import IdempotentPostMixin
from tenants.api.permissions import GlobalReadWrite, NoApiKey
from tenants.api.serializers.brains import (
    BrainCreateSerializer, BrainSerializer, BrainSuspendSerializer, ProcessSerializer,
)
from tenants.models import Brain, Process
from tenants.selectors.brains import brains_for_user, process_list
from tenants.services import brains


class BrainViewSet(IdempotentPostMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Brains the user can enter; platform administrators see all and create or suspend them."""

    serializer_class = BrainSerializer
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticated, GlobalReadWrite]

    queryset = Brain.objects.none()  # the schema's model; requests get get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return brains_for_user(user=self.request.user)

    @extend_schema(request=BrainCreateSerializer, responses={201: BrainSerializer})
    def create(self, request):
        data = self._valid(BrainCreateSerializer)
        brain = brains.brain_create(**data, by=request.user)
        return Response(BrainSerializer(brain).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BrainSuspendSerializer, responses=BrainSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, slug=None):
        data = self._valid(BrainSuspendSerializer)
        brain = brains.brain_suspend(brain=self.get_object(), reason=data["reason"], by=request.user)
        return Response(BrainSerializer(brain).data)

    @extend_schema(request=None, responses=BrainSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, slug=None):
        brain = brains.brain_reactivate(brain=self.get_object(), by=request.user)
        return Response(BrainSerializer(brain).data)

    def get_permissions(self):
        if self.action in ("create", "suspend", "reactivate"):
            return [permissions.IsAuthenticated(), NoApiKey()]
        return super().get_permissions()

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ProcessViewSet(BrainScopedViewSet, viewsets.ModelViewSet):
    """The brain's process catalogue: members read it, operators edit it."""

    queryset = Process.objects.all()
    selector = process_list
    serializer_class = ProcessSerializer
    filterset_fields = ["code"]

    def perform_create(self, serializer):
        serializer.instance = brains.process_save(brain=self.request.brain, by=self.request.user,
                                                  **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = brains.process_save(brain=self.request.brain, by=self.request.user,
                                                  process=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        brains.process_delete(process=instance, by=self.request.user)
