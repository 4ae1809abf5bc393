from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainConfig(AppConfig):
    name = "brain"
    verbose_name = _("Brain home and data")

    def ready(self) -> None:
        from tenants.outbox import subscribe

        subscribe("sync.run_requested", "brain.tasks.run_requested_sync", queue="sync")
        # Tags (产业打标) follow their inputs: public records a run changed, a supplier's capability profile.
        # Apps whose events change other inputs subscribe their own task (capacity: work orders completed, rated).
        subscribe("sync.run_finished", "brain.tasks.recompute_tags_after_sync", queue="sync")
        subscribe("supplier_profile.saved", "brain.tasks.recompute_enterprise_tags")
