"""Payables: recorded from platform evidence, confirmed (确权) or partly disputed by the debtor, paid."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.selectors.deliveries import accepted_delivery
from finance.models import Payable
from finance.selectors.payables import enterprise_size
from finance.services import books
from finance.services.settlements import bank_payment_of, bank_settle, paid_payload
from ledger.money import FEN, MAX_AMOUNT, fen
from ledger.services.journal import Leg
from supplychain.selectors.group_buys import group_buy_trader, received_settlement, received_settlement_list
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number

LEGAL_PAYMENT_DAYS = 60  # 保障中小企业款项支付条例: a large enterprise pays an SME within 60 days of acceptance
MAX_REASON = 500
SMALL = {"medium", "small", "micro"}


def lock_payable(payable: Payable) -> Payable:
    return Payable.objects.in_brain(payable.brain_id).select_for_update().get(pk=payable.pk)


def beyond_legal_terms(*, brain_id: int, debtor_id: int, creditor_id: int, accepted_on: date, due_on: date) -> bool:
    """Due more than 60 days after acceptance from a large enterprise to an SME, by the size classes of the
    enterprise file. An enterprise whose size the file cannot decide is not assumed either way."""
    if (due_on - accepted_on).days <= LEGAL_PAYMENT_DAYS:
        return False
    return (enterprise_size(brain_id=brain_id, enterprise_id=debtor_id) == "large"
            and enterprise_size(brain_id=brain_id, enterprise_id=creditor_id) in SMALL)


def payable_record_from_delivery(*, brain_id: int, delivery_id: int) -> Payable | None:
    """The payable of an accepted delivery note, once all its lines are inspected; nothing while one waits or if
    every piece was refused. Safe to call any number of times, at once too: one payable per delivery."""
    with transaction.atomic(), brain_context(brain_id):
        existing = _recorded(brain_id, Payable.Source.DELIVERY, delivery_id)
        if existing:
            return existing
        accepted = accepted_delivery(brain_id=brain_id, delivery_id=delivery_id)
        if accepted is None:
            return None
        return _record(
            brain_id=brain_id, source=Payable.Source.DELIVERY, source_id=delivery_id,
            description=_("Delivery note %(note)s, %(rfq)s") % {"note": accepted.note_number,
                                                                "rfq": accepted.rfq_number},
            debtor_id=accepted.buyer_id, creditor_id=accepted.supplier_id, currency=accepted.currency,
            amount=accepted.amount, tax=accepted.tax, accepted_on=accepted.accepted_on,
            due_on=accepted.accepted_on + timedelta(days=accepted.payment_days))


def payable_record_from_group_buy(*, brain_id: int, group_buy_id: int, member_id: int) -> Payable | None:
    """What a member owes the brain's trader (平台贸易商) for its goods of a group purchase, once every piece of its
    allocation has arrived: the settlement's goods with VAT, due per the campaign's payment terms (60 days if it
    states none) after the last receipt. Nothing while pieces are still to come, while the brain names no trader,
    or if the member is the trader. Safe to call any number of times, at once too: one payable per settlement."""
    with transaction.atomic(), brain_context(brain_id):
        received = received_settlement(brain_id=brain_id, group_buy_id=group_buy_id, member_id=member_id)
        if received is None:
            return None
        existing = _recorded(brain_id, Payable.Source.GROUP_BUY, received.settlement_id)
        if existing:
            return existing
        trader = group_buy_trader(brain=brain_id)
        if trader is None or trader.pk == received.member_id:
            return None
        days = LEGAL_PAYMENT_DAYS if received.payment_days is None else received.payment_days
        return _record(
            brain_id=brain_id, source=Payable.Source.GROUP_BUY, source_id=received.settlement_id,
            description=_("Group purchase %(number)s, %(title)s") % {"number": received.group_buy_number,
                                                                     "title": received.title},
            debtor_id=received.member_id, creditor_id=trader.pk, currency=received.currency,
            amount=received.amount, tax=received.tax, accepted_on=received.received_on,
            due_on=received.received_on + timedelta(days=days))


def payables_record_from_group_buys(*, brain_id: int) -> list[Payable]:
    """Every member's payable to the trader whose goods have all arrived and that has none yet: once the operators
    name the trader, what was received before is owed to it too."""
    with transaction.atomic(), brain_context(brain_id):
        received = received_settlement_list(brain_id=brain_id)
    made = (payable_record_from_group_buy(brain_id=brain_id, group_buy_id=row.group_buy_id, member_id=row.member_id)
            for row in received)
    return [payable for payable in made if payable is not None]


def _recorded(brain_id: int, source: str, source_id: int) -> Payable | None:
    return Payable.objects.in_brain(brain_id).filter(source=source, source_id=source_id,
                                                     split_from__isnull=True).first()


def _record(*, brain_id: int, source: str, source_id: int, description: str, debtor_id: int, creditor_id: int,
            currency: str, amount, tax, accepted_on: date, due_on: date) -> Payable:
    """The payable of one piece of evidence, once: a concurrent worker's row, if it won, is returned instead."""
    try:
        with transaction.atomic():
            payable = Payable.objects.create(
                brain_id=brain_id, number=next_number(brain_id=brain_id, prefix="AP"), source=source,
                source_id=source_id, description=description[:200], debtor_id=debtor_id, creditor_id=creditor_id,
                currency=currency, amount=amount, tax=tax, accepted_on=accepted_on, due_on=due_on,
                beyond_legal_terms=beyond_legal_terms(brain_id=brain_id, debtor_id=debtor_id,
                                                      creditor_id=creditor_id, accepted_on=accepted_on,
                                                      due_on=due_on))
    except IntegrityError:  # recorded by a concurrent worker since the caller's read
        return Payable.objects.in_brain(brain_id).get(source=source, source_id=source_id, split_from__isnull=True)
    event_record(brain_id=brain_id, name="payable.recorded", payload=_payload(payable))
    return payable


