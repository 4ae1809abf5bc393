"""The operators' forms of government-data sync: a source's settings, a quarantined row to re-try."""

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
