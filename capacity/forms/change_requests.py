"""Forms of change requests on the work order page."""


from django import forms
from django.utils.translation import gettext_lazy as _


class ChangeAskForm(forms.Form):
    line = forms.IntegerField(label=_("line"))
    new_due_date = forms.DateField(label=_("new due date"), required=False)
    new_quantity = forms.IntegerField(label=_("new quantity"), required=False)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class ChangeDecisionForm(forms.Form):
    change = forms.IntegerField(label=_("change request"))
    response = forms.CharField(label=_("response"), required=False, max_length=500)
