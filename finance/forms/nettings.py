"""Forms of the netting pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finance.services.nettings import MAX_RESPOND_DAYS, RESPOND_DAYS


class NettingWindowForm(forms.Form):
    window_from = forms.DateField(label=_("due from"), widget=forms.DateInput(attrs={"type": "date"}))
    window_to = forms.DateField(label=_("due until"), widget=forms.DateInput(attrs={"type": "date"}))
    respond_days = forms.IntegerField(label=_("days to answer"), min_value=1, max_value=MAX_RESPOND_DAYS,
                                      initial=RESPOND_DAYS, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label=_("note to the parties"), required=False, max_length=200)


class NettingReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
