"""The brain's books over the API (operators only): the entries of supplychain's book in the one journal with
their lines, and the books' exposure. Money goes out as strings with two places."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ledger.models import Entry, Line
from supplychain.models import Document, EntryKind


def money(**kwargs):
    """An amount as the ledger holds it (numeric(16, 2))."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


class DocumentIdField(serializers.IntegerField):
    """The id of the entry's document when it is a `document_type` (a campaign), else null: the journal names
    documents by type and id, the API keeps naming the campaign as it always has."""

    def __init__(self, *, document_type: str, **kwargs):
        self.document_type = document_type
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, entry):
        return entry.document_id if entry.document_type == self.document_type else None


class JournalLineSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.kind", read_only=True)
    enterprise = serializers.IntegerField(source="account.enterprise_id", read_only=True, allow_null=True)

    class Meta:
        model = Line
        fields = ["account", "enterprise", "debit", "credit"]
        read_only_fields = fields


class JournalEntrySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, read_only=True)
    group_buy = DocumentIdField(document_type=Document.GROUP_BUY)
    lines = JournalLineSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
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
