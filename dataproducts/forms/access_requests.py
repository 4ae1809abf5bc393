"""Forms of the access pages: a member's request, an operator's decision or revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dataproducts.services.access_requests import MAX_PURPOSE
from dataproducts.services.subscriptions import MAX_DAYS, MAX_REASON


class AccessRequestForm(forms.Form):
    purpose = forms.CharField(label=_("what you will use the data for"), max_length=MAX_PURPOSE,
                              widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label=_("for how many days"), min_value=1, max_value=MAX_DAYS, initial=90,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class AccessReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))
