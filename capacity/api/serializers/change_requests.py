"""Change requests of a work-order line's due date or quantity over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from capacity.models import ChangeRequest
from tenants.api.fields import PersonField


class ChangeRequestSerializer(serializers.ModelSerializer):
    work_order = serializers.IntegerField(source="line.work_order_id", read_only=True)
    part_no = serializers.CharField(source="line.part.part_no", read_only=True)
    requested_by = PersonField()
    decided_by = PersonField(allow_null=True)

    class Meta:
        model = ChangeRequest
        fields = ["id", "work_order", "line", "part_no", "side", "status", "old_due_date", "new_due_date",
                  "old_quantity", "new_quantity", "reason", "requested_by", "requested_at", "decided_by",
                  "decided_at", "response"]
        read_only_fields = fields


class ChangeRequestCreateSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("A line of a work order in production that you buy or make."))
    new_due_date = serializers.DateField(required=False, allow_null=True, default=None)
    new_quantity = serializers.IntegerField(required=False, allow_null=True, default=None,
                                            help_text=_("At least 1 and at least the pieces accepted so far."))
    reason = serializers.CharField(max_length=500)


class ChangeDecisionSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text=_("Required to reject: why."))
