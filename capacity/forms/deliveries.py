"""Forms of deliveries and their inspection."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models import DeliveryLine


class DeliveryForm(forms.Form):
    """A delivery note with one quantity field per line that still owes pieces (`qty-<line id>`)."""

    note_number = forms.CharField(label=_("delivery note number"), max_length=40)
    delivered_on = forms.DateField(label=_("delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
        self.lines = [line for line in lines if line.outstanding_quantity > 0]
        for line in self.lines:
            self.fields[f"qty-{line.pk}"] = forms.IntegerField(
                label=line.part.part_no, min_value=0, max_value=line.outstanding_quantity, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": line.outstanding_quantity}))

    def rows(self):
        """(line, its quantity field) for the template."""
        return [(line, self[f"qty-{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"qty-{line.pk}"] for line in self.lines
                if self.cleaned_data.get(f"qty-{line.pk}")}


class InspectionForm(forms.Form):
    delivery_line = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("outcome"), widget=forms.RadioSelect,
                                choices=[c for c in DeliveryLine.Outcome.choices if c[0] != "pending"])
    rejected_quantity = forms.IntegerField(label=_("pieces refused"), min_value=0, required=False)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)
