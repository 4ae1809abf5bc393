"""The platform console: create, suspend and reactivate brains; set an API key's rate limit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import slug_validator


class BrainActionForm(forms.Form):
    brain = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("suspend", "suspend"), ("reactivate", "reactivate")])
    reason = forms.CharField(max_length=300, required=False)


class RateLimitForm(forms.Form):
    """The console's per-key limit. Only the type is checked here: the range is the service's rule."""

    api_key = forms.IntegerField(min_value=1)
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"))


class BrainCreateForm(forms.Form):
    slug = forms.CharField(label=_("Slug"), max_length=40, validators=[slug_validator])
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200)
    sector = forms.CharField(label=_("Sector"), max_length=60)
    region_code = forms.RegexField(label=_("Region code"), regex=r"^\d{6}$", required=False)
