"""The finance events an enterprise may subscribe webhooks to, and who hears of each: whoever could read the
payable, certificate or transfer through the API (finance.selectors), and only its ids."""

from django.utils.translation import gettext_lazy as _

from finance.selectors.certificates import certificate_list, certificate_transfer_list
from finance.selectors.discounting import clearing_run_list
from finance.selectors.early_payments import early_payment_list
from finance.selectors.financing import financing_quote_list
from finance.selectors.ip_loans import ip_loan_list
from finance.selectors.nettings import netting_list
from finance.selectors.payables import payable_list
from tenants.access import enterprise_access
from tenants.models import Brain
from tenants.webhooks import webhook_event_type, without


def _readers(selector, key):
    """An audience: each candidate that `selector` shows the event's `key` object to hears the event."""

    def audience(event, candidates: set[int]) -> dict[int, dict]:
        brain = Brain.objects.get(pk=event.brain_id)
        return {enterprise_id: without(event.payload) for enterprise_id in candidates
                if selector(brain=brain, viewer=enterprise_access(brain=brain, enterprise_id=enterprise_id))
                .filter(pk=event.payload[key]).exists()}

    return audience


def _financing_asked(event, candidates: set[int]) -> dict[int, dict]:
    """financing.requested: the supplier, and each bank asked (which is not told which other banks were)."""
    banks, supplier = set(event.payload.get("banks", [])), event.payload["supplier"]
    return {enterprise_id: without(event.payload, *(() if enterprise_id == supplier else ("banks",)))
            for enterprise_id in candidates if enterprise_id == supplier or enterprise_id in banks}


def _payer_and_payee(event, candidates: set[int]) -> dict[int, dict]:
    """payment.due: the debtor who pays and the payee who is paid (the creditor, holder or financing bank)."""
    return {enterprise_id: without(event.payload) for enterprise_id in candidates
            if enterprise_id in (event.payload["debtor"], event.payload["payee"])}

def register() -> None:
    payables = _readers(payable_list, "payable")
    for name, description in (
        ("payable.recorded", _("A delivery note was accepted in full: what the buyer owes for it, to confirm.")),
        ("payable.confirmed", _("The debtor confirmed a payable (确权), whole or its undisputed part.")),
        ("payable.disputed", _("Part of a payable is disputed: the disputed rest, waiting.")),
        ("payable.waived", _("The creditor waived a disputed payable.")),
        ("payable.paid", _("A payable was paid in full.")),
    ):
        webhook_event_type(name, description=description, audience=payables)
    certificates = _readers(certificate_list, "certificate")
    for name, description in (
        ("certificate.issued", _("A confirmed payable was issued as a certificate.")),
        ("certificate.split", _("A certificate was split into parts.")),
        ("certificate.redeemed", _("A certificate was paid at maturity.")),
    ):
        webhook_event_type(name, description=description, audience=certificates)
    transfers = _readers(certificate_transfer_list, "transfer")
    for name, description in (
        ("certificate.offered", _("A certificate is offered to a member: accept or decline before it expires.")),
        ("certificate.transferred", _("An offered certificate was accepted: the receiver holds it.")),
        ("certificate.transfer_declined", _("The receiver declined an offered certificate.")),
        ("certificate.transfer_withdrawn", _("The sender withdrew an offer.")),
        ("certificate.transfer_expired", _("An offer expired unanswered and returned to the sender.")),
    ):
        webhook_event_type(name, description=description, audience=transfers)
    ip_loans = _readers(ip_loan_list, "ip_loan")  # the applicant and the bank it applied to
    for name, description in (
        ("ip_loan.submitted", _("An IP-pledge loan application was made to a bank.")),
        ("ip_loan.documents_requested", _("The bank asks the applicant for documents.")),
        ("ip_loan.documents_supplied", _("The applicant supplied the documents asked for.")),
        ("ip_loan.approved", _("The bank approved a loan: amount, rate, term and repayment method.")),
        ("ip_loan.declined", _("The bank declined a loan application, with its reason.")),
        ("ip_loan.withdrawn", _("The applicant withdrew its loan application.")),
        ("ip_loan.disbursed", _("The pledge is registered and the loan paid out: its schedule runs.")),
        ("ip_loan.repayment_recorded", _("The bank recorded a repayment of a loan.")),
        ("ip_loan.repayment_due", _("A loan's instalment is due in a few days (7, 3 and 1 days before).")),
        ("ip_loan.repaid", _("A loan is repaid in full: the pledged patents are released.")),
    ):
        webhook_event_type(name, description=description, audience=ip_loans)
    nettings = _readers(netting_list, "netting")  # its parties; the payload names none of them
    for name, description in (
        ("netting.proposed", _("A netting of payables you owe or are owed is proposed: confirm your position or "
                               "reject it before it expires.")),
        ("netting.confirmed", _("A party confirmed a netting you are in (how many of how many have).")),
        ("netting.settled", _("Every party confirmed: the netting is settled and your netted payables with it.")),
        ("netting.voided", _("A netting you are in is void: rejected, withdrawn, expired, or a payable changed.")),
    ):
        webhook_event_type(name, description=description, audience=nettings)
    early_payments = _readers(early_payment_list, "early_payment")  # payer, supplier, debtor
    webhook_event_type("early_payment.made", description=_(
        "A claim was paid early: by its buyer at a discount, or by a bank that now holds it and is paid at "
        "maturity."), audience=early_payments)
    webhook_event_type("discount.cleared", description=_(
        "A clearing of your discount programme ran: how many offers cleared and the cash paid."),
        audience=_readers(clearing_run_list, "run"))
    webhook_event_type("financing.requested", description=_(
        "A supplier asks to have a claim financed: your bank was asked to quote (or it is your request)."),
        audience=_financing_asked)
    quotes = _readers(financing_quote_list, "quote")  # the bank that quoted and the supplier
    for name, description in (
        ("financing.quoted", _("A bank quoted on a financing request.")),
        ("financing.accepted", _("The supplier accepted a quote: the bank pays it and holds the claim.")),
    ):
        webhook_event_type(name, description=description, audience=quotes)
    webhook_event_type("payment.due", description=_(
        "A claim you pay or are paid falls due in 7, 3 or 1 days, or today: once per claim and day."),
        audience=_payer_and_payee)
