"""Forms of the work order page: shapes and types only; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.models import ProgressReport
from tenants.errors import DomainError


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason for declining"), max_length=500)


class ProgressForm(forms.Form):
    line = forms.IntegerField(label=_("line"))
    operation = forms.IntegerField(label=_("operation"))
    status = forms.ChoiceField(label=_("status"), choices=ProgressReport.Status.choices)
    percent = forms.IntegerField(label=_("percent done"), required=False, min_value=0, max_value=100)
    quantity_done = forms.IntegerField(label=_("quantity done"), required=False, min_value=0)
    reason = forms.CharField(label=_("why it is blocked"), required=False, max_length=500)
    note = forms.CharField(label=_("note"), required=False, max_length=500)
    planned_completion = forms.DateField(label=_("planned completion"), required=False)


def cleaned(form: forms.Form) -> dict:
    """The form's data, or its first error as a DomainError naming the field."""
    if form.is_valid():
        return form.cleaned_data
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else None
    detail = f"{label}: {errors[0]}" if label else errors[0]
    raise DomainError(detail or _("Some fields are invalid."), field=field)
