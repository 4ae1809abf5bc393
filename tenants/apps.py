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
        from tenants import sync

        post_migrate.connect(sync.apply_triggers, sender=self, dispatch_uid="tenants.sync.apply_triggers")

        from tenants.outbox import subscribe

        for event_name in ("membership.applied", "membership.admitted", "membership.rejected",
                           "membership.suspended", "membership.reinstated"):
            subscribe(event_name, "tenants.tasks.notify_event")
        subscribe("*", "tenants.tasks.fan_out_webhooks", queue="webhooks")

        from tenants import webhooks

        for event_name, description in MEMBERSHIP_WEBHOOKS.items():
            # The enterprise hears of its own membership, also when it is suspended or rejected.
            webhooks.webhook_event_type(event_name, description=description, members_only=False,
                                        audience=_own_membership)


MEMBERSHIP_WEBHOOKS = {
    "membership.admitted": _("Your enterprise was admitted to the brain."),
    "membership.rejected": _("Your application to the brain was not accepted."),
    "membership.suspended": _("Your membership of the brain was suspended."),
    "membership.reinstated": _("Your membership of the brain was reinstated."),
}


def _own_membership(event, candidates: set[int]) -> dict[int, dict]:
    enterprise_id = event.payload["enterprise"]
    data = {"membership": event.payload["membership"], "note": event.payload.get("note", "")}
    return {enterprise_id: data} if enterprise_id in candidates else {}
