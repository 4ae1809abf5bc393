"""Memberships: an application to a brain, and an operator's decision on one."""

from rest_framework import serializers

from tenants.api.serializers.enterprises import EnterpriseSerializer
from tenants.models import Membership


class MembershipSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseSerializer(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Membership.Role.choices), min_length=1)

    class Meta:
        model = Membership
        fields = ["id", "enterprise", "roles", "status", "note", "applied_at", "decided_at"]
        read_only_fields = ["id", "enterprise", "status", "applied_at", "decided_at"]


class MembershipDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
