"""Payable certificates: issue on a confirmed payable, split, transfer (offer → accept, decline, withdraw, expire),
redeem at maturity.

Lock order, everywhere: the payable, then certificates by id (a parent before its children), then the transfer.
A certificate paid early (finance.services.early_payments) is never split or passed on: the database says so too.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.models import Certificate, CertificateTransfer, EarlyPayment, FinanceSettings, Payable
from finance.services import books
from finance.services.payables import amount_of, lock_payable
from finance.services.settlements import bank_payment_of, bank_settle, payable_paid_if_done
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number

MAX_PARTS = 20
MAX_NOTE = 300


def finance_settings_of(brain_id: int) -> FinanceSettings:
    return FinanceSettings.objects.in_brain(brain_id).first() or FinanceSettings(brain_id=brain_id)


def lock_certificate(certificate: Certificate) -> Certificate:
    return Certificate.objects.in_brain(certificate.brain_id).select_for_update().get(pk=certificate.pk)


def _active_member(brain_id: int, enterprise_id: int | None) -> bool:
    return bool(enterprise_id) and active_members(brain=brain_id).filter(enterprise_id=enterprise_id).exists()


def _require_enterprise(brain_id: int, by: User, enterprise_id: int, message: str) -> None:
    if by.enterprise_id != enterprise_id or not _active_member(brain_id, enterprise_id):
        raise NotAllowed(message)


def _payload(certificate: Certificate, **extra) -> dict:
    return {"certificate": certificate.pk, "payable": certificate.payable_id, "holder": certificate.holder_id,
            "issuer": certificate.issuer_id, **extra}


@transaction.atomic
def certificate_issue(*, payable: Payable, by: User) -> Certificate:
    """The creditor turns its confirmed payable into a certificate it holds, to split and pass on. Its choice only:
    a creditor may always keep the payable and be paid money at maturity."""
    with brain_context(payable.brain_id):
        _require_enterprise(payable.brain_id, by, payable.creditor_id, _("Only the creditor may do this."))
        payable = lock_payable(payable)
        if payable.status != Payable.Status.CONFIRMED:
            raise DomainError(_("Only a confirmed payable can be issued as a certificate."), code="invalid_state")
        if payable.due_on <= timezone.localdate():
            raise DomainError(_("This payable is due: ask for payment instead."), code="invalid_state")
        certificate = Certificate.objects.create(
            brain_id=payable.brain_id, number=next_number(brain_id=payable.brain_id, prefix="CERT"),
            payable=payable, issuer_id=payable.debtor_id, holder_id=payable.creditor_id, amount=payable.amount,
            matures_on=payable.due_on)
        payable.status = Payable.Status.CERTIFIED
        payable.save(update_fields=["status"])
        books.post(brain_id=payable.brain_id, kind="certificate_issue", document=("certificate", certificate.pk),
                   by=by, memo=certificate.number, legs=books.claim_moves(
                       amount=certificate.amount, from_kind=books.RECEIVABLE, from_id=payable.creditor_id,
                       to_kind=books.CERTIFICATE, to_id=payable.creditor_id))
        event_record(brain_id=payable.brain_id, name="certificate.issued", payload=_payload(certificate))
        return certificate


def _split(certificate: Certificate, amounts: list[Decimal], by: User) -> list[Certificate]:
    """Split a locked, held certificate into children of `amounts` (checked by the caller to sum to it)."""
    settings = finance_settings_of(certificate.brain_id)
    if certificate.depth + 1 > settings.max_depth:
        raise DomainError(_("This certificate was split %(n)s times already, the most this brain allows.") % {
            "n": certificate.depth}, code="too_deep")
    smallest = min(amounts)
    if smallest < settings.min_split_amount:
        raise DomainError(_("Each part must be at least ¥%(min)s.") % {"min": f"{settings.min_split_amount:,.2f}"},
                          field="amounts")
    children = [Certificate(
        brain_id=certificate.brain_id, number=f"{certificate.number}-{index}", payable_id=certificate.payable_id,
        parent=certificate, depth=certificate.depth + 1, issuer_id=certificate.issuer_id,
        holder_id=certificate.holder_id, amount=amount, matures_on=certificate.matures_on)
        for index, amount in enumerate(amounts, start=1)]
    Certificate.objects.bulk_create(children)
    certificate.status = Certificate.Status.SPLIT
    certificate.save(update_fields=["status"])
    legs = [leg for child in children for leg in books.claim_moves(
        amount=child.amount, from_kind=books.CERTIFICATE, from_id=certificate.holder_id,
        to_kind=books.CERTIFICATE, to_id=child.holder_id)]
    books.post(brain_id=certificate.brain_id, kind="certificate_split", document=("certificate", certificate.pk),
               by=by, memo=certificate.number, legs=legs)
    event_record(brain_id=certificate.brain_id, name="certificate.split",
                 payload=_payload(certificate, children=[child.pk for child in children]))
    return children


def _require_held_by(certificate: Certificate, by: User) -> None:
    _require_enterprise(certificate.brain_id, by, certificate.holder_id, _("Only the holder may do this."))
    if certificate.status != Certificate.Status.HELD:
        raise DomainError(_("This certificate is %(status)s: only a held one can be split or passed on.") % {
            "status": certificate.get_status_display()}, code="invalid_state")
    if certificate.matures_on <= timezone.localdate():
        raise DomainError(_("This certificate has matured: it is paid, not passed on."), code="invalid_state")
    if EarlyPayment.objects.in_brain(certificate.brain_id).filter(certificate=certificate).exists():
        raise DomainError(_("This certificate was financed: it is neither split nor passed on, and is paid to its "
                            "bank at maturity."), code="financed")


@transaction.atomic
def certificate_split(*, certificate: Certificate, by: User, amounts: list) -> list[Certificate]:
    """The holder splits a certificate into 2 to 20 parts, to the fen, that add up to it exactly."""
    with brain_context(certificate.brain_id):
        certificate = lock_certificate(certificate)
        _require_held_by(certificate, by)
        if not isinstance(amounts, list | tuple) or not 2 <= len(amounts) <= MAX_PARTS:
            raise DomainError(_("Give 2 to %(max)s amounts.") % {"max": MAX_PARTS}, field="amounts")
        parts = [amount_of(amount, field="amounts") for amount in amounts]
        if sum(parts) != certificate.amount:
            raise DomainError(_("The parts add up to ¥%(sum)s; they must add up to ¥%(amount)s.") % {
                "sum": f"{sum(parts):,.2f}", "amount": f"{certificate.amount:,.2f}"}, field="amounts")
        return _split(certificate, parts, by)


@transaction.atomic
def certificate_transfer(*, certificate: Certificate, by: User, receiver_id: int, amount=None,
                         note: str = "") -> CertificateTransfer:
    """The holder offers the certificate, or a part of it (split off first), to another member of the brain, e.g.
    its own supplier. The receiver accepts or declines; unanswered by the expiry, it returns to the holder."""
    with brain_context(certificate.brain_id):
        certificate = lock_certificate(certificate)
        _require_held_by(certificate, by)
        if receiver_id == certificate.holder_id:
            raise DomainError(_("Choose another member to receive it."), field="receiver")
        if not _active_member(certificate.brain_id, receiver_id):
            raise DomainError(_("The receiver must be an active member of this brain."), field="receiver")
        note = (note or "").strip()
        if len(note) > MAX_NOTE:
            raise DomainError(_("Keep the note under 300 characters."), field="note")
        offered = certificate
        if amount not in (None, ""):
            part = amount_of(amount)
            if part > certificate.amount:
                raise DomainError(_("At most ¥%(amount)s can be passed on.") % {
                    "amount": f"{certificate.amount:,.2f}"}, field="amount")
            if part < certificate.amount:
                offered = _split(certificate, [part, certificate.amount - part], by)[0]
        expires_at = timezone.now() + timedelta(days=finance_settings_of(certificate.brain_id).transfer_days)
        offered.status, offered.offered_to_id = Certificate.Status.OFFERED, receiver_id
        offered.save(update_fields=["status", "offered_to"])
        transfer = CertificateTransfer.objects.create(
            brain_id=offered.brain_id, certificate=offered, sender_id=offered.holder_id, receiver_id=receiver_id,
            note=note, offered_by=by, expires_at=min(expires_at, _end_of(offered.matures_on)))
        event_record(brain_id=offered.brain_id, name="certificate.offered",
                     payload=_payload(offered, transfer=transfer.pk, receiver=receiver_id))
        return transfer


def _end_of(day: date):
    """The moment before `day` begins in Beijing: a transfer cannot wait past its certificate's maturity."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _lock_transfer(transfer: CertificateTransfer) -> tuple[Certificate, CertificateTransfer]:
    certificate = Certificate.objects.in_brain(transfer.brain_id).select_for_update().get(pk=transfer.certificate_id)
    transfer = CertificateTransfer.objects.in_brain(transfer.brain_id).select_for_update().get(pk=transfer.pk)
    return certificate, transfer


