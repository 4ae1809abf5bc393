"""API keys, their rate limits and the audit of what they did."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.models import ApiCall, ApiKey, Brain


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
