"""Webhooks: the event types one may subscribe to, an enterprise's endpoints in a brain and their delivery log.
Writes go through tenants.webhooks."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from tenants import webhooks
from tenants.api.base import BrainScopedViewSet
from tenants.api.serializers.webhooks import (
    WebhookDeliverySerializer, WebhookEndpointChangeSerializer, WebhookEndpointInputSerializer,
    WebhookEndpointSecretSerializer, WebhookEndpointSerializer, WebhookEventTypeSerializer,
)
from tenants.errors import NotAllowed
from tenants.models import ApiKey, WebhookDelivery, WebhookEndpoint
from tenants.selectors.webhooks import webhook_delivery_list, webhook_endpoint_list


class WebhookEventTypeView(ListAPIView):
    """The event types a webhook endpoint may subscribe to, with what each means."""

    serializer_class = WebhookEventTypeSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return webhooks.event_type_catalogue()


class WebhookEndpointViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your enterprise's webhook endpoints in this brain. Each delivery is a POST of JSON signed with the
    endpoint's secret (header IB-Signature), retried for 27 hours until your URL answers 2xx. Managed by the
    enterprise's administrators and its write keys; nobody else's endpoints exist for you (404)."""

    queryset = WebhookEndpoint.objects.all()
    selector = webhook_endpoint_list
    serializer_class = WebhookEndpointSerializer
    filterset_fields = ["is_active"]

    def _answer(self, endpoint, serializer_class=WebhookEndpointSerializer, status_code=200):
        return Response(serializer_class(self.visible().get(pk=endpoint.pk)).data, status=status_code)

    @extend_schema(request=WebhookEndpointInputSerializer,
                   responses={201: WebhookEndpointSecretSerializer})
    def create(self, request, brain_slug=None):
        """Subscribe a URL to event types; the answer holds the signing secret."""
        endpoint = webhooks.webhook_endpoint_create(brain=request.brain, by=request.user,
                                                    **self.valid(WebhookEndpointInputSerializer))
        return self._answer(endpoint, WebhookEndpointSecretSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointChangeSerializer, responses=WebhookEndpointSerializer)
    def partial_update(self, request, brain_slug=None, pk=None):
        """Change the URL, description or event types, or switch it off (deliveries wait) and on again."""
        endpoint = webhooks.webhook_endpoint_update(endpoint=self.get_object(), by=request.user,
                                                    **self.valid(WebhookEndpointChangeSerializer))
        return self._answer(endpoint)

    @extend_schema(responses={204: None})
    def destroy(self, request, brain_slug=None, pk=None):
        """Remove the endpoint and its delivery log."""
        webhooks.webhook_endpoint_delete(endpoint=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WebhookEndpointSecretSerializer)
    @action(detail=True, methods=["get"])
    def secret(self, request, brain_slug=None, pk=None):
        """The signing secret (administrators of the enterprise and its write keys)."""
        endpoint = self.get_object()
        if not request.user.is_enterprise_admin:
            raise NotAllowed(_("Only an administrator of the enterprise may manage its webhooks."))
        if isinstance(request.auth, ApiKey) and request.auth.scope != ApiKey.Scope.WRITE:
            # With the secret a reader could forge deliveries to the enterprise's own receiver.
            raise NotAllowed(_("A read-only API key cannot read a signing secret."), code="read_only_key")
        return Response(WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(request=None, responses=WebhookEndpointSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, brain_slug=None, pk=None):
        """A new signing secret, used from the next attempt on; the old one stops working at once."""
        endpoint = webhooks.webhook_endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return self._answer(endpoint, WebhookEndpointSecretSerializer)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request, brain_slug=None, pk=None):
        """Send a `ping` delivery now, to check that your receiver answers and verifies the signature."""
        delivery = webhooks.webhook_endpoint_ping(endpoint=self.get_object(), by=request.user)
        fresh = webhook_delivery_list(brain=request.brain, viewer=self.access)
        return Response(WebhookDeliverySerializer(fresh.get(pk=delivery.pk)).data,
                        status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The delivery log of your enterprise's endpoints: each delivery with its body and every attempt with
    the receiver's answer. Replay sends one again now."""

    queryset = WebhookDelivery.objects.all()
    selector = webhook_delivery_list
    serializer_class = WebhookDeliverySerializer
    filterset_fields = ["endpoint", "status", "event_type"]

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, brain_slug=None, pk=None):
        """Send the delivery again now: the same body and webhook id, signed anew."""
        delivery = webhooks.webhook_delivery_replay(delivery=self.get_object(), by=request.user)
        return self.fresh(delivery, status.HTTP_202_ACCEPTED)
