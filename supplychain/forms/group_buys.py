"""Forms of the supply-chain pages. They check shapes; the services check the rules."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from supplychain.models import PAYMENT_KINDS, GroupBuy


def _lines(text: str, parse, error):
    rows = []
    for number, raw in enumerate(text.strip().splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.replace("，", " ").replace(",", " ").split()
        try:
            rows.append(parse(parts))
        except (ValueError, InvalidOperation, IndexError):
            raise forms.ValidationError(error % {"line": number, "text": raw.strip()}) from None
    return rows


class GroupBuyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupBuy.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    material_grade = forms.CharField(label=_("Material grade"), max_length=100)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    style = forms.CharField(label=_("Style (sample orders)"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="t")
    target_price = forms.DecimalField(label=_("Target unit price (sample orders)"), max_digits=14, decimal_places=2,
                                      required=False, min_value=0)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tiers = forms.CharField(label=_("Price tiers: one per line, “from-total unit-price”"),
                            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "10 15800\n50 15200\n100 14650"}))
    vat_rate = forms.DecimalField(label=_("VAT rate (%)"), max_digits=5, decimal_places=2, initial=Decimal("13"))
    prices_include_vat = forms.BooleanField(label=_("Prices include VAT"), required=False, initial=True)
    minimum_total = forms.DecimalField(label=_("Minimum total quantity"), max_digits=14, decimal_places=3)
    member_minimum = forms.DecimalField(label=_("Minimum per member"), max_digits=14, decimal_places=3)
    member_maximum = forms.DecimalField(label=_("Maximum per member"), max_digits=14, decimal_places=3, required=False)
    increment = forms.DecimalField(label=_("Quantity step"), max_digits=14, decimal_places=3, initial=Decimal("1"))
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    windows = forms.CharField(label=_("Delivery windows: one per line, “from to” (YYYY-MM-DD)"),
                              widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2026-12-20 2026-12-25"}))
    deposit_percent = forms.DecimalField(label=_("Deposit (%)"), max_digits=5, decimal_places=2, initial=Decimal("20"))
    fee_mode = forms.ChoiceField(label=_("Service fee"), choices=GroupBuy.FeeMode.choices)
    fee_value = forms.DecimalField(label=_("Service fee value"), max_digits=14, decimal_places=2, initial=Decimal("1"))
    on_failure = forms.ChoiceField(label=_("If the minimum is not reached"), choices=GroupBuy.OnFailure.choices)
    extension_days = forms.IntegerField(label=_("Extension (days)"), min_value=1, max_value=90, initial=7)
    payment_days = forms.IntegerField(label=_("Payment terms (days after receipt)"), min_value=0, max_value=365,
                                      required=False,
                                      help_text=_("Days a member has to pay the brain's trader once all its goods "
                                                  "arrived; empty: 60."))
    suppliers = forms.MultipleChoiceField(label=_("Suppliers, in the order pledges fill them"),
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].choices = [(str(e.pk), str(e)) for e in suppliers]

    def clean_tiers(self):
        return _lines(self.cleaned_data["tiers"], lambda p: {"min_total": Decimal(p[0]), "unit_price": Decimal(p[1])},
                      _("Line %(line)s of the tiers is not “from-total unit-price”: %(text)s"))

    def clean_windows(self):
        return _lines(self.cleaned_data["windows"],
                      lambda p: {"starts_on": date.fromisoformat(p[0]), "ends_on": date.fromisoformat(p[1])},
                      _("Line %(line)s of the windows is not “YYYY-MM-DD YYYY-MM-DD”: %(text)s"))

    def service_terms(self) -> dict:
        data = dict(self.cleaned_data)
        data["suppliers"] = [{"supplier": int(pk), "capacity": None} for pk in data["suppliers"]]
        data["fee_value"] = data["fee_value"] or Decimal("0")
        return data


class PledgeForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3)
    address = forms.CharField(label=_("Delivery address"), max_length=300)
    window = forms.TypedChoiceField(label=_("Delivery window"), coerce=int)

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(w.pk, str(w)) for w in windows]


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PAYMENT_KINDS)
    enterprise = forms.TypedChoiceField(label=_("Member or supplier"), coerce=int)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2)
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, str(e)) for e in parties]


class ShipmentForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3)
    note_number = forms.CharField(label=_("Delivery note"), max_length=60)


class ReceiptForm(forms.Form):
    shipment = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity received"), max_digits=14, decimal_places=3)


class SupplyChainSettingsForm(forms.Form):
    """The operators' choices for pooled buying in their brain."""

    members_may_open = forms.BooleanField(label=_("Buyer members may open group purchases"), required=False)
    trader = forms.TypedChoiceField(label=_("The brain's trader (平台贸易商)"), required=False, coerce=int,
                                    empty_value=None,
                                    help_text=_("The member that sells the pooled goods to the members: each member "
                                                "owes it for its goods once they have all arrived (a payable in "
                                                "finance). None: no payables are recorded."))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trader"].choices = [("", _("— none —"))] + [(e.pk, str(e)) for e in members]
