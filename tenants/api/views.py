from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from tenants import selectors, services, webhooks
from tenants.api import serializers
from tenants.api.base import BrainScopedViewSet
from tenants.api.filters import ApiKeyFilter
from tenants.api.idempotency import IdempotentPostMixin
from tenants.api.permissions import GlobalReadWrite, NoApiKey, PlatformAdmin
from tenants.errors import NotAllowed
from tenants.models import ApiKey, Brain, Membership, Notification, Process, WebhookDelivery, WebhookEndpoint


class MeView(RetrieveAPIView):
    """The authenticated user and their enterprise."""

    serializer_class = serializers.MeSerializer

    def get_object(self):
        return self.request.user


class BrainViewSet(IdempotentPostMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Brains the user can enter; platform administrators see all and create or suspend them."""

    serializer_class = serializers.BrainSerializer
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticated, GlobalReadWrite]

    queryset = Brain.objects.none()  # the schema's model; requests get get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.brains_for_user(user=self.request.user)

    @extend_schema(request=serializers.BrainCreateSerializer, responses={201: serializers.BrainSerializer})
    def create(self, request):
        data = self._valid(serializers.BrainCreateSerializer)
        brain = services.brain_create(**data, by=request.user)
        return Response(serializers.BrainSerializer(brain).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BrainSuspendSerializer, responses=serializers.BrainSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, slug=None):
        data = self._valid(serializers.BrainSuspendSerializer)
        brain = services.brain_suspend(brain=self.get_object(), reason=data["reason"], by=request.user)
        return Response(serializers.BrainSerializer(brain).data)

    @extend_schema(request=None, responses=serializers.BrainSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, slug=None):
        brain = services.brain_reactivate(brain=self.get_object(), by=request.user)
        return Response(serializers.BrainSerializer(brain).data)

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
    selector = selectors.process_list
    serializer_class = serializers.ProcessSerializer
    filterset_fields = ["code"]

    def perform_create(self, serializer):
        serializer.instance = services.process_save(brain=self.request.brain, by=self.request.user,
                                                    **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.process_save(brain=self.request.brain, by=self.request.user,
                                                    process=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.process_delete(process=instance, by=self.request.user)


class MembershipViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Members of the brain. Operators see every application; members see active members."""

    queryset = Membership.objects.all()
    selector = selectors.membership_list
    serializer_class = serializers.MembershipSerializer
    filterset_fields = ["status"]
    open_to_non_members = ("create",)  # an enterprise applies before it is a member

    @extend_schema(request=serializers.MembershipSerializer, responses={201: serializers.MembershipSerializer})
    def create(self, request, brain_slug=None):
        """Apply to join this brain (enterprise administrators)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.enterprise is None:
            raise NotAllowed(_("Only an administrator of the enterprise may apply for it."))
        membership = services.membership_apply(
            brain=request.brain, enterprise=request.user.enterprise, by=request.user,
            roles=serializer.validated_data["roles"], note=serializer.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def _decide(self, decision):
        serializer = serializers.MembershipDecisionSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_decide(
            membership=self.get_object(), decision=decision, note=serializer.validated_data["note"],
            by=self.request.user,
        )
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=serializers.MembershipDecisionSerializer, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def admit(self, request, brain_slug=None, pk=None):
        return self._decide("admit")

    @extend_schema(request=serializers.MembershipDecisionSerializer, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        return self._decide("reject")

    @extend_schema(request=serializers.MembershipDecisionSerializer, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, brain_slug=None, pk=None):
        return self._decide("suspend")

    @extend_schema(request=serializers.MembershipDecisionSerializer, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, brain_slug=None, pk=None):
        return self._decide("reinstate")

    @extend_schema(request=None, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, brain_slug=None, pk=None):
        membership = self.get_object()
        services.enterprise_verify(membership=membership, by=request.user)
        membership.enterprise.refresh_from_db()
        return Response(self.get_serializer(membership).data)


class NotificationViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The user's own notifications in this brain."""

    queryset = Notification.objects.all()
    selector = selectors.notification_list
    serializer_class = serializers.NotificationSerializer

    @extend_schema(request=serializers.MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request, brain_slug=None):
        serializer = serializers.MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.notifications_mark_read(
            brain=request.brain, user=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": count})


class ApiKeyViewSet(IdempotentPostMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    """The enterprise's API keys (a platform administrator sees every enterprise's). Create returns the secret
    once; delete revokes; the platform administrator sets a key's rate limit."""

    serializer_class = serializers.ApiKeySerializer
    filterset_class = ApiKeyFilter
    permission_classes = [permissions.IsAuthenticated, NoApiKey]
    idempotency_keeps_answer = False  # a new key's secret must not be stored anywhere

    queryset = ApiKey.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.api_keys_for_user(user=self.request.user)

    def get_permissions(self):
        if self.action == "rate_limit":  # refused before looking the key up: nobody learns which keys exist
            return [*super().get_permissions(), PlatformAdmin()]
        return super().get_permissions()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "brain_slugs": dict(Brain.objects.values_list("pk", "slug"))}

    @extend_schema(request=serializers.ApiKeyCreateSerializer, responses={201: serializers.IssuedApiKeySerializer})
    def create(self, request):
        serializer = serializers.ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.api_key_create(by=request.user, **serializer.validated_data)
        issued.api_key.secret = issued.secret
        data = serializers.IssuedApiKeySerializer(issued.api_key, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.api_key_revoke(api_key=instance, by=self.request.user)

    @extend_schema(responses={200: serializers.ApiCallSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])  # the key filters are the list's, not the audit's
    def calls(self, request, pk=None):
        """The key's audit: every write it made, newest first, with its outcome (refused ones too)."""
        calls = selectors.api_calls(api_key=self.get_object())
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(serializers.ApiCallSerializer(page, many=True).data)

    @extend_schema(request=serializers.ApiKeyRateLimitSerializer, responses=serializers.ApiKeySerializer)
    @action(detail=True, methods=["post"], url_path="rate-limit", filter_backends=[])
    def rate_limit(self, request, pk=None):
        """Platform administrators: set the key's requests per minute (1 to 100,000), counted from its next request.
        Anyone else is refused with 403, whatever the key; a revoked key cannot be changed."""
        api_key = self.get_object()
        serializer = serializers.ApiKeyRateLimitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key = services.api_key_set_rate_limit(api_key=api_key, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(api_key).data)


class WebhookEventTypeView(ListAPIView):
    """The event types a webhook endpoint may subscribe to, with what each means."""

    serializer_class = serializers.WebhookEventTypeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return webhooks.event_type_catalogue()


class WebhookEndpointViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's webhook endpoints in this brain. Each delivery is a POST of JSON signed with the
    endpoint's secret (header IB-Signature), retried for 27 hours until your URL answers 2xx. Managed by the
    enterprise's administrators and its write keys; nobody else's endpoints exist for you (404)."""

    queryset = WebhookEndpoint.objects.all()
    selector = selectors.webhook_endpoint_list
    serializer_class = serializers.WebhookEndpointSerializer
    filterset_fields = ["is_active"]

    def _answer(self, endpoint, serializer_class=serializers.WebhookEndpointSerializer, status_code=200):
        return Response(serializer_class(self.visible().get(pk=endpoint.pk)).data, status=status_code)

    @extend_schema(request=serializers.WebhookEndpointInputSerializer,
                   responses={201: serializers.WebhookEndpointSecretSerializer})
    def create(self, request, brain_slug=None):
        """Subscribe a URL to event types; the answer holds the signing secret."""
        endpoint = webhooks.webhook_endpoint_create(brain=request.brain, by=request.user,
                                                    **self.valid(serializers.WebhookEndpointInputSerializer))
        return self._answer(endpoint, serializers.WebhookEndpointSecretSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.WebhookEndpointChangeSerializer, responses=serializers.WebhookEndpointSerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change the URL, description or event types, or switch it off (deliveries wait) and on again."""
        endpoint = webhooks.webhook_endpoint_update(endpoint=self.get_object(), by=request.user,
                                                    **self.valid(serializers.WebhookEndpointChangeSerializer))
        return self._answer(endpoint)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Remove the endpoint and its delivery log."""
        webhooks.webhook_endpoint_delete(endpoint=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=serializers.WebhookEndpointSecretSerializer)
    @action(detail=True, methods=["get"])
    def secret(self, request, brain_slug=None, pk=None):
        """The signing secret (administrators of the enterprise and its write keys)."""
        endpoint = self.get_object()
        if not request.user.is_enterprise_admin:
            raise NotAllowed(_("Only an administrator of the enterprise may manage its webhooks."))
        if isinstance(request.auth, ApiKey) and request.auth.scope != ApiKey.Scope.WRITE:
            # With the secret a reader could forge deliveries to the enterprise's own receiver.
            raise NotAllowed(_("A read-only API key cannot read a signing secret."), code="read_only_key")
        return Response(serializers.WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(request=None, responses=serializers.WebhookEndpointSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, brain_slug=None, pk=None):
        """A new signing secret, used from the next attempt on; the old one stops working at once."""
        endpoint = webhooks.webhook_endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return self._answer(endpoint, serializers.WebhookEndpointSecretSerializer)

    @extend_schema(request=None, responses={202: serializers.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request, brain_slug=None, pk=None):
        """Send a `ping` delivery now, to check that your receiver answers and verifies the signature."""
        delivery = webhooks.webhook_endpoint_ping(endpoint=self.get_object(), by=request.user)
        fresh = selectors.webhook_delivery_list(brain=request.brain, viewer=self.access)
        return Response(serializers.WebhookDeliverySerializer(fresh.get(pk=delivery.pk)).data,
                        status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The delivery log of your enterprise's endpoints: each delivery with its body and every attempt with
    the receiver's answer. Replay sends one again now."""

    queryset = WebhookDelivery.objects.all()
    selector = selectors.webhook_delivery_list
    serializer_class = serializers.WebhookDeliverySerializer
    filterset_fields = ["endpoint", "status", "event_type"]

    @extend_schema(request=None, responses={202: serializers.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, brain_slug=None, pk=None):
        """Send the delivery again now: the same body and webhook id, signed anew."""
        delivery = webhooks.webhook_delivery_replay(delivery=self.get_object(), by=request.user)
        return self.fresh(delivery, status.HTTP_202_ACCEPTED)
