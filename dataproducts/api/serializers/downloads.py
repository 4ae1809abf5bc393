"""The rows read: a published revision's rows, a page at a time, with the revision they come from and the
product's published fields."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dataproducts.models import Revision, RevisionRow


class RowsRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = ["id", "number", "period_from", "period_to", "published_at", "row_count", "corrects", "comment"]
        read_only_fields = fields


class PublishedColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    dimension = serializers.BooleanField(help_text=_("A dimension (filterable), else a measure."))


class PublishedRowSerializer(serializers.ModelSerializer):
    """One published row; the remainder row pools every suppressed cell (its dimensions are empty)."""

    class Meta:
        model = RevisionRow
        fields = ["position", "dimensions", "measures", "is_remainder"]
        read_only_fields = fields


class RowsPageSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    revision = RowsRevisionSerializer()
    columns = PublishedColumnSerializer(many=True)
    count = serializers.IntegerField(help_text=_("Rows in all pages (after the filters)."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublishedRowSerializer(many=True)
