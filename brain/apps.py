from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainConfig(AppConfig):
    name = "brain"
    verbose_name = _("Brain home and data")

    def ready(self) -> None:
        # Imported here, not at the top: models and what uses them load only once the app registry is ready.
        from brain import webhooks
        from brain.home import home_section_register
        from brain.services import policies  # noqa: F401  (registers its notification titles)
        from tenants.outbox import subscribe

        subscribe("sync.run_requested", "brain.tasks.run_requested_sync", queue="sync")
        # Tags (产业打标) follow their inputs: public records a run changed, a supplier's capability profile.
        # Apps whose events change other inputs subscribe their own task (capacity: work orders completed, rated).
        subscribe("sync.run_finished", "brain.tasks.recompute_tags_after_sync", queue="sync")
        subscribe("supplier_profile.saved", "brain.tasks.recompute_enterprise_tags")
        # Policy matching (政策直达): a policy published or re-ruled is matched against every member; a member
        # admitted or reinstated is matched against the open policies; eligible enterprises are told.
        for name in ("membership.admitted", "membership.reinstated"):
            subscribe(name, "brain.tasks.recompute_enterprise_tags")
        for name in ("policy.published", "policy.changed", "policy.rematch_requested"):
            subscribe(name, "brain.tasks.match_policy", queue="matching")
        for name in ("policy.eligible", "policy.withdrawn"):
            subscribe(name, "brain.tasks.policy_notifications")

        webhooks.register()
        home_section_register(template="brain/home/policies_section.html", order=90)
