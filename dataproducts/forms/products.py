"""Forms of the catalogue pages: a new product, the brain's privacy rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dataproducts.definitions import REGISTRY
from dataproducts.models import DataProduct


class ProductForm(forms.Form):
    definition = forms.ChoiceField(label=_("definition"), choices=())
    code = forms.SlugField(label=_("code"), max_length=60)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200)
    access = forms.ChoiceField(label=_("access"), choices=DataProduct.Access.choices)
    subscription_price = forms.DecimalField(label=_("subscription price (¥ per period, VAT included)"),
                                            required=False, max_digits=14, decimal_places=2)
    price_per_call = forms.DecimalField(label=_("price per API call (¥)"), required=False, max_digits=14,
                                        decimal_places=2)
    price_per_row = forms.DecimalField(label=_("price per row delivered (¥)"), required=False, max_digits=14,
                                       decimal_places=2)
    required = forms.BooleanField(label=_("required by the brain's rules (members cannot opt out)"), required=False)
    description_zh = forms.CharField(label=_("Chinese description"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].choices = [(code, definition.name) for code, definition in REGISTRY.items()]


class SettingsForm(forms.Form):
    min_enterprises = forms.IntegerField(label=_("fewest enterprises behind a published cell"), min_value=3,
                                         max_value=100)
    max_share = forms.DecimalField(label=_("largest share of one enterprise in a cell (%)"), min_value=10,
                                   max_value=100, max_digits=5, decimal_places=2)


class BuildForm(forms.Form):
    period_from = forms.DateField(label=_("data from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("data until"), widget=forms.DateInput(attrs={"type": "date"}))


class CorrectForm(forms.Form):
    comment = forms.CharField(label=_("what the correction corrects"), max_length=500)
