"""Brains, and a brain's process catalogue."""

from rest_framework import serializers

from tenants.models import Brain, Process, slug_validator


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


class ProcessSerializer(serializers.ModelSerializer):
    class Meta:
        model = Process
        fields = ["id", "code", "name_zh", "name_en", "sort_order"]
