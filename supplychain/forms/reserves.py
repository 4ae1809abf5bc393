"""Forms of the joint-reserve pages. They check shapes; the rules are supplychain.services.reserves'."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Membership


def members_with_role(brain, role: str) -> list[tuple[int, str]]:
    """(enterprise id, name) of the brain's active members with `role`, by name."""
    memberships = (Membership.objects.in_brain(brain).filter(status=Membership.Status.ACTIVE, roles__contains=[role])
                   .select_related("enterprise").order_by("enterprise__legal_name"))
    return [(m.enterprise_id, m.enterprise.legal_name) for m in memberships]


def quantity_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=3, min_value=Decimal("0"),
                              widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}), **kwargs)


def money_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}), **kwargs)


def percent_field(label, initial, **kwargs):
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, initial=initial,
                              widget=forms.NumberInput(attrs={"step": "0.01"}), **kwargs)


class ReserveForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. 304 stainless coil joint reserve")}))
    material_grade = forms.CharField(label=_("material grade"), max_length=100,
                                     widget=forms.TextInput(attrs={"placeholder": "06Cr19Ni10 (304)"}))
    specification = forms.CharField(label=_("specification"), max_length=200, required=False)
    unit = forms.CharField(label=_("unit"), max_length=20, initial="t")
    supplier = forms.TypedChoiceField(label=_("supplier"), coerce=int,
                                      help_text=_("Replenishes the stock when it falls below the threshold."))
    base_price = money_field(_("base unit price"))
    base_reference_price = money_field(_("base reference price"),
                                       help_text=_("The material's reference price the base unit price stands for."))
    pass_through_percent = percent_field(_("reference price change passed on (%)"), Decimal("100"),
                                         help_text=_("Unit price = base unit price × (1 + this % × (latest reference "
                                                     "price − base reference price) ÷ base reference price)."))
    surcharge_percent = percent_field(_("surcharge beyond a share (%)"), Decimal("5"))
    vat_rate = percent_field(_("VAT rate (%)"), Decimal("13"))
    prices_include_vat = forms.BooleanField(label=_("prices include VAT"), required=False, initial=True)
    replenish_threshold = quantity_field(_("replenish below"))
    replenish_to = quantity_field(_("replenish up to"),
                                  help_text=_("The reserve starts empty: its first replenishment, up to this level, "
                                              "is ordered at once."))

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = suppliers


class DrawForm(forms.Form):
    quantity = quantity_field(_("quantity"))
    note = forms.CharField(label=_("note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. the workshop or order it is for")}))


class ShareForm(forms.Form):
    member = forms.TypedChoiceField(label=_("member"), coerce=int)
    committed = quantity_field(_("committed quantity"),
                               help_text=_("A member's share is changed the same way; 0 ends a share nothing was "
                                           "drawn from."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members


class ReferencePriceForm(forms.Form):
    value = money_field(_("reference price"))
    quoted_on = forms.DateField(label=_("quoted on"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.CharField(label=_("source"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. the exchange or index quoted")}))


class ReceiveForm(forms.Form):
    replenishment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    quantity = quantity_field(_("quantity received"))
    unit_cost = money_field(_("unit cost"), help_text=_("The supplier's unit price, stated as the reserve states "
                                                        "its prices."))
    note_number = forms.CharField(label=_("delivery note"), max_length=60)


class CancelReplenishmentForm(forms.Form):
    replenishment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    reason = forms.CharField(label=_("reason"), max_length=300)
