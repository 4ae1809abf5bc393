"""Forms of the dynamic discounting pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

RATE = {"max_digits": 7, "decimal_places": 4, "required": False,
        "widget": forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"})}


class ProgrammeOpenForm(forms.Form):
    title = forms.CharField(label=_("title"), required=False, max_length=200)
    cash_available = forms.DecimalField(label=_("cash available (yuan)"), max_digits=14, decimal_places=2,
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    starts_on = forms.DateField(label=_("starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("Today if left empty."))
    ends_on = forms.DateField(label=_("ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    cutoff_time = forms.TimeField(label=_("daily cut-off (Beijing time)"),
                                  widget=forms.TimeInput(attrs={"type": "time"}))
    hurdle_apr = forms.DecimalField(label=_("hurdle rate (% a year)"), **{**RATE, "required": True})
    posted_apr = forms.DecimalField(label=_("posted rate for instant acceptance (% a year)"),
                                    help_text=_("Offers at this rate or above are paid at once; leave empty for none."),
                                    **RATE)


class OfferForm(forms.Form):
    claim = forms.ChoiceField(label=_("claim"))
    apr = forms.DecimalField(label=_("annual rate (%)"), **RATE)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    percent = forms.DecimalField(label=_("or a flat discount (% of the face)"), **{**RATE, "max_digits": 6})

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claim"].choices = [("recurring", _("Every new payable of this buyer (recurring)"))] + [
            (key, label) for key, label in claims]


class OfferChangeForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    apr = forms.DecimalField(label=_("annual rate (%)"), **RATE)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    percent = forms.DecimalField(label=_("or a flat discount (% of the face)"), **{**RATE, "max_digits": 6})
