"""Celery tasks of supply-chain finance: thin, take ids, call services."""

from celery import shared_task

from finance.services import certificates, discounting, financing, ip_loans, maturities, nettings, payables
from tenants.live import push_notifications
from tenants.outbox import event_payload


@shared_task(acks_late=True)
def record_payable(brain_id: int, event_id: int) -> int | None:
    """delivery.inspected: once every line of the delivery is inspected, its payable (once, however often run)."""
    delivery_id = event_payload(brain_id=brain_id, event_id=event_id)["delivery"]
    payable = payables.payable_record_from_delivery(brain_id=brain_id, delivery_id=delivery_id)
    return payable.pk if payable else None


@shared_task(acks_late=True)
def record_group_buy_payable(brain_id: int, event_id: int) -> int | None:
    """group_buy.received: once every piece of the member's allocation has arrived, what it owes the brain's trader
    (once, however often run)."""
    payload = event_payload(brain_id=brain_id, event_id=event_id)
    payable = payables.payable_record_from_group_buy(brain_id=brain_id, group_buy_id=payload["group_buy"],
                                                     member_id=payload["member"])
    return payable.pk if payable else None


@shared_task(acks_late=True)
def record_group_buy_payables(brain_id: int, event_id: int) -> int:
    """supply_chain_settings.saved: with a trader named, the goods already received are owed to it too."""
    if event_payload(brain_id=brain_id, event_id=event_id).get("trader") is None:
        return 0
    return len(payables.payables_record_from_group_buys(brain_id=brain_id))


@shared_task(acks_late=True)
def expire_certificate_transfers() -> int:
    """Beat, every minute: offers past their expiry return to their senders."""
    return certificates.certificate_transfers_expire()


@shared_task(acks_late=True)
def make_standing_discount_offers(brain_id: int, event_id: int) -> int:
    """payable.confirmed: the supplier's recurring discount offer to the buyer's programme makes its offer on it."""
    payable_id = event_payload(brain_id=brain_id, event_id=event_id)["payable"]
    return len(discounting.discount_offers_from_standing(brain_id=brain_id, payable_id=payable_id))


@shared_task(acks_late=True)
def clear_discount_programmes() -> int:
    """Beat, every minute: each open programme is cleared once at its cut-off of the day; ended ones close."""
    return discounting.discount_clearings_due()


@shared_task(acks_late=True)
def expire_financing() -> int:
    """Beat, every minute: financing requests and quotes past their expiry expire."""
    return financing.financing_expire()


@shared_task(acks_late=True)
def send_maturity_reminders() -> int:
    """Beat, daily: claims due in 7, 3, 1 or 0 days are announced (payment.due), once per claim and day."""
    return maturities.maturity_reminders_send()


@shared_task(acks_late=True)
def send_ip_loan_reminders() -> int:
    """Beat, daily: instalments of active IP-pledge loans due in 7, 3 and 1 days are reminded, once each."""
    return ip_loans.ip_loan_reminders_send().count


@shared_task(acks_late=True)
def notify_ip_loan_event(brain_id: int, event_id: int) -> int:
    """ip_loan.*: the in-app notifications (and e-mails) of the bank or the applicant, once per event and user."""
    made = ip_loans.ip_loan_notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)


@shared_task(acks_late=True)
def expire_nettings() -> int:
    """Beat, every minute: netting proposals whose parties did not all confirm in time are void."""
    return nettings.nettings_expire()


@shared_task(acks_late=True)
def notify_netting_event(brain_id: int, event_id: int) -> int:
    """netting.proposed, settled, voided: the parties' (and operators') in-app notifications, once per event and
    user."""
    made = nettings.netting_notifications_from_event(brain_id=brain_id, event_id=event_id)
    push_notifications(made)
    return len(made)
