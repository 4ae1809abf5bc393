"""The operators' forms of policies (政策直达): the policy, its rule rows, the reason for withdrawing it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from brain import eligibility


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
