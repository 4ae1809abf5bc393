"""Bank financing (reverse factoring): a bank's credit lines on buyers, a supplier's request to have a claim on such
a buyer financed (asked of every bank with room on its line), the banks' quotes, and the supplier's acceptance of
one: the line is used, the bank pays the supplier face − discount − fee, and at maturity the buyer pays the bank
(payable_pay, certificate_redeem), which frees the line again. Requests and quotes expire (beat).

Lock order: the request, then its quotes by id, then the payable, then the certificate, then the credit line (the
order of finance.services.early_payments; the payment at maturity locks the claim, then the line, too). Two
acceptances of one request, of the same quote or of two banks' quotes, queue on the request's lock: the second
finds it financed. Two acceptances that would use one line beyond its limit queue on the line's lock: the second
finds no room, and the database's check refuses it anyway.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.models import (
    Certificate,
    CreditLine,
    EarlyPayment,
    FinancingInvitation,
    FinancingQuote,
    FinancingRequest,
    Payable,
)
from finance.services.early_payments import (
    Claim,
    claim_check,
    early_payment_make,
    early_terms,
    lock_claim,
    rate_of,
)
from finance.services.payables import amount_of
from ledger.money import ZERO
from tenants.access import require_member_role
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number

REQUEST_DAYS = 7  # a request waits a week for quotes, at most until the day before its claim matures
MAX_NOTE = 300


def _member(brain_id: int, enterprise_id: int | None) -> bool:
    return bool(enterprise_id) and active_members(brain=brain_id).filter(enterprise_id=enterprise_id).exists()


def _acting_for(brain_id: int, by: User, enterprise_id: int, message: str) -> None:
    if by.enterprise_id != enterprise_id or not _member(brain_id, enterprise_id):
        raise NotAllowed(message)


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_("Keep the note under 300 characters."), field="note")
    return note


def _end_of_day_before(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- Credit lines -----------------------------------------------------------------------------------------------


def lock_line(line: CreditLine) -> CreditLine:
    return CreditLine.objects.in_brain(line.brain_id).select_for_update().get(pk=line.pk)


def _line_terms(limit, expires_on: date | None) -> tuple[Decimal, date]:
    limit = ZERO if str(limit).strip() in ("0", "0.00") else amount_of(limit, field="limit")
    if expires_on is None or expires_on < timezone.localdate():
        raise DomainError(_("A line expires today or later."), field="expires_on")
    return limit, expires_on


@transaction.atomic
def credit_line_open(*, brain: Brain, by: User, buyer_id: int, limit, expires_on: date) -> CreditLine:
    """A bank opens its credit line on a buyer of the brain: how much of what the buyer owes it will finance at
    once, until when."""
    with brain_context(brain.pk):
        require_member_role(brain=brain, user=by, role="financier")
        limit, expires_on = _line_terms(limit, expires_on)
        if buyer_id == by.enterprise_id or not _member(brain.pk, buyer_id):
            raise DomainError(_("The buyer must be another active member of this brain."), field="buyer")
        try:
            with transaction.atomic():
                line = CreditLine.objects.create(brain=brain, bank_id=by.enterprise_id, buyer_id=buyer_id, limit=limit,
                                                 expires_on=expires_on, created_by=by)
        except IntegrityError:
            raise DomainError(_("You have a line on this buyer already: revise it."), code="duplicate",
                              field="buyer") from None
        event_record(brain_id=brain.pk, name="financing.line_opened", payload=_line_payload(line))
        return line


def _line_payload(line: CreditLine) -> dict:
    return {"credit_line": line.pk, "bank": line.bank_id, "buyer": line.buyer_id}


@transaction.atomic
def credit_line_revise(*, line: CreditLine, by: User, limit, expires_on: date) -> CreditLine:
    """The bank changes its line's limit or expiry; never below what it has financed and not been paid yet."""
    with brain_context(line.brain_id):
        _acting_for(line.brain_id, by, line.bank_id, _("Only the bank of this line may do this."))
        limit, expires_on = _line_terms(limit, expires_on)
        line = lock_line(line)
        if limit < line.used:
            raise DomainError(_("¥%(used)s of this line is in use until the buyer pays: the limit cannot go below "
                                "it.") % {"used": f"{line.used:,.2f}"}, field="limit")
        line.limit, line.expires_on = limit, expires_on
        line.save(update_fields=["limit", "expires_on"])
        event_record(brain_id=line.brain_id, name="financing.line_revised", payload=_line_payload(line))
        return line


# --- Requests ---------------------------------------------------------------------------------------------------


