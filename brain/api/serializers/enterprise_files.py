"""The enterprise file (一企一档) over the API."""

from rest_framework import serializers


class FactSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The attribute: legal_name, enterprise_type, registered_capital, …")
    label = serializers.CharField(help_text="Its name in the reader's language.")
    value = serializers.JSONField(help_text="As the department gave it.")
    source = serializers.CharField(help_text="This brain's name of the source that gave the value; empty when the "
                                             "value is the enterprise's own platform registration.")
    as_of = serializers.DateTimeField(allow_null=True, help_text="The department's as-of time of the value.")
    public = serializers.BooleanField(help_text="Whether other members of the brain see it.")


class TaxCreditSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="A, B, M, C or D.")
    year = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)


class PatentSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(allow_blank=True, help_text="invention, utility model or design, as recorded.")
    granted_on = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)


class ProcessCapabilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weekly_free_hours = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)


class PlatformFactsSerializer(serializers.Serializer):
    """The enterprise in this brain. `orders_won` is null for readers who see only the public part."""

    roles = serializers.ListField(child=serializers.CharField())
    membership_status = serializers.CharField()
    processes = ProcessCapabilitySerializer(many=True)
    materials = serializers.ListField(child=serializers.CharField())
    certifications = serializers.ListField(child=serializers.CharField())
    orders_won = serializers.IntegerField(allow_null=True, help_text="Purchase orders won as supplier (not declined).")
    completed_lines = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)
    first_pass_yield = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    ratings_count = serializers.IntegerField()


class TagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. high_tech, specialised_sme, process:CNC, material:718H, on_time.")
    label = serializers.CharField()
    explanation = serializers.CharField(help_text="Why the rule gave it, in the reader's language.")
    rule = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    evidence = serializers.DictField(help_text="The values the rule saw (empty for readers of the public part).")


class EnterpriseFileSerializer(serializers.Serializer):
    """The enterprise file (一企一档): registry facts with provenance, tax credit, patents, platform facts, tags."""

    id = serializers.IntegerField(source="enterprise.pk", help_text="The enterprise's id.")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    legal_name = serializers.CharField(source="enterprise.legal_name")
    full = serializers.BooleanField(help_text="False: the reader sees the public part only (private parts are "
                                              "absent or null).")
    registry = FactSerializer(many=True)
    tax_credit = TaxCreditSerializer(allow_null=True)
    patents = PatentSerializer(many=True)
    platform = PlatformFactsSerializer()
    tags = TagSerializer(many=True)


class EnterpriseFileBriefSerializer(serializers.Serializer):
    """One enterprise of the brain whose file the reader may open."""

    id = serializers.IntegerField(source="enterprise_id")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    legal_name = serializers.CharField(source="enterprise.legal_name")
    short_name = serializers.CharField(source="enterprise.short_name")
    region_code = serializers.CharField(source="enterprise.region_code")
    roles = serializers.ListField(child=serializers.CharField())
    membership_status = serializers.CharField(source="status")
