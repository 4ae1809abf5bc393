"""Forms of the capability centre's pages: the vendor's submission, a new version, the operators' review and
offering here, a member's rating. The services check the rules; these only take the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dataproducts.models import Component
from tenants.models import ApiKey

MONEY = {"max_digits": 14, "decimal_places": 2, "required": False,
         "widget": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})}


class ComponentSubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Component.Kind.choices)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    summary_zh = forms.CharField(label=_("Chinese summary"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    summary_en = forms.CharField(label=_("English summary"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    homepage = forms.CharField(label=_("link (a tool's address)"), max_length=500, required=False)
    document = forms.FileField(label=_("document (knowledge: PDF, Word or Excel, at most 20 MB)"), required=False)
    webhook_url = forms.CharField(label=_("webhook URL (an app)"), max_length=500, required=False)
    api_scope = forms.ChoiceField(label=_("API scope (an app)"), choices=[("", "—"), *ApiKey.Scope.choices],
                                  required=False)
    event_types = forms.CharField(label=_("event types the app receives, one per line"), required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 3,
                                                                               "placeholder": "rfq.invited"}))
    install_price = forms.DecimalField(label=_("price per installation (yuan, an app; empty: free)"), min_value=0,
                                       **MONEY)
    version = forms.CharField(label=_("version"), max_length=30, initial="1.0")
    release_notes = forms.CharField(label=_("release notes"), max_length=4000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    offered_to_other_brains = forms.BooleanField(label=_("other brains may list it"), required=False)

    def clean_event_types(self):
        return [line.strip() for line in self.cleaned_data["event_types"].splitlines() if line.strip()]


class VersionForm(forms.Form):
    version = forms.CharField(label=_("version"), max_length=30)
    release_notes = forms.CharField(label=_("release notes"), max_length=4000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    fits = forms.CharField(label=_("brains it fits (slugs, one per line; empty: this brain)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("document (knowledge)"), required=False)

    def clean_fits(self):
        return [line.strip() for line in self.cleaned_data["fits"].splitlines() if line.strip()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("stars"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("comment"), max_length=500, required=False)


class OfferForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    install_price = forms.DecimalField(label=_("price per installation here (yuan; empty: free)"), min_value=0,
                                       **MONEY)
