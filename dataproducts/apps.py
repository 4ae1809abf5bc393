from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataproductsConfig(AppConfig):
    name = "dataproducts"
    verbose_name = _("Data products")
