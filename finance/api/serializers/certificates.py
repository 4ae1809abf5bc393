"""Payable certificates over the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from finance.models import Certificate, CertificateTransfer
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money


class CertificateSerializer(serializers.ModelSerializer):
    issuer = EnterpriseBriefSerializer(read_only=True)
    holder = EnterpriseBriefSerializer(read_only=True)
    offered_to = EnterpriseBriefSerializer(read_only=True, allow_null=True)
    amount = money()

    class Meta:
        model = Certificate
        fields = ["id", "number", "payable", "parent", "depth", "issuer", "holder", "amount", "matures_on", "status",
                  "offered_to", "created_at", "redeemed_on", "updated_at"]
        read_only_fields = fields


class CertificateIssueSerializer(serializers.Serializer):
    payable = serializers.IntegerField(help_text=_("A confirmed payable owed to you."))


class CertificateSplitSerializer(serializers.Serializer):
    amounts = serializers.ListField(child=serializers.DecimalField(max_digits=14, decimal_places=2),
                                    min_length=2, max_length=20,
                                    help_text=_("2 to 20 parts, to the fen, adding up to the face value."))


class CertificateTransferCreateSerializer(serializers.Serializer):
    receiver = serializers.IntegerField(help_text=_("The enterprise id of another active member."))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      default=None, help_text=_("A part to pass on (split off first); the whole "
                                                                "certificate if left out."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CertificateTransferSerializer(serializers.ModelSerializer):
    certificate = CertificateSerializer(read_only=True)
    sender = EnterpriseBriefSerializer(read_only=True)
    receiver = EnterpriseBriefSerializer(read_only=True)
    offered_by = PersonField()
    decided_by = PersonField(allow_null=True)

    class Meta:
        model = CertificateTransfer
        fields = ["id", "certificate", "sender", "receiver", "note", "offered_by", "offered_at", "expires_at",
                  "outcome", "decided_at", "decided_by", "reason"]
        read_only_fields = fields


class TransferDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
