"""Policies (政策直达) and their decisions over the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brain.models import Policy, PolicyMatch
from brain.selectors import policies


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
        return policies.rule_texts(policy)

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
        return PolicyCheckSerializer(policies.match_explanation(match), many=True).data


class PolicyRuleFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="region, industry, codes (tags), choice, text or number.")
    operators = serializers.ListField(child=serializers.DictField())
    unit = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField())
