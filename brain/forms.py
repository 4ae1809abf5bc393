import json

from django import forms
from django.utils.translation import gettext_lazy as _

from brain.models import DataSource, Department, RecordType


class JsonField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6, "class": "mono"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("Give a JSON object: {…}."))
        return parsed

    def prepare_value(self, value):
        return json.dumps(value, ensure_ascii=False, indent=2) if isinstance(value, dict) else value


class DataSourceForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=DataSource.Kind.choices)
    department = forms.ChoiceField(label=_("department"), choices=Department.choices)
    record_type = forms.ChoiceField(label=_("record type"), choices=RecordType.choices)
    url = forms.CharField(label=_("URL"), max_length=500, required=False)
    token = forms.CharField(label=_("access token"), max_length=500, required=False,
                            widget=forms.PasswordInput(render_value=False),
                            help_text=_("Left empty, the token held is kept."))
    folder = forms.CharField(label=_("folder"), max_length=200, required=False)
    mapping = JsonField(label=_("field mapping"))
    options = JsonField(label=_("options"), required=False)
    authoritative_for = forms.CharField(label=_("authoritative for"), max_length=1000, required=False,
                                        help_text=_("Attributes, separated by commas."))
    priority = forms.IntegerField(label=_("priority"), min_value=1, max_value=100, initial=10)
    interval_minutes = forms.IntegerField(label=_("every (minutes)"), min_value=0, max_value=527_040, initial=1440,
                                          help_text=_("0: only when run by hand."))
    lookback_minutes = forms.IntegerField(label=_("look-back (minutes)"), min_value=0, max_value=43_200, initial=60)
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)

    def clean_authoritative_for(self):
        text = self.cleaned_data["authoritative_for"].replace("，", ",")
        return [name.strip() for name in text.split(",") if name.strip()]

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if not values["token"]:
            values.pop("token")
        return values

    @classmethod
    def for_source(cls, source: DataSource):
        return cls(initial={**{name: getattr(source, name) for name in cls.base_fields if name != "token"},
                            "authoritative_for": ", ".join(source.authoritative_for)})


class RetryForm(forms.Form):
    record = forms.IntegerField()
    credit_code = forms.CharField(max_length=18, required=False)


# --- Policies (政策直达) ---------------------------------------------------------------------------------

class PolicyForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    issuer = forms.CharField(label=_("issued by"), max_length=100, help_text=_("e.g. 台州市黄岩区经济和信息化局"))
    document_number = forms.CharField(label=_("document number"), max_length=60, required=False,
                                      help_text=_("e.g. 黄经信〔2026〕12号"))
    summary = forms.CharField(label=_("summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    benefit = forms.CharField(label=_("benefit"), max_length=300, required=False,
                              help_text=_("What an eligible enterprise gets, e.g. 设备投资额10%补助，最高200万元"))
    url = forms.URLField(label=_("link to the policy text"), max_length=500, required=False, assume_scheme="https")
    apply_by = forms.DateField(label=_("apply by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("The last day to apply (Beijing time); empty: no deadline."))

    @classmethod
    def for_policy(cls, policy):
        return cls(initial={name: getattr(policy, name) for name in cls.base_fields})


class PolicyRuleForm(forms.Form):
    """One eligibility rule: a field of the enterprise file, an operator and a value (a list separated by commas,
    or a number)."""

    field = forms.ChoiceField(label=_("field"), required=False)
    op = forms.ChoiceField(label=_("operator"), required=False)
    value = forms.CharField(label=_("value"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        from brain import eligibility

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—"), *((c.key, c.label) for c in eligibility.CRITERIA.values())]
        self.fields["op"].choices = [("", "—"), *eligibility.OPERATORS.items()]

    def rule(self) -> dict | None:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        if not data.get("field"):
            return None
        return {"field": data["field"], "op": data.get("op", ""), "value": data.get("value", "")}


RuleFormSet = forms.formset_factory(PolicyRuleForm, extra=3, max_num=30, absolute_max=30)


def rule_formset(policy=None, data=None) -> forms.BaseFormSet:
    """The rule rows of the policy form: the policy's rules, and three blank rows to add more."""
    initial = [{"field": r["field"], "op": r["op"],
                "value": ", ".join(r["value"]) if isinstance(r["value"], list) else r["value"]}
               for r in (policy.rules if policy else [])]
    return RuleFormSet(data, initial=initial, prefix="rules")


class PolicyWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
