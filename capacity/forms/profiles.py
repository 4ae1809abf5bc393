"""Forms of a supplier's capability profile: processes with free hours, machines, materials."""


from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _


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
