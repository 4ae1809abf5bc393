"""Usage records and statements over the API: what was metered, what a statement billed line by line (VAT per line),
and the operators' issuing of a month's statements."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dataproducts.models import UsageRecord, UsageStatement
from tenants.api.fields import EnterpriseBriefSerializer, PersonField, money


class UsageRecordSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)
    product = serializers.IntegerField(source="subscription.product_id", read_only=True, allow_null=True,
                                       help_text=_("The data product read (a subscription's record)."))
    component = serializers.IntegerField(source="installation.listing.component_id", read_only=True,
                                         allow_null=True, help_text=_("The app installed (an installation's record)."))
    amount = money(help_text=_("Charged for this use, VAT included; 0 for a free read."))

    class Meta:
        model = UsageRecord
        fields = ["id", "kind", "subscription", "installation", "product", "component", "enterprise",
                  "idempotency_key", "rows", "amount", "revision", "at", "statement"]
        read_only_fields = fields


class UsageStatementLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    subscription = serializers.IntegerField(source="subscription_id", read_only=True, allow_null=True)
    installation = serializers.IntegerField(source="installation_id", read_only=True, allow_null=True)
    name = serializers.CharField(source="what.name", read_only=True, help_text=_("The product or app."))
    calls = serializers.IntegerField(read_only=True)
    downloads = serializers.IntegerField(read_only=True)
    rows = serializers.IntegerField(read_only=True)
    periods = serializers.IntegerField(read_only=True)
    amount = money(help_text=_("The line's charge, VAT included."))
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)
    vat = money(help_text=_("The VAT inside the line's charge, to the fen."))
    net = money()


class UsageStatementSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(read_only=True)
    total = money(help_text=_("The month's charge, VAT included."))
    vat = money(help_text=_("The sum of the lines' VAT."))
    issued_by = PersonField(allow_null=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = UsageStatement
        fields = ["id", "enterprise", "month", "total", "vat", "currency", "line_count", "issued_at", "issued_by"]
        read_only_fields = fields


class UsageStatementDetailSerializer(UsageStatementSerializer):
    lines = UsageStatementLineSerializer(many=True, read_only=True, source="line_list")

    class Meta(UsageStatementSerializer.Meta):
        fields = [*UsageStatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class UsageStatementIssueSerializer(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m", "iso-8601"],
                                  help_text=_("The month to bill, YYYY-MM (a month that is over)."))
    enterprise = serializers.IntegerField(required=False, min_value=1,
                                          help_text=_("One subscriber only; every subscriber with charges if left "
                                                      "out."))
