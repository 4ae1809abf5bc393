"""Forms of the payables pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PayableConfirmForm(forms.Form):
    amount = forms.DecimalField(label=_("amount confirmed (yuan)"), max_digits=14, decimal_places=2, required=False,
                                help_text=_("Leave empty to confirm the whole payable."))
    due_on = forms.DateField(label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("Earlier than the terms give, if agreed; leave empty to keep it."))
    reason = forms.CharField(label=_("why the rest is disputed"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PayableWaiveForm(forms.Form):
    reason = forms.CharField(label=_("note"), required=False, max_length=500)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("bank reference"), required=False, max_length=100)
