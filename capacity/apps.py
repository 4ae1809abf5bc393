from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "capacity"
    verbose_name = _("Capacity sharing")

    def ready(self) -> None:
        # Imported here, not at the top: models and what uses them load only once the app registry is ready.
        from brain.home import home_section_register
        from brain.selectors.enterprise_files import platform_facts_provide
        from capacity import live  # noqa: F401  (registers the "rfq" and "board" live topics)
        from capacity import webhooks
        from capacity.selectors.profiles import supplier_file_facts
        from capacity.services import board, notifications  # noqa: F401  (register their notification titles)
        from tenants.outbox import subscribe

        webhooks.register()
        home_section_register(template="capacity/home/section.html", order=10)
        platform_facts_provide(supplier_file_facts)  # capability, orders won, delivery record in the enterprise file
        for event_name in ("work_order.completed", "work_order.rated"):  # they move the on-time rate and rating
            subscribe(event_name, "capacity.tasks.recompute_supplier_tags")

        subscribe("*", "capacity.tasks.push_project_board")  # every event naming a project moves its board
        subscribe("rfq.published", "capacity.tasks.run_matching", queue="matching")
        subscribe("project.bom_import_requested", "capacity.tasks.run_bom_import")
        subscribe("rfq.recommendation_requested", "capacity.tasks.compute_recommendation", queue="matching")
        for event_name in ("rfq.published", "rfq.matched", "quote.submitted", "rfq.closed", "rfq.cancelled",
                           "rfq.awarded", "rfq.recommendation_ready", "work_order.accepted", "work_order.declined"):
            subscribe(event_name, "capacity.tasks.notify_capacity_event")
        for event_name in ("change_request.requested", "change_request.accepted", "change_request.rejected",
                           "change_request.withdrawn"):
            subscribe(event_name, "capacity.tasks.notify_capacity_event")
        for event_name in ("mould_trial.scheduled", "mould_trial.recorded", "mould_trial.cancelled"):
            subscribe(event_name, "capacity.tasks.notify_capacity_event")
        for event_name in ("delivery.recorded", "delivery.inspected", "work_order.completed", "work_order.rated"):
            subscribe(event_name, "capacity.tasks.notify_capacity_event")
