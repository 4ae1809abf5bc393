"""An enterprise administrator issues an API key."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import ApiKey, Brain


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiKey.Scope.choices)
    brains = forms.ModelMultipleChoiceField(
        label=_("Brains"), queryset=Brain.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, brains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brains"].queryset = brains
