"""Payables over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from finance.models import Payable
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money


class PayableSerializer(serializers.ModelSerializer):
    debtor = EnterpriseBriefSerializer(read_only=True)
    creditor = EnterpriseBriefSerializer(read_only=True)
    amount = money()
    tax = money()
    confirmed_by = PersonField(allow_null=True)

    class Meta:
        model = Payable
        fields = ["id", "number", "source", "source_id", "description", "debtor", "creditor", "currency", "amount",
                  "tax", "accepted_on", "due_on", "beyond_legal_terms", "status", "split_from", "dispute_reason",
                  "created_at", "confirmed_at", "confirmed_by", "paid_on", "updated_at"]
        read_only_fields = fields


class PayableConfirmSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None,
                                      help_text=_("The undisputed part; the whole payable if left out."))
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text=_("Earlier than the terms give, if agreed; never later."))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   help_text=_("Required when part is disputed: why."))


class PayableWaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PaymentSerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if left out."))
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                      help_text=_("The bank's reference of the payment."))
