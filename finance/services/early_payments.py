"""Paying a claim early, at most once: the terms (discount = face × APR × days early / 365, to the fen), whether a
claim may be paid early, and the early payment itself with its journal entry. Discounting (the buyer pays) and
financing (a bank pays) both end here, with the claim already locked by their caller.

Lock order, with payables and certificates: the payable, then certificates by id, then a bank's credit line.
The database refuses a second early payment of a claim, a split of a financed certificate and a certificate issued
on a paid-early payable (migration 0004), whatever a service checked; the checks here give the clear errors.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from finance.models import Certificate, EarlyPayment, Payable
from finance.services import books
from finance.services.payables import lock_payable
from finance.services.settlements import paid_payload, payable_paid_if_done
from ledger.money import ZERO, check_fits, fen
from tenants.errors import DomainError
from tenants.models import User
from tenants.outbox import event_record
from tenants.services.brains import next_number

DAYS_IN_YEAR = 365
RATE = Decimal("0.0001")
MAX_APR = Decimal(100)


@dataclass(frozen=True)
class Terms:
    """What paying `face` on `paid_on` instead of `matures_on` costs: the discount, a bank's fee, the rate a year."""

    face: Decimal
    discount: Decimal
    fee: Decimal
    apr: Decimal  # the effective annual rate, in %, to four places
    days_early: int
    paid_on: date
    matures_on: date

    @property
    def amount(self) -> Decimal:
        """What the supplier receives."""
        return self.face - self.discount - self.fee


def rate_of(value, *, field: str, most: Decimal = MAX_APR) -> Decimal:
    """A rate in percent above 0 and at most `most`, to four places, or a clear error naming `field`."""
    try:
        rate = Decimal(str(value))
    except ArithmeticError:
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0 or rate > most or rate != rate.quantize(RATE):
        raise DomainError(_("Give a rate above 0 and at most %(most)s %%, with at most four decimals.") % {
            "most": most}, field=field)
    return rate


def early_terms(*, face: Decimal, paid_on: date, matures_on: date, apr: Decimal | None = None,
                percent: Decimal | None = None, fee: Decimal = ZERO) -> Terms:
    """The terms of paying early at an annual rate (`apr`) or a flat `percent` of the face: discount = face × APR ×
    days early / 365, or face × percent, rounded half-up to the fen; the effective rate a year either way."""
    days = (matures_on - paid_on).days
    if days < 1:
        raise DomainError(_("This claim matures on %(day)s: there is nothing early left to pay.") % {
            "day": matures_on.isoformat()}, code="matured")
    if apr is not None:
        discount = fen(face * apr * days / (100 * DAYS_IN_YEAR))
        effective = apr
    else:
        discount = fen(face * percent / 100)
        effective = (percent * DAYS_IN_YEAR / days).quantize(RATE, rounding=ROUND_HALF_UP)
    if discount + fee >= face:
        raise DomainError(_("The discount and fee (¥%(cost)s) would take the whole face value.") % {
            "cost": f"{discount + fee:,.2f}"}, code="too_costly")
    return Terms(face=face, discount=discount, fee=fee, apr=effective, days_early=days, paid_on=paid_on,
                 matures_on=matures_on)


@dataclass(frozen=True)
class Claim:
    """A confirmed payable or a held certificate, as far as paying it early goes."""

    payable: Payable | None = None
    certificate: Certificate | None = None

    @property
    def brain_id(self) -> int:
        return (self.payable or self.certificate).brain_id

    @property
    def face(self) -> Decimal:
        return self.payable.amount if self.certificate is None else self.certificate.amount

    @property
    def debtor_id(self) -> int:
        return self.payable.debtor_id if self.certificate is None else self.certificate.issuer_id

    @property
    def holder_id(self) -> int:
        return self.payable.creditor_id if self.certificate is None else self.certificate.holder_id

    @property
    def matures_on(self) -> date:
        return self.payable.due_on if self.certificate is None else self.certificate.matures_on

    @property
    def number(self) -> str:
        return (self.certificate or self.payable).number

    @property
    def held_as(self) -> str:
        return books.RECEIVABLE if self.certificate is None else books.CERTIFICATE

    @property
    def lookup(self) -> dict:
        return {"certificate": self.certificate} if self.certificate else {"payable": self.payable}


def claim_check(claim: Claim, *, holder_id: int, on: date) -> None:
    """Refuse, with a clear error, a claim that `holder_id` cannot have paid early on `on`: not its own, not a
    confirmed payable or a live held certificate, paid early already, or matured."""
    paid_early = EarlyPayment.objects.in_brain(claim.brain_id).filter(**claim.lookup).exists()
    refusal = claim_refusal(claim, holder_id=holder_id, on=on, paid_early=paid_early)
    if refusal is not None:
        raise refusal


