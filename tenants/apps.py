from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenants and identity")

    def ready(self) -> None:
        from tenants import rls

        # After every migrate (and test-database creation), so a new tenant-owned model is covered
        # without anyone remembering to write a policy for it. Sent per app after all migrations ran:
        # once, for this app, is enough.
        post_migrate.connect(rls.apply_policies, sender=self, dispatch_uid="tenants.rls.apply_policies")

        from tenants.outbox import subscribe

        for event_name in ("membership.applied", "membership.admitted", "membership.rejected",
                           "membership.suspended", "membership.reinstated"):
            subscribe(event_name, "tenants.tasks.notify_event")
