from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplychainConfig(AppConfig):
    name = "supplychain"
    verbose_name = _("Supply chain")

    def ready(self) -> None:
        from supplychain import reserve_webhooks

        reserve_webhooks.register()  # the joint-reserve event types enterprises may subscribe webhooks to
