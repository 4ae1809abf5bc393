"""Forms of the work order page: shapes and types only; the rules are the services'."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacity.models import ProgressReport
from tenants.errors import DomainError


class DeclineForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for declining"), max_length=500)


class ProgressForm(forms.Form):
    line = forms.IntegerField(label=gettext_lazy("line"))
    operation = forms.IntegerField(label=gettext_lazy("operation"))
    status = forms.ChoiceField(label=gettext_lazy("status"), choices=ProgressReport.Status.choices)
    percent = forms.IntegerField(label=gettext_lazy("percent done"), required=False, min_value=0, max_value=100)
    quantity_done = forms.IntegerField(label=gettext_lazy("quantity done"), required=False, min_value=0)
    reason = forms.CharField(label=gettext_lazy("why it is blocked"), required=False, max_length=500)
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=500)
    planned_completion = forms.DateField(label=gettext_lazy("planned completion"), required=False)


class ChangeAskForm(forms.Form):
    line = forms.IntegerField(label=gettext_lazy("line"))
    new_due_date = forms.DateField(label=gettext_lazy("new due date"), required=False)
    new_quantity = forms.IntegerField(label=gettext_lazy("new quantity"), required=False)
    reason = forms.CharField(label=gettext_lazy("reason"), required=False, max_length=500)


class ChangeDecisionForm(forms.Form):
    change = forms.IntegerField(label=gettext_lazy("change request"))
    response = forms.CharField(label=gettext_lazy("response"), required=False, max_length=500)


def cleaned(form: forms.Form) -> dict:
    """The form's data, or its first error as a DomainError naming the field."""
    if form.is_valid():
        return form.cleaned_data
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else None
    detail = f"{label}: {errors[0]}" if label else errors[0]
    raise DomainError(detail or _("Some fields are invalid."), field=field)
