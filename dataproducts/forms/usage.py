"""The operators' form of the usage page: issue a month's statements."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UsageIssueForm(forms.Form):
    month = forms.DateField(label=_("month to bill"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
                            help_text=_("A month that is over; every subscriber with charges not billed yet gets "
                                        "its statement."))
