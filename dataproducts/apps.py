from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataproductsConfig(AppConfig):
    """Data products built from the brain's verified transactions, published through one privacy module
    (dataproducts.privacy), with access, subscriptions and metering; and the capability centre (能力中心)."""

    name = "dataproducts"
    verbose_name = _("Data products")

    def ready(self) -> None:
        # Imported here: registries are filled once the app registry is ready. One line per concept.
        self.access_ready()
        self.components_ready()
        self.usage_ready()
        self.revisions_ready()

    def revisions_ready(self) -> None:
        """Revisions: every contributing enterprise is told what a published revision took from its data."""
        from dataproducts.services import consents  # noqa: F401  (its notification title registers on import)
        from tenants.outbox import subscribe

        subscribe("revision.published", "dataproducts.tasks.notify_contributors")

    def access_ready(self) -> None:
        """Access requests and subscriptions: notification titles, webhook event types, who is told of what."""
        from dataproducts import webhooks
        from dataproducts.services import (
            access_requests,  # its notification titles register on import
            subscriptions,  # noqa: F401  (its notification titles, too)
        )
        from tenants.outbox import subscribe

        webhooks.access_register()
        for event_name in access_requests.NOTIFIED:
            subscribe(event_name, "dataproducts.tasks.notify_access_event")

    def components_ready(self) -> None:
        """The capability centre: notification titles, the component.listed webhook type, who is told of what, and
        its section on the brain home."""
        from brain.home import home_section_register
        from dataproducts.services import components
        from tenants.outbox import subscribe

        components.webhooks_register()
        home_section_register(template="dataproducts/components/home_section.html", order=40)
        for event_name in sorted(components.NOTIFIED):
            subscribe(event_name, "dataproducts.tasks.notify_component_event")

    def usage_ready(self) -> None:
        """Usage: the usage_statement.issued webhook type (the subscriber hears of its statement)."""
        from dataproducts import webhooks

        webhooks.usage_register()
