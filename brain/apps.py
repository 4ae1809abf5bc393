from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainConfig(AppConfig):
    name = "brain"
    verbose_name = _("Brain home and data")

    def ready(self) -> None:
        from tenants.outbox import subscribe

        subscribe("sync.run_requested", "brain.tasks.run_requested_sync", queue="sync")
