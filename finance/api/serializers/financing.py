"""Bank financing over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from finance.models import CreditLine, FinancingQuote, FinancingRequest
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money

RATE = {"max_digits": 7, "decimal_places": 4}


class CreditLineSerializer(serializers.ModelSerializer):
    bank = EnterpriseBriefSerializer(read_only=True)
    buyer = EnterpriseBriefSerializer(read_only=True)
    limit = money()
    used = money()
    room = money()

    class Meta:
        model = CreditLine
        fields = ["id", "bank", "buyer", "limit", "used", "room", "expires_on", "created_at", "updated_at"]
        read_only_fields = fields


class CreditLineReviseSerializer(serializers.Serializer):
    limit = serializers.DecimalField(max_digits=14, decimal_places=2)
    expires_on = serializers.DateField()


class CreditLineOpenSerializer(CreditLineReviseSerializer):
    buyer = serializers.IntegerField(help_text=_("The enterprise id of a buyer of this brain."))


class FinancingRequestSerializer(serializers.ModelSerializer):
    supplier = EnterpriseBriefSerializer(read_only=True)
    debtor = EnterpriseBriefSerializer(read_only=True)
    face = money()
    requested_by = PersonField()

    class Meta:
        model = FinancingRequest
        fields = ["id", "number", "supplier", "debtor", "payable", "certificate", "face", "matures_on", "note",
                  "requested_by", "requested_at", "expires_at", "status", "closed_at", "early_payment", "updated_at"]
        read_only_fields = fields


class FinancingRequestMakeSerializer(serializers.Serializer):
    payable = serializers.IntegerField(required=False, allow_null=True, default=None)
    certificate = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FinancingQuoteSerializer(serializers.ModelSerializer):
    bank = EnterpriseBriefSerializer(read_only=True)
    fee = money()
    quoted_by = PersonField()

    class Meta:
        model = FinancingQuote
        fields = ["id", "request", "bank", "rate", "apr", "percent", "fee", "valid_until", "note", "quoted_by",
                  "quoted_at", "status", "closed_at", "early_payment", "updated_at"]
        read_only_fields = fields


class FinancingQuoteMakeSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    apr = serializers.DecimalField(required=False, allow_null=True, default=None,
                                   help_text=_("An annual rate (%), or give `percent`."), **RATE)
    percent = serializers.DecimalField(required=False, allow_null=True, default=None, max_digits=6, decimal_places=4,
                                       # xgettext:no-python-format (a percent sign, not a placeholder)
                                       help_text=_("A flat discount, % of the face."))
    fee = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    valid_until = serializers.DateTimeField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BankExposureSerializer(serializers.Serializer):
    bank = EnterpriseBriefSerializer(allow_null=True)
    buyer = EnterpriseBriefSerializer(allow_null=True)
    limit = money()
    used = money()
    room = money()
    expires_on = serializers.DateField(allow_null=True)
    claims = serializers.IntegerField()
    outstanding = money()
    next_maturity = serializers.DateField(allow_null=True)
