import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.models import (
    ApiCall, ApiKey, Brain, Enterprise, Membership, Notification, Process, User, WebhookAttempt, WebhookDelivery,
    WebhookEndpoint, slug_validator,
)


class BrainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brain
        fields = ["id", "slug", "name_zh", "name_en", "sector", "region_code", "status", "suspended_reason"]
        read_only_fields = fields


class BrainCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=40, validators=[slug_validator])
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)
    sector = serializers.CharField(max_length=60)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True)


class BrainSuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "legal_name", "short_name", "region_code", "address", "verified"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseSerializer(read_only=True)
    # A plain string in the schema: empty when the person has no e-mail, which `format: email` forbids.
    email = serializers.CharField(read_only=True, help_text="E-mail address; empty when none is set.")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "mobile", "email", "enterprise", "enterprise_role",
                  "is_platform_admin"]
        read_only_fields = fields


class ProcessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Process
        fields = ["id", "code", "name_zh", "name_en", "sort_order"]


class MembershipSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseSerializer(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Membership.Role.choices), min_length=1)

    class Meta:
        model = Membership
        fields = ["id", "enterprise", "roles", "status", "note", "applied_at", "decided_at"]
        read_only_fields = ["id", "enterprise", "status", "applied_at", "decided_at"]


class MembershipDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class ApiKeySerializer(serializers.ModelSerializer):
    brains = serializers.SerializerMethodField(help_text=_("Slugs of the brains the key may reach."))

    class Meta:
        model = ApiKey
        fields = ["id", "enterprise", "name", "prefix", "scope", "brains", "rate_limit_per_minute", "created_at",
                  "last_used_at", "revoked_at"]
        read_only_fields = fields

    def get_brains(self, instance) -> list[str]:
        slugs = self.context.get("brain_slugs")  # id -> slug, given by the view for a whole page at once
        if slugs is None:
            slugs = dict(Brain.objects.filter(pk__in=instance.brain_ids).values_list("pk", "slug"))
        return [slugs[pk] for pk in instance.brain_ids if pk in slugs]


class ApiCallSerializer(serializers.ModelSerializer):
    brain = serializers.CharField(source="brain_slug", read_only=True)

    class Meta:
        model = ApiCall
        fields = ["id", "at", "method", "path", "status_code", "brain", "idempotency_key", "replayed"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=ApiKey.Scope.choices, default=ApiKey.Scope.READ)
    brains = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Brain.objects.all())


class ApiKeyRateLimitSerializer(serializers.Serializer):
    rate_limit_per_minute = serializers.IntegerField(
        min_value=ApiKey.RATE_LIMIT_MIN, max_value=ApiKey.RATE_LIMIT_MAX,
        help_text=_("Requests per minute; the key's next request is counted against it."))


class IssuedApiKeySerializer(ApiKeySerializer):
    secret = serializers.CharField(read_only=True, help_text=_("Shown once; store it now."))

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "secret"]
        read_only_fields = fields


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
