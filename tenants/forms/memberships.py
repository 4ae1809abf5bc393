"""An enterprise's application to a brain, and an operator's decision on one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Membership
from tenants.services.memberships import MEMBERSHIP_DECISIONS


class ApplyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles in this brain"), choices=Membership.Role.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note to the operator"), max_length=300, required=False)


class DecisionForm(forms.Form):
    membership = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[(d, d) for d in [*MEMBERSHIP_DECISIONS, "verify"]])
    note = forms.CharField(max_length=300, required=False)
