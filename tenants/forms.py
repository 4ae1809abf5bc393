from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tenants.models import ApiKey, Brain, Membership, slug_validator
from tenants.services import MEMBERSHIP_DECISIONS


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username or mobile number"), max_length=150)


class ApplyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles in this brain"), choices=Membership.Role.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note to the operator"), max_length=300, required=False)


class DecisionForm(forms.Form):
    membership = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[(d, d) for d in [*MEMBERSHIP_DECISIONS, "verify"]])
    note = forms.CharField(max_length=300, required=False)


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


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiKey.Scope.choices)
    brains = forms.ModelMultipleChoiceField(
        label=_("Brains"), queryset=Brain.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, brains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brains"].queryset = brains


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(label=_("Event types"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        from tenants.webhooks import ALL_TYPES, event_type_catalogue

        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(ALL_TYPES, _("All event types"))] + [
            (t["name"], f'{t["name"]} — {t["description"]}') for t in event_type_catalogue()]
