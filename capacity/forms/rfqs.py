"""Forms of the RFQ pages: a new RFQ, a supplier's quote line by line, questions and answers."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _


class RfqForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    deadline = forms.DateTimeField(label=_("deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    open_to_all = forms.BooleanField(label=_("open to every qualified supplier"), required=False, initial=True)
    invited = forms.MultipleChoiceField(label=_("invite suppliers"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    payment_days = forms.IntegerField(label=_("payment terms (days after acceptance)"), min_value=0, max_value=365,
                                      initial=60, required=False)

    def clean_payment_days(self):
        found = self.cleaned_data["payment_days"]
        return 60 if found is None else found

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].choices = [(str(e.pk), str(e)) for e in suppliers]


class QuoteLineForm(forms.Form):
    rfq_line = forms.IntegerField(widget=forms.HiddenInput)
    unit_price = forms.DecimalField(label=_("unit price (CNY, tax included)"), max_digits=14, decimal_places=2,
                                    min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), required=False)
    vat_rate = forms.TypedChoiceField(label=_("VAT rate (%)"), coerce=Decimal, initial="13", required=False,
                                      choices=[(r, f"{r}%") for r in ("13", "9", "6", "3", "1", "0")])
    lead_time_days = forms.IntegerField(label=_("lead time (days)"), min_value=1, max_value=3650, required=False)
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    remarks = forms.CharField(label=_("remarks"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("unit_price") is not None and not data.get("lead_time_days"):
            self.add_error("lead_time_days", _("Give a lead time for a priced line."))
        return data


QuoteLineFormSet = formset_factory(QuoteLineForm, extra=0)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
