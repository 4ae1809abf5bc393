"""Forms of the IP-pledge loan pages: the application with its patent picker, and each action of the applicant and
the bank. The services check the rules; these only take the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finance.models import IpLoanApplication
from finance.models.ip_loans import MAX_TERM_MONTHS
from finance.services.ip_loans import MAX_DOCUMENT_BYTES
from tenants.forms.uploads import MultipleFileField

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
MONEY = {"max_digits": 14, "decimal_places": 2, "widget": forms.NumberInput(attrs={"inputmode": "decimal",
                                                                                   "step": "0.01"})}


class IpLoanApplyForm(forms.Form):
    bank = forms.TypedChoiceField(label=_("bank"), coerce=int)
    amount = forms.DecimalField(label=_("amount (yuan)"), min_value=0, **MONEY)
    term_months = forms.IntegerField(label=_("term (months)"), min_value=1, max_value=MAX_TERM_MONTHS,
                                     widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    purpose = forms.CharField(label=_("purpose"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    patents = forms.MultipleChoiceField(label=_("patents to pledge"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("From your enterprise file (一企一档): the patents the public "
                                                    "records list for your enterprise."))

    def __init__(self, *args, banks=(), patents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(bank.pk, str(bank)) for bank in banks]
        self.fields["patents"].choices = [(p.number, p.number) for p in patents if not p.pledged]


class DocumentsRequestForm(forms.Form):
    items = forms.CharField(label=_("documents needed, one per line"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4, "placeholder": "近两年财务报表\n专利价值评估报告"}))
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class DocumentsUploadForm(forms.Form):
    files = MultipleFileField(label=_("files (PDF, JPEG or PNG, at most %(mb)s MB each)") % {
        "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}, accept="application/pdf,image/jpeg,image/png")
    item = forms.CharField(label=_("which document"), required=False, max_length=200)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class ApproveForm(forms.Form):
    amount = forms.DecimalField(label=_("amount approved (yuan)"), **MONEY)
    apr = forms.DecimalField(label=_("annual interest rate (%)"), max_digits=7, decimal_places=4,
                             widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.0001"}))
    term_months = forms.IntegerField(label=_("term (months)"), min_value=1, max_value=MAX_TERM_MONTHS)
    repayment_method = forms.ChoiceField(label=_("repayment method"), choices=IpLoanApplication.Method.choices)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class PledgeRegistrationForm(forms.Form):
    registration_number = forms.CharField(label=_("pledge registration number (质押登记号)"), max_length=60)
    registered_on = forms.DateField(label=_("registered on"), required=False, **DATE)


class DisburseForm(forms.Form):
    disbursed_on = forms.DateField(label=_("paid out on"), required=False, **DATE,
                                   help_text=_("Today if left empty; the schedule runs from this date."))


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount received (yuan)"), **MONEY)
    paid_on = forms.DateField(label=_("received on"), required=False, **DATE)
    reference = forms.CharField(label=_("bank reference"), required=False, max_length=100)
