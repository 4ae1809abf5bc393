"""Forms of the project pages: a new project, a BOM upload, a drawing upload."""


from django import forms
from django.utils.translation import gettext_lazy as _


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
