"""An enterprise, as members and its own people read it."""

from rest_framework import serializers

from tenants.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "legal_name", "short_name", "region_code", "address", "verified"]
        read_only_fields = fields
