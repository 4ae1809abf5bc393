"""Forms of the certificate pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CertificateSplitForm(forms.Form):
    amounts = forms.CharField(label=_("parts (yuan), one per line or separated by commas"), max_length=400,
                              widget=forms.Textarea(attrs={"rows": 3, "inputmode": "decimal"}))

    def clean_amounts(self):
        return [part.strip() for part in self.cleaned_data["amounts"].replace("，", ",").replace("\n", ",").split(",")
                if part.strip()]


class CertificateTransferForm(forms.Form):
    receiver = forms.TypedChoiceField(label=_("receiver"), coerce=int)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2, required=False,
                                help_text=_("Leave empty to pass on the whole certificate."))
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, receivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].choices = [(e.pk, str(e)) for e in receivers]


class TransferDeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)
