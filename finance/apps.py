from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    """Supply-chain finance on the platform's evidence: payables from accepted deliveries, confirmed by the debtor,
    issued as certificates that split and pass down the chain; members' payables to the brain's trader from group
    purchases. Reads capacity and supplychain through their selectors and events."""

    name = "finance"
    verbose_name = _("Supply-chain finance")

    def ready(self) -> None:
        # Imported here: the outbox registry is filled once the app registry is ready.
        from brain.home import home_section_register
        from finance import webhooks
        from finance.services import ip_loans  # its notification titles register on import
        from finance.services import nettings  # its notification titles register on import
        from tenants.outbox import subscribe

        webhooks.register()
        home_section_register(template="finance/home/section.html", order=30)
        subscribe("delivery.inspected", "finance.tasks.record_payable")
        subscribe("group_buy.received", "finance.tasks.record_group_buy_payable")
        subscribe("supply_chain_settings.saved", "finance.tasks.record_group_buy_payables")
        subscribe("payable.confirmed", "finance.tasks.make_standing_discount_offers")
        for event_name in sorted(ip_loans.TO_BANK | ip_loans.TO_APPLICANT):
            subscribe(event_name, "finance.tasks.notify_ip_loan_event")
        for event_name in nettings.NOTIFIED:
            subscribe(event_name, "finance.tasks.notify_netting_event")