def _close(certificate, transfer, outcome: str, by: User | None, reason: str = "") -> CertificateTransfer:
    transfer.outcome, transfer.decided_at, transfer.decided_by = outcome, timezone.now(), by
    transfer.reason = reason[:MAX_NOTE]
    transfer.save()
    certificate.status, certificate.offered_to = Certificate.Status.HELD, None
    if outcome == CertificateTransfer.Outcome.ACCEPTED:
        certificate.holder_id = transfer.receiver_id
    certificate.save(update_fields=["status", "offered_to", "holder"])
    return transfer


@transaction.atomic
def certificate_transfer_accept(*, transfer: CertificateTransfer, by: User) -> CertificateTransfer:
    """The receiver accepts before the expiry (by the server's clock): it now holds the certificate."""
    with brain_context(transfer.brain_id):
        _require_enterprise(transfer.brain_id, by, transfer.receiver_id, _("Only the receiver may do this."))
        certificate, transfer = _lock_transfer(transfer)
        _require_pending(transfer)
        if timezone.now() >= transfer.expires_at:  # beat returns it to the sender (certificate_transfers_expire)
            raise DomainError(_("This offer expired at %(at)s: the certificate goes back to its sender.") % {
                "at": timezone.localtime(transfer.expires_at).strftime("%Y-%m-%d %H:%M")}, code="expired")
        _close(certificate, transfer, CertificateTransfer.Outcome.ACCEPTED, by)
        books.post(brain_id=transfer.brain_id, kind="certificate_transfer", document=("certificate", certificate.pk),
                   by=by, memo=certificate.number, legs=books.claim_moves(
                       amount=certificate.amount, from_kind=books.CERTIFICATE, from_id=transfer.sender_id,
                       to_kind=books.CERTIFICATE, to_id=transfer.receiver_id))
        event_record(brain_id=transfer.brain_id, name="certificate.transferred",
                     payload=_payload(certificate, transfer=transfer.pk, sender=transfer.sender_id))
        return transfer


