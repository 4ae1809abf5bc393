"""What an enterprise's data fed (its contributions to published revisions) and its opt-outs, over the API."""

from rest_framework import serializers

from dataproducts.models import Contribution, OptOut
from tenants.api.fields import PersonField


class ContributionSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="revision.product_id", read_only=True)
    product_code = serializers.CharField(source="revision.product.code", read_only=True)
    revision_number = serializers.IntegerField(source="revision.number", read_only=True)
    revision_status = serializers.CharField(source="revision.status", read_only=True)
    period_from = serializers.DateField(source="revision.period_from", read_only=True)
    period_to = serializers.DateField(source="revision.period_to", read_only=True)

    class Meta:
        model = Contribution
        fields = ["id", "revision", "revision_number", "revision_status", "product", "product_code", "period_from",
                  "period_to", "enterprise", "records", "cells", "suppressed_cells"]
        read_only_fields = fields


class OptOutSerializer(serializers.ModelSerializer):
    by = PersonField()

    class Meta:
        model = OptOut
        fields = ["id", "product", "enterprise", "by", "at"]
        read_only_fields = fields


class OptOutMakeSerializer(serializers.Serializer):
    product = serializers.IntegerField()
