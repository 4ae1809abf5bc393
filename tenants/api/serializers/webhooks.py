"""Webhook event types, endpoints and the delivery log."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEventTypeSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    pending = serializers.IntegerField(read_only=True, help_text=_("Deliveries waiting to be sent or retried."))
    failed = serializers.IntegerField(read_only=True, help_text=_("Deliveries that gave up after every retry."))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_active", "pending", "failed", "created_at",
                  "updated_at"]
        read_only_fields = fields


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("The key of the IB-Signature HMAC."))

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1, max_length=100,
                                        help_text=_("Names from webhook-event-types, or \"*\" for all."))


class WebhookEndpointChangeSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1, max_length=100,
                                        required=False)
    is_active = serializers.BooleanField(required=False)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "at", "manual", "status_code", "response_body", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.PrimaryKeyRelatedField(read_only=True)
    body = serializers.SerializerMethodField(help_text=_("The JSON sent, the same in every attempt."))
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event_type", "webhook_id", "status", "attempts", "next_attempt_at",
                  "last_status_code", "last_error", "created_at", "succeeded_at", "updated_at", "body", "attempt_log"]
        read_only_fields = fields

    def get_body(self, instance) -> dict:
        return json.loads(instance.body)