def claim_refusal(claim: Claim, *, holder_id: int, on: date, paid_early: bool) -> DomainError | None:
    """Why `holder_id` cannot have `claim` paid early on `on` (None if it can), given whether it was paid early
    already: for a batch (a clearing run) that read that for all its claims at once."""
    if claim.certificate is None:
        payable = claim.payable
        if payable.creditor_id != holder_id:
            return DomainError(_("Only the creditor of this payable may have it paid early."), code="not_yours")
        if payable.status == Payable.Status.CERTIFIED:
            return DomainError(_("This payable was issued as a certificate: offer the certificate instead."),
                               code="invalid_state")
        if payable.status != Payable.Status.CONFIRMED:
            return DomainError(_("This payable is %(status)s: only a confirmed payable can be paid early.") % {
                "status": payable.get_status_display()}, code="invalid_state")
    else:
        certificate = claim.certificate
        if certificate.holder_id != holder_id:
            return DomainError(_("Only the holder of this certificate may have it paid early."), code="not_yours")
        if certificate.status != Certificate.Status.HELD:
            return DomainError(_("This certificate is %(status)s: only a held one can be paid early.") % {
                "status": certificate.get_status_display()}, code="invalid_state")
    if paid_early:
        return DomainError(_("%(number)s was paid early already: a claim is financed or discounted once.") % {
            "number": claim.number}, code="paid_early")
    if claim.matures_on <= on:
        return DomainError(_("This claim matures on %(day)s: there is nothing early left to pay.") % {
            "day": claim.matures_on.isoformat()}, code="matured")
    return None


def lock_claim(*, payable: Payable | None = None, certificate: Certificate | None = None) -> Claim:
    """The claim, its payable locked first and then the certificate (the lock order above)."""
    if certificate is not None:
        locked_payable = lock_payable(Payable(pk=certificate.payable_id, brain_id=certificate.brain_id))
        return Claim(payable=locked_payable, certificate=Certificate.objects.in_brain(certificate.brain_id)
                     .select_for_update().get(pk=certificate.pk))
    return Claim(payable=lock_payable(payable))


def early_payment_make(*, claim: Claim, kind: str, payer_id: int, terms: Terms, by: User | None,
                       number: str | None = None) -> EarlyPayment:
    """Pay a locked, checked claim early: the record, the journal entry, the claim's new state, the event.

    A discount settles the claim at once (the payable is paid, the certificate redeemed). A bank takes the claim
    over: the certificate's holder becomes the bank, the payable is owed to the bank (status financed)."""
    check_fits(terms.face, field="amount")
    payment = EarlyPayment.objects.create(
        brain_id=claim.brain_id, number=number or next_number(brain_id=claim.brain_id, prefix="EP"), kind=kind,
        debtor_id=claim.debtor_id, supplier_id=claim.holder_id, payer_id=payer_id, face=terms.face,
        discount=terms.discount, fee=terms.fee, amount=terms.amount, apr=terms.apr, days_early=terms.days_early,
        paid_on=terms.paid_on, matures_on=terms.matures_on,
        settled_on=terms.paid_on if kind == EarlyPayment.Kind.DISCOUNT else None,
        created_by=by if by and by.pk else None, **claim.lookup)
    if kind == EarlyPayment.Kind.DISCOUNT:
        legs = books.early_settlement(face=terms.face, discount=terms.discount, debtor_id=claim.debtor_id,
                                      holder_id=claim.holder_id, held_as=claim.held_as)
        _settle_claim(claim, paid_on=terms.paid_on, by=by)
    else:
        legs = books.financing(face=terms.face, paid=terms.amount, bank_id=payer_id, holder_id=claim.holder_id,
                               held_as=claim.held_as)
        if claim.certificate is None:
            claim.payable.status = Payable.Status.FINANCED
            claim.payable.save(update_fields=["status"])
        else:
            claim.certificate.holder_id = payer_id
            claim.certificate.save(update_fields=["holder"])
    books.post(brain_id=claim.brain_id, kind=f"early_payment_{kind}", document=("early_payment", payment.pk), by=by,
               memo=f"{payment.number} {claim.number}", legs=legs)
    event_record(brain_id=claim.brain_id, name="early_payment.made", payload={
        "early_payment": payment.pk, "kind": kind, "payable": payment.payable_id,
        "certificate": payment.certificate_id, "payer": payer_id, "supplier": payment.supplier_id,
        "debtor": payment.debtor_id})
    return payment


def _settle_claim(claim: Claim, *, paid_on: date, by: User | None) -> None:
    """A claim paid early by its debtor is settled: the payable paid, or the certificate redeemed (and its payable
    paid once no live part is left)."""
    if claim.certificate is None:
        claim.payable.status, claim.payable.paid_on = Payable.Status.PAID, paid_on
        claim.payable.paid_by = by if by and by.pk else None
        claim.payable.save(update_fields=["status", "paid_on", "paid_by"])
        event_record(brain_id=claim.brain_id, name="payable.paid", payload=paid_payload(claim.payable))
    else:
        claim.certificate.status, claim.certificate.redeemed_on = Certificate.Status.REDEEMED, paid_on
        claim.certificate.save(update_fields=["status", "redeemed_on"])
        payable_paid_if_done(payable=claim.payable, paid_on=paid_on, by=by)