def _request_payload(request: FinancingRequest, **extra) -> dict:
    return {"request": request.pk, "supplier": request.supplier_id, "debtor": request.debtor_id,
            "payable": request.payable_id, "certificate": request.certificate_id, **extra}


def lines_with_room(*, brain_id: int, buyer_id: int, face: Decimal):
    """The live lines on `buyer_id` with room for `face`, of banks that are active financiers of the brain."""
    banks = active_members(brain=brain_id).filter(roles__contains=["financier"]).values("enterprise_id")
    return CreditLine.objects.in_brain(brain_id).filter(
        buyer_id=buyer_id, bank_id__in=banks, expires_on__gte=timezone.localdate(),
        limit__gte=F("used") + face).order_by("pk")


@transaction.atomic
def financing_request_make(*, brain: Brain, by: User, payable: Payable | None = None,
                           certificate: Certificate | None = None, note: str = "") -> FinancingRequest:
    """A supplier asks to have one claim financed: a confirmed payable or a held certificate. Every bank with room
    on the debtor's line is asked to quote (and recorded as asked); none is told of any other trade."""
    with brain_context(brain.pk):
        if (payable is None) == (certificate is None):
            raise DomainError(_("Name one payable or certificate."), code="required", field="payable")
        _acting_for(brain.pk, by, by.enterprise_id, _("Only a member of this brain may ask."))
        claim = Claim(payable=payable, certificate=certificate)
        today = timezone.localdate()
        claim_check(claim, holder_id=by.enterprise_id, on=today + timedelta(days=1))
        lines = list(lines_with_room(brain_id=brain.pk, buyer_id=claim.debtor_id, face=claim.face))
        if not lines:
            raise DomainError(_("No bank has room for ¥%(face)s on its line on this buyer now.") % {
                "face": f"{claim.face:,.2f}"}, code="no_bank")
        expires_at = min(timezone.now() + timedelta(days=REQUEST_DAYS), _end_of_day_before(claim.matures_on))
        try:
            with transaction.atomic():
                request = FinancingRequest.objects.create(
                    brain=brain, number=next_number(brain_id=brain.pk, prefix="FR"), supplier_id=by.enterprise_id,
                    debtor_id=claim.debtor_id, payable=payable, certificate=certificate, face=claim.face,
                    matures_on=claim.matures_on, note=_note(note), requested_by=by, expires_at=expires_at)
        except IntegrityError:
            raise DomainError(_("This claim has an open request already."), code="duplicate") from None
        FinancingInvitation.objects.bulk_create(FinancingInvitation(
            brain=brain, request=request, bank_id=line.bank_id, credit_line=line) for line in lines)
        event_record(brain_id=brain.pk, name="financing.requested",
                     payload=_request_payload(request, banks=[line.bank_id for line in lines]))
        return request


def lock_request(request: FinancingRequest) -> FinancingRequest:
    return FinancingRequest.objects.in_brain(request.brain_id).select_for_update().get(pk=request.pk)


def _require_open(request: FinancingRequest) -> None:
    if request.status != FinancingRequest.Status.OPEN:
        raise DomainError(_("This request is %(status)s.") % {"status": request.get_status_display()},
                          code="invalid_state")
    if request.expires_at <= timezone.now():
        raise DomainError(_("This request expired at %(at)s.") % {
            "at": timezone.localtime(request.expires_at).strftime("%Y-%m-%d %H:%M")}, code="expired")


def _close_quotes(request: FinancingRequest, status: str, *, but: FinancingQuote | None = None) -> int:
    """The request's open quotes (locked by id) close with `status`; return how many."""
    quotes = FinancingQuote.objects.in_brain(request.brain_id).select_for_update().filter(
        request=request, status=FinancingQuote.Status.OPEN).order_by("pk")
    if but is not None:
        quotes = quotes.exclude(pk=but.pk)
    return FinancingQuote.objects.in_brain(request.brain_id).filter(pk__in=[q.pk for q in quotes]).update(
        status=status, closed_at=timezone.now())


@transaction.atomic
def financing_request_withdraw(*, request: FinancingRequest, by: User) -> FinancingRequest:
    """The supplier withdraws its request: it keeps its claim, to be paid at maturity."""
    with brain_context(request.brain_id):
        _acting_for(request.brain_id, by, request.supplier_id, _("Only the supplier who asked may do this."))
        request = lock_request(request)
        if request.status != FinancingRequest.Status.OPEN:
            raise DomainError(_("This request is %(status)s.") % {"status": request.get_status_display()},
                              code="invalid_state")
        _close_quotes(request, FinancingQuote.Status.NOT_CHOSEN)
        request.status, request.closed_at = FinancingRequest.Status.WITHDRAWN, timezone.now()
        request.save(update_fields=["status", "closed_at"])
        event_record(brain_id=request.brain_id, name="financing.withdrawn", payload=_request_payload(request))
        return request