def _payload(payable: Payable) -> dict:
    return {"payable": payable.pk, "debtor": payable.debtor_id, "creditor": payable.creditor_id}


def _require_party(payable: Payable, by: User, side: str) -> None:
    """`by` acts for the payable's debtor (or creditor), an active member of its brain; NotAllowed otherwise."""
    enterprise_id = payable.debtor_id if side == "debtor" else payable.creditor_id
    active = active_members(brain=payable.brain_id).filter(enterprise_id=enterprise_id).exists()
    if by.enterprise_id != enterprise_id or not active:
        raise NotAllowed(_("Only the debtor may do this.") if side == "debtor"
                         else _("Only the creditor may do this."))


def amount_of(value, *, field: str = "amount") -> Decimal:
    """A positive yuan amount to the fen, or a clear error naming `field`."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount != amount.quantize(FEN) \
            or amount > MAX_AMOUNT:
        raise DomainError(_("Give a positive amount in yuan with at most two decimals, e.g. 12800.00."), field=field)
    return amount


@transaction.atomic
def payable_confirm(*, payable: Payable, by: User, amount=None, due_on: date | None = None,
                    reason: str = "") -> Payable:
    """The debtor confirms the payable (确权): the whole of it, or an undisputed part at once, saying why the rest is
    disputed. The rest becomes a payable of its own, waiting (disputed) with the same due date. The due date may be
    moved earlier, never past what the terms gave, and never into the past."""
    with brain_context(payable.brain_id):
        _require_party(payable, by, "debtor")
        payable = lock_payable(payable)
        if payable.status not in (Payable.Status.PENDING, Payable.Status.DISPUTED):
            raise DomainError(_("This payable is %(status)s: there is nothing to confirm.") % {
                "status": payable.get_status_display()}, code="invalid_state")
        amount = payable.amount if amount in (None, "") else amount_of(amount)
        if amount > payable.amount:
            raise DomainError(_("At most ¥%(amount)s can be confirmed.") % {"amount": f"{payable.amount:,.2f}"},
                              field="amount")
        reason = (reason or "").strip()
        disputed = payable.amount - amount
        if disputed and not reason:
            raise DomainError(_("Say why the rest (¥%(rest)s) is disputed.") % {"rest": f"{disputed:,.2f}"},
                              code="required", field="reason")
        if len(reason) > MAX_REASON:
            raise DomainError(_("Keep the reason under 500 characters."), field="reason")
        if due_on is not None:
            if due_on > payable.due_on:
                raise DomainError(_("The due date cannot be later than the terms give (%(due)s).") % {
                    "due": payable.due_on.isoformat()}, field="due_on")
            if due_on < timezone.localdate():
                raise DomainError(_("The due date cannot be in the past."), field="due_on")
            payable.due_on = due_on
        now = timezone.now()
        if disputed:
            # VAT follows the amounts: the confirmed part's share, to the fen, and the disputed part the rest.
            tax = fen(payable.tax * amount / payable.amount)
            rest = Payable.objects.create(
                brain_id=payable.brain_id, number=next_number(brain_id=payable.brain_id, prefix="AP"),
                source=payable.source, source_id=payable.source_id, split_from=payable,
                description=payable.description, debtor_id=payable.debtor_id, creditor_id=payable.creditor_id,
                currency=payable.currency, amount=disputed, tax=payable.tax - tax, accepted_on=payable.accepted_on,
                due_on=payable.due_on, beyond_legal_terms=payable.beyond_legal_terms,
                status=Payable.Status.DISPUTED, dispute_reason=reason)
            payable.amount, payable.tax = amount, tax
            event_record(brain_id=payable.brain_id, name="payable.disputed", payload=_payload(rest))
        payable.status, payable.confirmed_at, payable.confirmed_by = Payable.Status.CONFIRMED, now, by
        payable.save()
        books.post(brain_id=payable.brain_id, kind="confirmation", document=("payable", payable.pk), by=by,
                   memo=payable.number, legs=[Leg(books.RECEIVABLE, debit=amount, enterprise_id=payable.creditor_id),
                                              Leg(books.PAYABLE, credit=amount, enterprise_id=payable.debtor_id)])
        event_record(brain_id=payable.brain_id, name="payable.confirmed", payload=_payload(payable))
        return payable


@transaction.atomic
def payable_waive(*, payable: Payable, by: User, reason: str = "") -> Payable:
    """The creditor gives up a disputed payable (the debtor was right): it is closed and never owed."""
    with brain_context(payable.brain_id):
        _require_party(payable, by, "creditor")
        payable = lock_payable(payable)
        if payable.status != Payable.Status.DISPUTED:
            raise DomainError(_("Only a disputed payable can be waived."), code="invalid_state")
        payable.status = Payable.Status.WAIVED
        payable.dispute_reason = ((reason or "").strip() or payable.dispute_reason)[:MAX_REASON]
        payable.save()
        event_record(brain_id=payable.brain_id, name="payable.waived", payload=_payload(payable))
        return payable


@transaction.atomic
def payable_pay(*, payable: Payable, by: User, paid_on: date | None = None, reference: str = "") -> Payable:
    """The debtor records that it paid a confirmed payable (not issued as a certificate: those are paid to their
    holders) in full: to its creditor, or to the bank that financed it."""
    with brain_context(payable.brain_id):
        _require_party(payable, by, "debtor")
        payable = lock_payable(payable)
        if payable.status not in (Payable.Status.CONFIRMED, Payable.Status.FINANCED):
            raise DomainError(_("Only a confirmed payable that is not a certificate can be paid here."),
                              code="invalid_state")
        paid_on = paid_on or timezone.localdate()
        if paid_on > timezone.localdate() or paid_on < payable.accepted_on:
            raise DomainError(_("The payment date must be between the acceptance and today."), field="paid_on")
        financed = bank_payment_of(brain_id=payable.brain_id, payable=payable) \
            if payable.status == Payable.Status.FINANCED else None
        payee_id = financed.payer_id if financed else payable.creditor_id
        payable.status, payable.paid_on, payable.paid_by = Payable.Status.PAID, paid_on, by
        payable.save()
        books.post(brain_id=payable.brain_id, kind="payment", document=("payable", payable.pk), by=by,
                   memo=payable.number, reference=(reference or "")[:100],
                   legs=books.settlement(amount=payable.amount, debtor_id=payable.debtor_id,
                                         holder_id=payee_id, held_as=books.RECEIVABLE))
        if financed is not None:
            bank_settle(payment=financed, paid_on=paid_on)
        event_record(brain_id=payable.brain_id, name="payable.paid", payload=paid_payload(payable, payee=payee_id))
        return payable
