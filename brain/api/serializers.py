from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brain import policy_selectors
from brain.models import DataSource, Department, Policy, PolicyMatch, QuarantinedRecord, RecordType, SyncRun


class DataSourceSerializer(serializers.ModelSerializer):
    has_token = serializers.SerializerMethodField(help_text="Whether an access token is set (it is never shown).")

    class Meta:
        model = DataSource
        fields = ["id", "name", "kind", "department", "record_type", "url", "has_token", "folder", "options",
                  "mapping", "authoritative_for", "priority", "interval_minutes", "lookback_minutes", "enabled",
                  "watermark", "next_run_at", "created_at"]
        read_only_fields = fields

    def get_has_token(self, source) -> bool:
        return bool(source.token)


class DataSourceInputSerializer(serializers.Serializer):
    """What an operator sets. `mapping` and `options` are described in docs/government-data.md."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=DataSource.Kind.choices)
    department = serializers.ChoiceField(choices=Department.choices)
    record_type = serializers.ChoiceField(choices=RecordType.choices)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    token = serializers.CharField(max_length=500, required=False, allow_blank=True, write_only=True,
                                  help_text="Sent as `Authorization: Bearer <token>`; write-only.")
    folder = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                   help_text="For file drops: a folder under the platform's drop folder.")
    options = serializers.DictField(required=False, help_text="HTTP paging: page_size, list_path, total_path, …")
    mapping = serializers.DictField(help_text='{"credit_code": "tyshxydm", "as_of": "gxsj", "attributes": {…}}')
    authoritative_for = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                              max_length=100)
    priority = serializers.IntegerField(min_value=1, max_value=100, required=False)
    interval_minutes = serializers.IntegerField(min_value=0, max_value=527_040, required=False)
    lookback_minutes = serializers.IntegerField(min_value=0, max_value=43_200, required=False)
    enabled = serializers.BooleanField(required=False)


class DataSourceChangeSerializer(DataSourceInputSerializer):
    reset_watermark = serializers.BooleanField(required=False, help_text="Read everything again on the next run.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SyncRunSerializer(serializers.ModelSerializer):
    reconciled = serializers.BooleanField(read_only=True, help_text="rows_read = inserted + updated + unchanged "
                                                                    "+ deleted + rejected.")
    faults = serializers.ListField(child=serializers.DictField(), read_only=True,
                                   help_text="Faults of the source that were retried: page, attempt, error.")

    class Meta:
        model = SyncRun
        fields = ["id", "source", "trigger", "status", "queued_at", "started_at", "finished_at", "watermark_from",
                  "since", "watermark_to", "batches", "rows_read", "inserted", "updated", "unchanged", "deleted",
                  "rejected", "reconciled", "faults", "error"]
        read_only_fields = fields


class QuarantinedRecordSerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(read_only=True, help_text="The row as the department sent it.")

    class Meta:
        model = QuarantinedRecord
        fields = ["id", "source", "run", "reason_code", "reason", "position", "credit_code", "payload", "status",
                  "times_seen", "first_seen_at", "last_seen_at", "resolved_at", "last_error"]
        read_only_fields = fields


class QuarantineRetrySerializer(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                        help_text="The corrected unified social credit code, if that was the fault.")


# --- The enterprise file (一企一档) ----------------------------------------------------------------

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


# --- Policies (政策直达) ---------------------------------------------------------------------------------

class PolicyRuleSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="A field of `policies/rule-fields/`: region, tags, size_class, …")
    op = serializers.CharField(help_text="One of the field's operators: within, in, has_all, gte, …")
    value = serializers.JSONField(help_text="A list of values for list operators (region codes, tags, "
                                            "choices); a number for gte / lte.")


class PolicySerializer(serializers.ModelSerializer):
    rules = PolicyRuleSerializer(many=True, read_only=True)
    rule_texts = serializers.SerializerMethodField(help_text="Each rule in words, in the reader's language.")
    is_open = serializers.BooleanField(read_only=True, help_text="Published and not past its last day.")
    counts = serializers.SerializerMethodField(help_text="Operators and government viewers: how many members are "
                                                         "eligible, not eligible, undetermined, and told. "
                                                         "Null for members.")
    my_outcome = serializers.SerializerMethodField(help_text="A member's own enterprise's outcome, if decided.")

    class Meta:
        model = Policy
        fields = ["id", "title", "issuer", "document_number", "summary", "benefit", "url", "apply_by", "status",
                  "is_open", "rules", "rule_texts", "rules_version", "created_at", "published_at", "withdrawn_at",
                  "withdraw_reason", "matched_at", "updated_at", "counts", "my_outcome"]
        read_only_fields = fields

    def get_rule_texts(self, policy) -> list[str]:
        return policy_selectors.rule_texts(policy)

    def get_counts(self, policy) -> dict[str, int] | None:
        return self.context.get("counts", {}).get(policy.pk)

    def get_my_outcome(self, policy) -> str | None:
        match = self.context.get("own", {}).get(policy.pk)
        return match.outcome if match else None


class PolicyInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=100)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=4000)
    benefit = serializers.CharField(max_length=300, required=False, allow_blank=True)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    apply_by = serializers.DateField(required=False, allow_null=True, help_text="The last day to apply (Beijing).")
    rules = serializers.ListField(child=serializers.DictField(), max_length=30,
                                  help_text='All must hold: [{"field": "region", "op": "within", "value": '
                                            '["331003"]}, {"field": "tags", "op": "has_any", "value": '
                                            '["high_tech", "specialised_sme"]}]')


class PolicyChangeSerializer(PolicyInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class PolicyWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Shown to the enterprises told of the policy.")


class PolicyPreviewInputSerializer(serializers.Serializer):
    rules = serializers.ListField(child=serializers.DictField(), max_length=30)


class PolicyPreviewSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text="Active members checked.")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="{outcome: members}.")
    rules = serializers.ListField(child=serializers.DictField(), help_text="Per rule: its text, how many members "
                                                                           "it rules out, how many lack its data.")
    eligible = serializers.ListField(child=serializers.DictField(), help_text="Who would be eligible (id, name; at "
                                                                              "most 200).")


class PolicyCheckSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    requirement = serializers.CharField(help_text="The rule in words.")
    found = serializers.CharField(help_text="What the enterprise file held, in words.")
    source = serializers.CharField(help_text="Where the value came from.")
    as_of = serializers.CharField(help_text="The value's as-of date.")
    outcome = serializers.ChoiceField(choices=["met", "not_met", "unknown"])
    outcome_label = serializers.CharField()


class PolicyMatchSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.legal_name", read_only=True)
    policy_title = serializers.CharField(source="policy.title", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = PolicyMatch
        fields = ["id", "policy", "policy_title", "enterprise", "enterprise_name", "outcome", "rules_version",
                  "evaluated_at", "notified_at", "updated_at", "explanation"]
        read_only_fields = fields

    @extend_schema_field(PolicyCheckSerializer(many=True))
    def get_explanation(self, match):
        return PolicyCheckSerializer(policy_selectors.match_explanation(match), many=True).data


class PolicyRuleFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="region, industry, codes (tags), choice, text or number.")
    operators = serializers.ListField(child=serializers.DictField())
    unit = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField())
