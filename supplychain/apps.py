from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplychainConfig(AppConfig):
    name = "supplychain"
    verbose_name = _("Supply chain")

    def ready(self) -> None:
        # Imported here, not at the top: models and what uses them load only once the app registry is ready.
        from brain.home import home_section_register
        from supplychain import live, notifications  # noqa: F401  (register the "group_buy" live topic; titles)
        from supplychain import webhooks
        from tenants.outbox import subscribe

        webhooks.register()  # the group-purchase and joint-reserve event types enterprises may subscribe to
        home_section_register(template="supplychain/home/section.html", order=20)
        for event_name in ("group_buy.opened", "group_buy.pledged", "group_buy.pledge_withdrawn", "group_buy.locked",
                           "group_buy.extended", "group_buy.awaiting_supplier", "group_buy.cancelled",
                           "group_buy.shipped", "group_buy.received", "group_buy.completed"):
            subscribe(event_name, "supplychain.tasks.push_group_buy")
        for event_name in ("group_buy.opened", "group_buy.locked", "group_buy.extended", "group_buy.awaiting_supplier",
                           "group_buy.cancelled", "group_buy.shipped", "group_buy.received"):
            subscribe(event_name, "supplychain.tasks.notify_group_buy_event")
        # A member's payable to the brain's trader discharged in finance: the campaign's books record the payment
        # (finance's payload keys only; supplychain imports nothing of finance).
        for event_name in ("payable.paid", "payable.netted"):
            subscribe(event_name, "supplychain.tasks.record_trader_payment")