def _require_pending(transfer: CertificateTransfer) -> None:
    if transfer.outcome != CertificateTransfer.Outcome.PENDING:
        raise DomainError(_("This transfer was already %(outcome)s.") % {"outcome": transfer.get_outcome_display()},
                          code="invalid_state")


@transaction.atomic
def certificate_transfer_decline(*, transfer: CertificateTransfer, by: User, reason: str = "") -> CertificateTransfer:
    """The receiver declines: the certificate goes back to the sender."""
    with brain_context(transfer.brain_id):
        _require_enterprise(transfer.brain_id, by, transfer.receiver_id, _("Only the receiver may do this."))
        certificate, transfer = _lock_transfer(transfer)
        _require_pending(transfer)
        _close(certificate, transfer, CertificateTransfer.Outcome.DECLINED, by, (reason or "").strip())
        event_record(brain_id=transfer.brain_id, name="certificate.transfer_declined",
                     payload=_payload(certificate, transfer=transfer.pk))
        return transfer


@transaction.atomic
def certificate_transfer_withdraw(*, transfer: CertificateTransfer, by: User) -> CertificateTransfer:
    """The sender takes its offer back while the receiver has not answered."""
    with brain_context(transfer.brain_id):
        _require_enterprise(transfer.brain_id, by, transfer.sender_id, _("Only the sender may do this."))
        certificate, transfer = _lock_transfer(transfer)
        _require_pending(transfer)
        _close(certificate, transfer, CertificateTransfer.Outcome.WITHDRAWN, by)
        event_record(brain_id=transfer.brain_id, name="certificate.transfer_withdrawn",
                     payload=_payload(certificate, transfer=transfer.pk))
        return transfer


