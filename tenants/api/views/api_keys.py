"""API keys: an enterprise's administrators issue and revoke them; platform administrators set their rate
limits."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.api.filters.api_keys import ApiKeyFilter
from tenants.api.idempotency import IdempotentPostMixin
from tenants.api.permissions import NoApiKey, PlatformAdmin
from tenants.api.serializers.api_keys import (
    ApiCallSerializer, ApiKeyCreateSerializer, ApiKeyRateLimitSerializer, ApiKeySerializer,
    IssuedApiKeySerializer,
)
from tenants.models import ApiKey, Brain
from tenants.selectors.api_keys import api_calls, api_keys_for_user
from tenants.services import api_keys


class ApiKeyViewSet(IdempotentPostMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    """The enterprise's API keys (a platform administrator sees every enterprise's). Create returns the secret
    once; delete revokes; the platform administrator sets a key's rate limit."""

    serializer_class = ApiKeySerializer
    filterset_class = ApiKeyFilter
    permission_classes = [permissions.IsAuthenticated, NoApiKey]
    idempotency_keeps_answer = False  # a new key's secret must not be stored anywhere

    queryset = ApiKey.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return api_keys_for_user(user=self.request.user)

    def get_permissions(self):
        if self.action == "rate_limit":  # refused before looking the key up: nobody learns which keys exist
            return [*super().get_permissions(), PlatformAdmin()]
        return super().get_permissions()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "brain_slugs": dict(Brain.objects.values_list("pk", "slug"))}

    @extend_schema(request=ApiKeyCreateSerializer, responses={201: IssuedApiKeySerializer})
    def create(self, request):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_keys.api_key_create(by=request.user, **serializer.validated_data)
        issued.api_key.secret = issued.secret
        data = IssuedApiKeySerializer(issued.api_key, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        api_keys.api_key_revoke(api_key=instance, by=self.request.user)

    @extend_schema(responses={200: ApiCallSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])  # the key filters are the list's, not the audit's
    def calls(self, request, pk=None):
        """The key's audit: every write it made, newest first, with its outcome (refused ones too)."""
        calls = api_calls(api_key=self.get_object())
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(ApiCallSerializer(page, many=True).data)

    @extend_schema(request=ApiKeyRateLimitSerializer, responses=ApiKeySerializer)
    @action(detail=True, methods=["post"], url_path="rate-limit", filter_backends=[])
    def rate_limit(self, request, pk=None):
        """Platform administrators: set the key's requests per minute (1 to 100,000), counted from its next request.
        Anyone else is refused with 403, whatever the key; a revoked key cannot be changed."""
        api_key = self.get_object()
        serializer = ApiKeyRateLimitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key = api_keys.api_key_set_rate_limit(api_key=api_key, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(api_key).data)
