from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from tenants.models import Process


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("project code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
    customer = forms.CharField(label=_("customer"), max_length=200, required=False)
    due_date = forms.DateField(label=_("due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class BomUploadForm(forms.Form):
    file = forms.FileField(label=_("BOM file (.csv or .xlsx)"))


class DrawingUploadForm(forms.Form):
    part = forms.IntegerField(min_value=1)
    file = forms.FileField(label=_("drawing (PDF, PNG, JPEG, DWG, DXF, STEP)"))


class RfqForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    deadline = forms.DateTimeField(label=_("deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    open_to_all = forms.BooleanField(label=_("open to every qualified supplier"), required=False, initial=True)
    invited = forms.MultipleChoiceField(label=_("invite suppliers"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].choices = [(str(e.pk), str(e)) for e in suppliers]


class QuoteLineForm(forms.Form):
    rfq_line = forms.IntegerField(widget=forms.HiddenInput)
    unit_price = forms.DecimalField(label=_("unit price (CNY, tax included)"), max_digits=14, decimal_places=2,
                                    min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), required=False)
    vat_rate = forms.TypedChoiceField(label=_("VAT rate (%)"), coerce=Decimal, initial="13", required=False,
                                      choices=[(r, f"{r}%") for r in ("13", "9", "6", "3", "1", "0")])
    lead_time_days = forms.IntegerField(label=_("lead time (days)"), min_value=1, max_value=3650, required=False)
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    remarks = forms.CharField(label=_("remarks"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("unit_price") is not None and not data.get("lead_time_days"):
            self.add_error("lead_time_days", _("Give a lead time for a priced line."))
        return data


QuoteLineFormSet = formset_factory(QuoteLineForm, extra=0)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RecommendationForm(forms.Form):
    max_suppliers = forms.IntegerField(label=_("at most this many suppliers"), min_value=1, required=False)


class ProfileForm(forms.Form):
    summary = forms.CharField(label=_("summary"), max_length=300, required=False)
    materials = forms.CharField(label=_("materials (comma separated)"), required=False,
                                help_text=_("e.g. P20, 718H, NAK80"))
    certifications = forms.CharField(label=_("certifications (comma separated)"), required=False)

    def clean_materials(self):
        return [m.strip() for m in self.cleaned_data["materials"].replace("，", ",").split(",") if m.strip()]

    def clean_certifications(self):
        return [c.strip() for c in self.cleaned_data["certifications"].replace("，", ",").split(",") if c.strip()]


class CapacityForm(forms.Form):
    process = forms.ChoiceField(label=_("process"))
    weekly_free_hours = forms.DecimalField(label=_("free hours per week"), max_digits=7, decimal_places=1, min_value=0)

    def __init__(self, *args, processes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", "—")] + [(p.code, f"{p.code} {p.name}") for p in processes]


class MachineForm(forms.Form):
    process = forms.ChoiceField(label=_("process"))
    machine_type = forms.CharField(label=_("machine type"), max_length=60)
    brand = forms.CharField(label=_("brand"), max_length=60, required=False)
    model = forms.CharField(label=_("model"), max_length=60, required=False)
    count = forms.IntegerField(label=_("count"), min_value=1, initial=1)
    envelope_x_mm = forms.IntegerField(label=_("X (mm)"), min_value=1)
    envelope_y_mm = forms.IntegerField(label=_("Y (mm)"), min_value=1)
    envelope_z_mm = forms.IntegerField(label=_("Z (mm)"), min_value=1)
    max_weight_kg = forms.DecimalField(label=_("max weight (kg)"), max_digits=9, decimal_places=1, min_value=0)
    tolerance_mm = forms.DecimalField(label=_("tolerance (mm)"), max_digits=6, decimal_places=4, min_value=0)

    def __init__(self, *args, processes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", "—")] + [(p.code, f"{p.code} {p.name}") for p in processes]


CapacityFormSet = formset_factory(CapacityForm, extra=2, can_delete=True)
MachineFormSet = formset_factory(MachineForm, extra=1, can_delete=True)


def processes_of(brain):
    return list(Process.objects.in_brain(brain))


# --- The project board ---------------------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    """The board's filters (GET): a supplier (enterprise id), a risk class, a process (id)."""

    supplier = forms.IntegerField(label=_("supplier"), min_value=1, required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    process = forms.IntegerField(label=_("process"), min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        from capacity.board import Risk

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *Risk.choices]


class BoardSettingsForm(forms.Form):
    stale_after_days = forms.IntegerField(
        label=_("days without a report before a part is at risk"), min_value=1, max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
