"""Forms of the project board: its filters, and the brain's board settings."""


from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.selectors.board import Risk


class BoardFilterForm(forms.Form):
    """The board's filters (GET): a supplier (enterprise id), a risk class, a process (id)."""

    supplier = forms.IntegerField(label=_("supplier"), min_value=1, required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    process = forms.IntegerField(label=_("process"), min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *Risk.choices]


class BoardSettingsForm(forms.Form):
    stale_after_days = forms.IntegerField(
        label=_("days without a report before a part is at risk"), min_value=1, max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
