from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainConfig(AppConfig):
    name = "brain"
    verbose_name = _("Brain home and data")
