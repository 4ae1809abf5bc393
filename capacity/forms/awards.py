"""Forms of the award: asking the optimiser for a recommendation."""


from django import forms
from django.utils.translation import gettext_lazy as _


class RecommendationForm(forms.Form):
    max_suppliers = forms.IntegerField(label=_("at most this many suppliers"), min_value=1, required=False)
