from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataproductsConfig(AppConfig):
    """Data products built from the brain's verified transactions, published through one privacy module
    (dataproducts.privacy), with access, subscriptions and metering; and the capability centre (能力中心)."""

    name = "dataproducts"
    verbose_name = _("Data products")

    def ready(self) -> None:
        # Imported here: registries are filled once the app registry is ready. One line per concept.
        pass