# --- Quotes -----------------------------------------------------------------------------------------------------


def _quote_rate(apr, percent) -> tuple[str, Decimal | None, Decimal | None]:
    given = [value for value in (apr, percent) if value not in (None, "")]
    if len(given) != 1:
        raise DomainError(_("Give either an annual rate or a flat discount percent."), code="required", field="apr")
    if apr not in (None, ""):
        return FinancingQuote.Rate.APR, rate_of(apr, field="apr"), None
    return FinancingQuote.Rate.PERCENT, None, rate_of(percent, field="percent", most=Decimal("99.9999"))


def quote_terms(*, request: FinancingRequest, rate: str, apr, percent, fee: Decimal, paid_on: date):
    """What a quote gives the supplier if accepted on `paid_on`."""
    if rate == FinancingQuote.Rate.APR:
        return early_terms(face=request.face, paid_on=paid_on, matures_on=request.matures_on, apr=apr, fee=fee)
    return early_terms(face=request.face, paid_on=paid_on, matures_on=request.matures_on, percent=percent, fee=fee)


@transaction.atomic
def financing_quote_make(*, request: FinancingRequest, by: User, valid_until: datetime, apr=None, percent=None,
                         fee=None, note: str = "") -> FinancingQuote:
    """A bank asked to quote prices the request: an annual rate or a flat discount, a fee, valid until a moment
    (at most until the request expires). A new quote replaces the bank's open one."""
    with brain_context(request.brain_id):
        bank_id = by.enterprise_id
        require_member_role(brain=Brain.objects.get(pk=request.brain_id), user=by, role="financier")
        if not FinancingInvitation.objects.in_brain(request.brain_id).filter(request=request, bank_id=bank_id).exists():
            raise NotAllowed(_("Only a bank asked to quote may quote."))
        rate, apr, percent = _quote_rate(apr, percent)
        fee = ZERO if fee in (None, "") or str(fee).strip() in ("0", "0.00") else amount_of(fee, field="fee")
        request = lock_request(request)
        _require_open(request)
        if valid_until is None or valid_until <= timezone.now() or valid_until > request.expires_at:
            raise DomainError(_("A quote is valid from now until the request expires (%(at)s) at the latest.") % {
                "at": timezone.localtime(request.expires_at).strftime("%Y-%m-%d %H:%M")}, field="valid_until")
        quote_terms(request=request, rate=rate, apr=apr, percent=percent, fee=fee, paid_on=timezone.localdate())
        previous = FinancingQuote.objects.in_brain(request.brain_id).select_for_update().filter(
            request=request, bank_id=bank_id, status=FinancingQuote.Status.OPEN).first()
        if previous is not None:
            previous.status, previous.closed_at = FinancingQuote.Status.WITHDRAWN, timezone.now()
            previous.save(update_fields=["status", "closed_at"])
        quote = FinancingQuote.objects.create(
            brain_id=request.brain_id, request=request, bank_id=bank_id, rate=rate, apr=apr, percent=percent, fee=fee,
            valid_until=valid_until, note=_note(note), quoted_by=by)
        event_record(brain_id=request.brain_id, name="financing.quoted", payload=_quote_payload(quote, request))
        return quote


def _quote_payload(quote: FinancingQuote, request: FinancingRequest, **extra) -> dict:
    return {"quote": quote.pk, "request": request.pk, "bank": quote.bank_id, "supplier": request.supplier_id,
            **extra}


def _lock_quote(quote: FinancingQuote) -> tuple[FinancingRequest, FinancingQuote]:
    request = lock_request(FinancingRequest(pk=quote.request_id, brain_id=quote.brain_id))
    return request, FinancingQuote.objects.in_brain(quote.brain_id).select_for_update().get(pk=quote.pk)


@transaction.atomic
def financing_quote_withdraw(*, quote: FinancingQuote, by: User) -> FinancingQuote:
    """The bank takes back its open quote before it is accepted."""
    with brain_context(quote.brain_id):
        _acting_for(quote.brain_id, by, quote.bank_id, _("Only the bank that quoted may do this."))
        _request, quote = _lock_quote(quote)
        if quote.status != FinancingQuote.Status.OPEN:
            raise DomainError(_("This quote is %(status)s.") % {"status": quote.get_status_display()},
                              code="invalid_state")
        quote.status, quote.closed_at = FinancingQuote.Status.WITHDRAWN, timezone.now()
        quote.save(update_fields=["status", "closed_at"])
        return quote


