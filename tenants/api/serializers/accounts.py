"""The authenticated person and their enterprise."""

from rest_framework import serializers

from tenants.api.serializers.enterprises import EnterpriseSerializer
from tenants.models import User


class MeSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseSerializer(read_only=True)
    # A plain string in the schema: empty when the person has no e-mail, which `format: email` forbids.
    email = serializers.CharField(read_only=True, help_text="E-mail address; empty when none is set.")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "mobile", "email", "enterprise", "enterprise_role",
                  "is_platform_admin"]
        read_only_fields = fields
