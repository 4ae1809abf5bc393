"""Ratings of completed work orders over the API."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from capacity.models import SupplierRating
from tenants.api.fields import EnterpriseBriefSerializer


class RatingSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="work_order.purchase_order.number", read_only=True,
                                   help_text=gettext_lazy("The work order's purchase order number."))
    supplier = EnterpriseBriefSerializer(read_only=True)
    score = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True,
                                     help_text=gettext_lazy("The mean of the three, of 5."))

    class Meta:
        model = SupplierRating
        fields = ["id", "work_order", "number", "supplier", "quality", "on_time", "communication", "score", "comment",
                  "rated_at"]
        read_only_fields = fields


class RatingCreateSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(help_text=gettext_lazy("A completed work order that you bought."))
    quality = serializers.IntegerField(min_value=1, max_value=5)
    on_time = serializers.IntegerField(min_value=1, max_value=5, help_text=gettext_lazy("On-time delivery."))
    communication = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