def certificate_transfers_expire() -> int:
    """Beat: transfers past their expiry return to their senders, each in its own transaction; return how many."""
    with transaction.atomic(), cross_brain(reason="expire certificate transfers"):
        due = list(CertificateTransfer.objects.filter(outcome=CertificateTransfer.Outcome.PENDING,
                                                      expires_at__lte=timezone.now()).values_list("brain_id", "pk"))
    expired = 0
    for brain_id, pk in due:
        with transaction.atomic(), brain_context(brain_id):
            transfer = CertificateTransfer.objects.in_brain(brain_id).get(pk=pk)
            certificate, transfer = _lock_transfer(transfer)
            if transfer.outcome != CertificateTransfer.Outcome.PENDING:  # answered since the read above
                continue
            _close(certificate, transfer, CertificateTransfer.Outcome.EXPIRED, None)
            event_record(brain_id=brain_id, name="certificate.transfer_expired",
                         payload=_payload(certificate, transfer=transfer.pk))
            expired += 1
    return expired


@transaction.atomic
def certificate_redeem(*, certificate: Certificate, by: User, paid_on: date | None = None,
                       reference: str = "") -> Certificate:
    """The issuer records that it paid the holder at maturity. When every live part of a payable is paid, so is the
    payable."""
    with brain_context(certificate.brain_id):
        _require_enterprise(certificate.brain_id, by, certificate.issuer_id, _("Only the issuer may do this."))
        payable = lock_payable(certificate.payable)
        certificate = lock_certificate(certificate)
        if certificate.status != Certificate.Status.HELD:
            raise DomainError(_("This certificate is %(status)s: only a held one is paid.") % {
                "status": certificate.get_status_display()}, code="invalid_state")
        today = timezone.localdate()
        paid_on = paid_on or today
        if paid_on > today or paid_on < payable.accepted_on:
            raise DomainError(_("The payment date must be between the acceptance and today."), field="paid_on")
        certificate.status, certificate.redeemed_on = Certificate.Status.REDEEMED, paid_on
        certificate.save(update_fields=["status", "redeemed_on"])
        books.post(brain_id=certificate.brain_id, kind="certificate_redemption",
                   document=("certificate", certificate.pk), by=by, memo=certificate.number,
                   reference=(reference or "")[:100], legs=books.settlement(
                       amount=certificate.amount, debtor_id=certificate.issuer_id, holder_id=certificate.holder_id,
                       held_as=books.CERTIFICATE))
        financed = bank_payment_of(brain_id=certificate.brain_id, certificate=certificate)
        if financed is not None:  # its holder is the bank that financed it
            bank_settle(payment=financed, paid_on=paid_on)
        event_record(brain_id=certificate.brain_id, name="certificate.redeemed", payload=_payload(certificate))
        payable_paid_if_done(payable=payable, paid_on=paid_on, by=by)
        return certificate
