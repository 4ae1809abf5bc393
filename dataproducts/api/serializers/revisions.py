"""Revisions over the API: lineage and counts (never rows: B's rows API reads those, entitlement-checked), the
operators' build, publish and correct."""

from rest_framework import serializers

from dataproducts.models import Revision
from tenants.api.fields import PersonField

LINEAGE_SHOWN = ("definition", "definition_version", "tables", "period_from", "period_to", "computed_at",
                 "code_version", "rule", "records", "suppressed_cells", "remainder_cells", "remainder_withheld")


class RevisionSerializer(serializers.ModelSerializer):
    published_by = PersonField(allow_null=True)
    lineage = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["id", "product", "number", "status", "period_from", "period_to", "definition_version",
                  "code_version", "lineage", "computed_at", "published_at", "published_by", "corrects", "comment",
                  "row_count", "suppressed_count", "enterprise_count", "updated_at"]
        read_only_fields = fields

    def get_lineage(self, revision) -> dict:
        return {key: revision.lineage[key] for key in LINEAGE_SHOWN if key in revision.lineage}


class RevisionBuildSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RevisionCorrectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=500)
