"""An enterprise administrator subscribes a URL to event types."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.webhooks import ALL_TYPES, event_type_catalogue


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(label=_("Event types"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(ALL_TYPES, _("All event types"))] + [
            (t["name"], f'{t["name"]} — {t["description"]}') for t in event_type_catalogue()]
