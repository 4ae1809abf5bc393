"""The brain's ledger over the API (operators only): journal entries with their lines, and the books' exposure.
Money goes out as strings with two places."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from supplychain.models import JournalEntry, JournalLine


def money(**kwargs):
    """An amount as the ledger holds it (numeric(16, 2))."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


class JournalLineSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.kind", read_only=True)
    enterprise = serializers.IntegerField(source="account.enterprise_id", read_only=True, allow_null=True)

    class Meta:
        model = JournalLine
        fields = ["account", "enterprise", "debit", "credit"]
        read_only_fields = fields


class JournalEntrySerializer(serializers.ModelSerializer):
    lines = JournalLineSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "kind", "group_buy", "memo", "reference", "booked_on", "created_at", "lines"]
        read_only_fields = fields


class ExposureSerializer(serializers.Serializer):
    bank = money(read_only=True, help_text=_("Money the brain holds (in less out)."))
    members_owe = money(read_only=True)
    members_prepaid = money(read_only=True)
    owed_to_suppliers = money(read_only=True)
    fees_earned = money(read_only=True)
    open_exposure = money(read_only=True, help_text=_("What members still owe for goods the brain has already paid "
                                                      "suppliers for."))
