"""Supplier profiles over the API: the capacity map and a supplier's own profile."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.models import Machine, SupplierCapacity, SupplierProfile
from tenants.api.fields import EnterpriseBriefSerializer


class CapacitySerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    process_name = serializers.CharField(source="process.name", read_only=True)

    class Meta:
        model = SupplierCapacity
        fields = ["process", "process_name", "weekly_free_hours"]


class MachineSerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Machine
        fields = ["process", "machine_type", "brand", "model", "count", "envelope_x_mm", "envelope_y_mm",
                  "envelope_z_mm", "max_weight_kg", "tolerance_mm"]


class SupplierProfileSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)
    capacities = CapacitySerializer(many=True, read_only=True)
    machines = MachineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierProfile
        fields = ["id", "enterprise", "summary", "materials", "certifications", "region_code", "rating",
                  "on_time_rate", "first_pass_yield", "ratings_count", "completed_lines", "capacities", "machines",
                  "updated_at"]
        read_only_fields = fields


class CapacityInputSerializer(serializers.Serializer):
    process = serializers.CharField(max_length=20, help_text=_("A process code of the brain's catalogue."))
    weekly_free_hours = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0))


class MachineInputSerializer(serializers.ModelSerializer):
    process = serializers.CharField(max_length=20, help_text=_("A process code of the brain's catalogue."))

    class Meta:
        model = Machine
        fields = MachineSerializer.Meta.fields


class SupplierProfileInputSerializer(serializers.Serializer):
    """The whole profile: capacities and machines replace the stored ones."""

    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    materials = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    certifications = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                           default=list)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True, default="")
    capacities = CapacityInputSerializer(many=True, required=False, default=list)
    machines = MachineInputSerializer(many=True, required=False, default=list)
