"""The buyer's rating of a completed work order."""


from django import forms
from django.utils.translation import gettext_lazy as _

STARS = [(n, str(n)) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    quality = forms.TypedChoiceField(label=_("quality"), choices=STARS, coerce=int, widget=forms.RadioSelect)
    on_time = forms.TypedChoiceField(label=_("on-time delivery"), choices=STARS, coerce=int, widget=forms.RadioSelect)
    communication = forms.TypedChoiceField(label=_("communication"), choices=STARS, coerce=int,
                                           widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