@transaction.atomic
def financing_quote_accept(*, quote: FinancingQuote, by: User) -> FinancingQuote:
    """The supplier accepts one bank's quote: exactly once per request. The bank's line on the debtor is used by
    the face, the bank pays the supplier face − discount − fee today, and the claim is the bank's until maturity."""
    with brain_context(quote.brain_id):
        request = FinancingRequest.objects.in_brain(quote.brain_id).get(pk=quote.request_id)
        _acting_for(quote.brain_id, by, request.supplier_id, _("Only the supplier who asked may accept."))
        request, quote = _lock_quote(quote)
        _require_open(request)
        if quote.status != FinancingQuote.Status.OPEN:
            raise DomainError(_("This quote is %(status)s.") % {"status": quote.get_status_display()},
                              code="invalid_state")
        if quote.valid_until <= timezone.now():
            raise DomainError(_("This quote expired at %(at)s.") % {
                "at": timezone.localtime(quote.valid_until).strftime("%Y-%m-%d %H:%M")}, code="expired")
        _close_quotes(request, FinancingQuote.Status.NOT_CHOSEN, but=quote)
        today = timezone.localdate()
        claim = lock_claim(payable=request.payable, certificate=request.certificate)
        claim_check(claim, holder_id=request.supplier_id, on=today)
        line = CreditLine.objects.in_brain(quote.brain_id).select_for_update().filter(
            bank_id=quote.bank_id, buyer_id=request.debtor_id).first()
        if line is None or line.expires_on < today or line.room < claim.face:
            raise DomainError(_("The bank's line on this buyer has no room for ¥%(face)s now.") % {
                "face": f"{claim.face:,.2f}"}, code="no_room")
        terms = quote_terms(request=request, rate=quote.rate, apr=quote.apr, percent=quote.percent, fee=quote.fee,
                            paid_on=today)
        line.used += claim.face
        line.save(update_fields=["used"])
        payment = early_payment_make(claim=claim, kind=EarlyPayment.Kind.BANK, payer_id=quote.bank_id, terms=terms,
                                     by=by)
        now = timezone.now()
        quote.status, quote.early_payment, quote.closed_at = FinancingQuote.Status.ACCEPTED, payment, now
        quote.save(update_fields=["status", "early_payment", "closed_at"])
        request.status, request.early_payment, request.closed_at = FinancingRequest.Status.ACCEPTED, payment, now
        request.save(update_fields=["status", "early_payment", "closed_at"])
        event_record(brain_id=quote.brain_id, name="financing.accepted",
                     payload=_quote_payload(quote, request, early_payment=payment.pk, debtor=request.debtor_id))
        return quote


def financing_expire() -> int:
    """Beat: requests past their expiry, and quotes past theirs, expire, each request in its own transaction (its
    lock, then its quotes'); return how many requests and quotes expired."""
    now = timezone.now()
    with transaction.atomic(), cross_brain(reason="expire financing requests and quotes"):
        due = sorted({(brain_id, pk) for brain_id, pk in FinancingRequest.objects.filter(
            status=FinancingRequest.Status.OPEN, expires_at__lte=now).values_list("brain_id", "pk")}
            | {(brain_id, pk) for brain_id, pk in FinancingQuote.objects.filter(
                status=FinancingQuote.Status.OPEN, valid_until__lte=now).values_list("brain_id", "request_id")})
    expired = 0
    for brain_id, pk in due:
        with transaction.atomic(), brain_context(brain_id):
            request = lock_request(FinancingRequest(pk=pk, brain_id=brain_id))
            if request.status == FinancingRequest.Status.OPEN and request.expires_at <= now:
                expired += _close_quotes(request, FinancingQuote.Status.EXPIRED)
                request.status, request.closed_at = FinancingRequest.Status.EXPIRED, now
                request.save(update_fields=["status", "closed_at"])
                event_record(brain_id=brain_id, name="financing.expired", payload=_request_payload(request))
                expired += 1
            stale = list(FinancingQuote.objects.in_brain(brain_id).select_for_update().filter(
                request=request, status=FinancingQuote.Status.OPEN, valid_until__lte=now).order_by("pk"))
            FinancingQuote.objects.in_brain(brain_id).filter(pk__in=[q.pk for q in stale]).update(
                status=FinancingQuote.Status.EXPIRED, closed_at=now)
            expired += len(stale)
    return expired
