"""Forms of the bank financing pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finance.forms.discounting import RATE


class FinancingAskForm(forms.Form):
    claim = forms.ChoiceField(label=_("claim to finance"))
    note = forms.CharField(label=_("note to the banks"), required=False, max_length=300)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claim"].choices = list(claims)


class CreditLineForm(forms.Form):
    limit = forms.DecimalField(label=_("limit (yuan)"), max_digits=14, decimal_places=2,
                               widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    expires_on = forms.DateField(label=_("expires on"), widget=forms.DateInput(attrs={"type": "date"}))


class CreditLineOpenForm(CreditLineForm):
    buyer = forms.TypedChoiceField(label=_("buyer"), coerce=int)

    def __init__(self, *args, buyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = [(e.pk, str(e)) for e in buyers]
        self.order_fields(["buyer", "limit", "expires_on"])


class CreditLineReviseForm(CreditLineForm):
    line = forms.IntegerField(widget=forms.HiddenInput)


class QuoteForm(forms.Form):
    apr = forms.DecimalField(label=_("annual rate (%)"), **RATE)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    percent = forms.DecimalField(label=_("or a flat discount (% of the face)"), **{**RATE, "max_digits": 6})
    fee = forms.DecimalField(label=_("fee (yuan)"), max_digits=14, decimal_places=2, required=False)
    valid_until = forms.DateTimeField(label=_("valid until"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = forms.CharField(label=_("note"), required=False, max_length=300)
