"""Forms of remote mould trials: scheduling, the result with its files, modifications."""

from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capacity.models import MouldTrial
from tenants.forms.uploads import MultipleFileField


class TrialScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("scheduled for"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    location = forms.CharField(label=_("where"), max_length=200,
                               widget=forms.TextInput(attrs={"placeholder": _("e.g. the trial centre, press hall 2")}))
    press = forms.CharField(label=_("press"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. Haitian MA1600, 160 t")}))
    meeting_url = forms.CharField(label=_("video meeting link"), max_length=200, required=False,
                                  widget=forms.URLInput(attrs={"placeholder": "https://"}),
                                  help_text=_("For those who follow the trial remotely."))


class TrialRecordForm(forms.Form):
    shots = forms.IntegerField(label=_("shots"), min_value=0, max_value=1_000_000,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=MouldTrial.Conclusion.choices,
                                   widget=forms.RadioSelect)
    defects = forms.CharField(label=_("defects found"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when the mould must be modified: flash, short shots, sink "
                                          "marks, sticking, dimensions out of tolerance…"))
    summary = forms.CharField(label=pgettext_lazy("mould trial", "summary"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("photos"), accept="image/*")
    videos = MultipleFileField(label=_("videos"), accept="video/*")
    inspections = MultipleFileField(label=_("inspection reports (PDF, XLSX)"), accept=".pdf,.xlsx")

    KINDS: ClassVar[dict[str, str]] = {"photos": "photo", "videos": "video", "inspections": "inspection"}


class TrialCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class NewPartModificationForm(forms.Form):
    description = forms.CharField(label=_("modification"), max_length=500)
    part_no = forms.CharField(label=_("part number"), max_length=60)
    name = forms.CharField(label=_("name"), max_length=200)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=10_000_000, initial=1)
    material = forms.CharField(label=_("material"), max_length=30, required=False)
    due_date = forms.DateField(label=_("due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    processes = forms.CharField(label=_("processes"), max_length=300, required=False,
                                help_text=_("In order, separated by semicolons: codes or Chinese names, e.g. "
                                            "CNC;HT"))

    def clean_processes(self):
        text = self.cleaned_data["processes"].replace("；", ";").replace("，", ";").replace(",", ";")
        return [p.strip() for p in text.split(";") if p.strip()]


class OperationModificationForm(forms.Form):
    description = forms.CharField(label=_("modification"), max_length=500)
    part = forms.TypedChoiceField(label=_("part"), coerce=int)
    process = forms.ChoiceField(label=_("process"))

    def __init__(self, *args, parts=(), processes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [("", "—")] + [(p.pk, f"{p.part_no} {p.name}") for p in parts]
        self.fields["process"].choices = [("", "—")] + [(p.code, p.name) for p in processes]
