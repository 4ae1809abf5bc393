"""Dynamic discounting: a buyer's programme of cash to pay its claims early, its suppliers' offers of a discount
(once, or recurring on every new payable), and the clearing at each cut-off.

A clearing pays the open offers made before its cut-off, highest annual rate first (a flat percent counts at its
rate a year for the days it is paid early), ties by the earlier offer (a changed offer counts from its change),
never below the programme's hurdle, while cash is left: an offer that does not fit whole in the cash left is
skipped and the next, smaller one may fit. What is not cleared stays open for the next clearing; an offer whose
claim was paid, passed on, financed or has matured lapses. A supplier is never forced: it offers if it wants,
withdraws or changes its offer until it clears, and is otherwise paid in full at maturity.

Lock order: the programme, then its offers by id, then the payables by id, then the certificates by id (the order
of finance.services.early_payments). Withdrawing an offer locks that offer alone: against a clearing under way it
waits, then finds the offer cleared (and is refused), or the clearing finds it withdrawn (and skips it). Changing
an offer locks the programme first, as a clearing does, since a change may meet the posted rate and clear at once.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.models import Certificate, ClearingRun, DiscountOffer, DiscountProgramme, EarlyPayment, Payable
from finance.services.early_payments import (
    Claim,
    Terms,
    claim_check,
    claim_refusal,
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
from tenants.services.brains import next_number, next_numbers

MAX_PERIOD_DAYS = 366
MAX_REASON = 300


def _acting_for(brain_id: int, by: User, enterprise_id: int, message: str) -> None:
    if by.enterprise_id != enterprise_id or not active_members(brain=brain_id).filter(
            enterprise_id=enterprise_id).exists():
        raise NotAllowed(message)


def lock_programme(programme: DiscountProgramme) -> DiscountProgramme:
    return DiscountProgramme.objects.in_brain(programme.brain_id).select_for_update().get(pk=programme.pk)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def next_clearing(programme: DiscountProgramme, *, now: datetime | None = None) -> datetime | None:
    """The next cut-off of an open programme after `now`, or None if its period is over."""
    now = now or timezone.now()
    day = max(timezone.localtime(now).date(), programme.starts_on)
    cutoff = _at(day, programme.cutoff_time)
    if cutoff <= now:
        cutoff = _at(day + timedelta(days=1), programme.cutoff_time)
    return cutoff if timezone.localtime(cutoff).date() <= programme.ends_on else None


# --- Programmes -------------------------------------------------------------------------------------------------


def _hurdle_of(value) -> Decimal:
    if value in (None, ""):
        raise DomainError(_("Give the lowest annual rate you accept, e.g. 6.5."), code="required", field="hurdle_apr")
    return Decimal(0) if str(value).strip() in ("0", "0.0", "0.00") else rate_of(value, field="hurdle_apr")


@transaction.atomic
def discount_programme_open(*, brain: Brain, by: User, cash_available, ends_on: date, cutoff_time: time,
                            hurdle_apr, posted_apr=None, starts_on: date | None = None,
                            title: str = "") -> DiscountProgramme:
    """A buyer puts cash up to pay its claims early over a period, one clearing a day at the cut-off, never below
    its hurdle rate; offers at the posted rate, if it gives one, are accepted at once."""
    with brain_context(brain.pk):
        require_member_role(brain=brain, user=by, role="buyer")
        cash = amount_of(cash_available, field="cash_available")
        today = timezone.localdate()
        starts_on = starts_on or today
        if starts_on < today:
            raise DomainError(_("The period cannot start in the past."), field="starts_on")
        if ends_on < starts_on or (ends_on - starts_on).days > MAX_PERIOD_DAYS:
            raise DomainError(_("The period ends on or after its start, within a year."), field="ends_on")
        if cutoff_time is None:
            raise DomainError(_("Give the time of day each clearing runs."), code="required", field="cutoff_time")
        hurdle = _hurdle_of(hurdle_apr)
        posted = None if posted_apr in (None, "") else rate_of(posted_apr, field="posted_apr")
        if posted is not None and posted < hurdle:
            raise DomainError(_("The posted rate cannot be below the hurdle rate."), field="posted_apr")
        title = (title or "").strip()
        if len(title) > 200:
            raise DomainError(_("Keep the title under 200 characters."), field="title")
        if DiscountProgramme.objects.in_brain(brain).filter(buyer_id=by.enterprise_id,
                                                            status=DiscountProgramme.Status.OPEN).exists():
            raise DomainError(_("You have an open programme already: close it before opening another."),
                              code="duplicate")
        try:
            with transaction.atomic():
                programme = DiscountProgramme.objects.create(
                    brain=brain, number=next_number(brain_id=brain.pk, prefix="DP"), buyer_id=by.enterprise_id,
                    title=title, cash_available=cash, starts_on=starts_on, ends_on=ends_on, cutoff_time=cutoff_time,
                    hurdle_apr=hurdle, posted_apr=posted, created_by=by)
        except IntegrityError:  # opened by a concurrent request since the read above
            raise DomainError(_("You have an open programme already: close it before opening another."),
                              code="duplicate") from None
        event_record(brain_id=brain.pk, name="discount.programme_opened", payload=_programme_payload(programme))
        return programme


def _programme_payload(programme: DiscountProgramme) -> dict:
    return {"programme": programme.pk, "buyer": programme.buyer_id}


def _lapse(offers, reason: str | None = None) -> list[DiscountOffer]:
    """Lapse offers (locked), each for `reason` or for the reason it carries already."""
    now = timezone.now()
    for offer in offers:
        offer.status, offer.closed_at = DiscountOffer.Status.LAPSED, now
        offer.reason = (offer.reason if reason is None else reason)[:MAX_REASON]
    DiscountOffer.objects.bulk_update(offers, ["status", "closed_at", "reason"])
    return offers


def _close(programme: DiscountProgramme, reason: str) -> DiscountProgramme:
    """Close a locked programme: its open offers lapse (lock order: the programme, then its offers)."""
    offers = list(DiscountOffer.objects.in_brain(programme.brain_id).select_for_update().filter(
        programme=programme, status=DiscountOffer.Status.OPEN).order_by("pk"))
    _lapse(offers, reason)
    programme.status, programme.closed_at = DiscountProgramme.Status.CLOSED, timezone.now()
    programme.save(update_fields=["status", "closed_at"])
    event_record(brain_id=programme.brain_id, name="discount.programme_closed", payload=_programme_payload(programme))
    return programme


@transaction.atomic
def discount_programme_close(*, programme: DiscountProgramme, by: User) -> DiscountProgramme:
    """The buyer closes its programme early: no more clearings; open offers lapse, the cash left is its own."""
    with brain_context(programme.brain_id):
        _acting_for(programme.brain_id, by, programme.buyer_id, _("Only the buyer may do this."))
        programme = lock_programme(programme)
        if programme.status != DiscountProgramme.Status.OPEN:
            raise DomainError(_("This programme is closed already."), code="invalid_state")
        return _close(programme, _("The buyer closed the programme."))


# --- Offers -----------------------------------------------------------------------------------------------------


def _rate(apr, percent) -> tuple[str, Decimal | None, Decimal | None]:
    given = [value for value in (apr, percent) if value not in (None, "")]
    if len(given) != 1:
        raise DomainError(_("Give either an annual rate or a flat discount percent."), code="required", field="apr")
    if apr not in (None, ""):
        return DiscountOffer.Rate.APR, rate_of(apr, field="apr"), None
    return DiscountOffer.Rate.PERCENT, None, rate_of(percent, field="percent", most=Decimal("99.9999"))


def offer_terms(*, face: Decimal, matures_on: date, rate: str, apr, percent, paid_on: date) -> Terms:
    """The terms an offer at `rate` gives if paid on `paid_on`."""
    if rate == DiscountOffer.Rate.APR:
        return early_terms(face=face, paid_on=paid_on, matures_on=matures_on, apr=apr)
    return early_terms(face=face, paid_on=paid_on, matures_on=matures_on, percent=percent)


def _claim_of(*, programme: DiscountProgramme, payable: Payable | None, certificate: Certificate | None) -> Claim:
    claim = Claim(payable=payable if certificate is None else None, certificate=certificate)
    if claim.debtor_id != programme.buyer_id:
        raise DomainError(_("This claim is not owed by the programme's buyer."), field="payable")
    return claim


@dataclass(frozen=True)
class Preview:
    """What the supplier would receive if its offer cleared at the next cut-off."""

    terms: Terms
    clears_on: date
    below_hurdle: bool
    instant: bool


def discount_preview(*, programme: DiscountProgramme, by: User, payable: Payable | None = None,
                     certificate: Certificate | None = None, apr=None, percent=None) -> Preview:
    """The discount, the money and the rate a year of an offer before it is made: paid today if it meets the
    posted rate and fits the cash left, else at the next clearing if it is not below the hurdle."""
    with brain_context(programme.brain_id):
        claim = _claim_of(programme=programme, payable=payable, certificate=certificate)
        rate, apr, percent = _rate(apr, percent)
        cutoff = next_clearing(programme)
        if programme.status != DiscountProgramme.Status.OPEN or cutoff is None:
            raise DomainError(_("This programme clears no more."), code="closed")
        today = timezone.localdate()
        claim_check(claim, holder_id=by.enterprise_id, on=today)
        terms = offer_terms(face=claim.face, matures_on=claim.matures_on, rate=rate, apr=apr, percent=percent,
                            paid_on=timezone.localtime(cutoff).date())
        instant = False
        if programme.posted_apr is not None and programme.starts_on <= today:
            now = offer_terms(face=claim.face, matures_on=claim.matures_on, rate=rate, apr=apr, percent=percent,
                              paid_on=today)
            if now.apr >= programme.posted_apr and now.amount <= programme.cash_left:
                terms, instant = now, True
        return Preview(terms=terms, clears_on=terms.paid_on, below_hurdle=terms.apr < programme.hurdle_apr,
                       instant=instant)


def _offer_payload(offer: DiscountOffer) -> dict:
    return {"offer": offer.pk, "programme": offer.programme_id, "supplier": offer.supplier_id,
            "payable": offer.payable_id, "certificate": offer.certificate_id}


def _make(*, programme: DiscountProgramme, supplier_id: int, claim: Claim | None, rate, apr, percent,
          by: User | None, standing: DiscountOffer | None = None) -> DiscountOffer:
    """An offer on a locked, open programme; cleared at once if it meets the posted rate and fits the cash."""
    if claim is not None:
        today = timezone.localdate()
        claim_check(claim, holder_id=supplier_id, on=today)
        cutoff = next_clearing(programme)
        if cutoff is None:
            raise DomainError(_("This programme clears no more."), code="closed")
        # the terms at the next clearing: refused now if it would be due by then or cost the whole face
        offer_terms(face=claim.face, matures_on=claim.matures_on, rate=rate, apr=apr, percent=percent,
                    paid_on=timezone.localtime(cutoff).date())
        if rate == DiscountOffer.Rate.APR and apr < programme.hurdle_apr:
            raise DomainError(_("Below the buyer's lowest rate of %(hurdle)s %% a year: it would never clear.") % {
                "hurdle": programme.hurdle_apr.normalize()}, code="below_hurdle", field="apr")
    try:
        with transaction.atomic():
            offer = DiscountOffer.objects.create(
                brain_id=programme.brain_id, programme=programme, supplier_id=supplier_id,
                payable=claim.payable if claim and claim.certificate is None else None,
                certificate=claim.certificate if claim else None,
                recurring=claim is None, standing=standing, rate=rate, apr=apr, percent=percent,
                offered_by=by if by and by.pk else None)
    except IntegrityError:
        raise DomainError(_("You have an open offer on this already: change it instead."), code="duplicate") \
            from None
    event_record(brain_id=programme.brain_id, name="discount.offered", payload=_offer_payload(offer))
    if claim is not None:
        _clear_if_posted(programme, offer, by)
    return offer


def _clear_if_posted(programme: DiscountProgramme, offer: DiscountOffer, by: User | None) -> bool:
    """Instant acceptance: an offer at or above the posted rate is paid today, while cash is left (the programme
    and the offer locked; the claim is locked here, payable first)."""
    today = timezone.localdate()
    if programme.posted_apr is None or not programme.starts_on <= today <= programme.ends_on:
        return False
    claim = lock_claim(payable=offer.payable, certificate=offer.certificate)
    terms = offer_terms(face=claim.face, matures_on=claim.matures_on, rate=offer.rate, apr=offer.apr,
                        percent=offer.percent, paid_on=today)
    if terms.apr < programme.posted_apr or terms.amount > programme.cash_left:
        return False
    claim_check(claim, holder_id=offer.supplier_id, on=today)
    payment = early_payment_make(claim=claim, kind=EarlyPayment.Kind.DISCOUNT, payer_id=programme.buyer_id,
                                 terms=terms, by=by)
    offer.status, offer.early_payment, offer.closed_at = DiscountOffer.Status.CLEARED, payment, timezone.now()
    offer.save(update_fields=["status", "early_payment", "closed_at"])
    programme.cash_used += terms.amount
    programme.save(update_fields=["cash_used"])
    return True


@transaction.atomic
def discount_offer_make(*, programme: DiscountProgramme, by: User, payable: Payable | None = None,
                        certificate: Certificate | None = None, recurring: bool = False, apr=None,
                        percent=None) -> DiscountOffer:
    """A supplier offers a discount to be paid early: on one confirmed payable or held certificate owed by the
    programme's buyer, or (`recurring`) on every payable the buyer confirms to it from now on, at one rate."""
    with brain_context(programme.brain_id):
        supplier_id = by.enterprise_id
        _acting_for(programme.brain_id, by, supplier_id, _("Only a member of this brain may offer."))
        if supplier_id == programme.buyer_id:
            raise NotAllowed(_("A buyer does not offer discounts on its own programme."))
        if recurring == (payable is not None or certificate is not None):
            raise DomainError(_("Name one payable or certificate, or make the offer recurring."), code="required",
                              field="payable")
        if payable is not None and certificate is not None:
            raise DomainError(_("Name one payable or certificate, not both."), field="certificate")
        rate, apr, percent = _rate(apr, percent)
        programme = lock_programme(programme)
        if programme.status != DiscountProgramme.Status.OPEN or programme.ends_on < timezone.localdate():
            raise DomainError(_("This programme clears no more."), code="closed")
        claim = None if recurring else _claim_of(programme=programme, payable=payable, certificate=certificate)
        if recurring and rate == DiscountOffer.Rate.APR and apr < programme.hurdle_apr:
            raise DomainError(_("Below the buyer's lowest rate of %(hurdle)s %% a year: it would never clear.") % {
                "hurdle": programme.hurdle_apr.normalize()}, code="below_hurdle", field="apr")
        return _make(programme=programme, supplier_id=supplier_id, claim=claim, rate=rate, apr=apr, percent=percent,
                     by=by)


def lock_offer(offer: DiscountOffer) -> DiscountOffer:
    return DiscountOffer.objects.in_brain(offer.brain_id).select_for_update().get(pk=offer.pk)


def _require_open(offer: DiscountOffer) -> None:
    if offer.status != DiscountOffer.Status.OPEN:
        raise DomainError(_("This offer is %(status)s: it can no longer be changed.") % {
            "status": offer.get_status_display()}, code="invalid_state")


@transaction.atomic
def discount_offer_change(*, offer: DiscountOffer, by: User, apr=None, percent=None) -> DiscountOffer:
    """The supplier changes its open offer's rate; it then ranks from now among equal rates."""
    with brain_context(offer.brain_id):
        _acting_for(offer.brain_id, by, offer.supplier_id, _("Only the supplier who offered may do this."))
        rate, apr, percent = _rate(apr, percent)
        programme = lock_programme(offer.programme)
        offer = lock_offer(offer)
        _require_open(offer)
        if rate == DiscountOffer.Rate.APR and apr < programme.hurdle_apr:
            raise DomainError(_("Below the buyer's lowest rate of %(hurdle)s %% a year: it would never clear.") % {
                "hurdle": programme.hurdle_apr.normalize()}, code="below_hurdle", field="apr")
        offer.rate, offer.apr, offer.percent, offer.changed_at = rate, apr, percent, timezone.now()
        offer.save(update_fields=["rate", "apr", "percent", "changed_at"])
        if not offer.recurring:
            _clear_if_posted(programme, offer, by)
        return offer


@transaction.atomic
def discount_offer_withdraw(*, offer: DiscountOffer, by: User) -> DiscountOffer:
    """The supplier withdraws its open offer before it clears (a recurring one makes no more offers; those it made
    stay until withdrawn one by one): it will be paid in full at maturity."""
    with brain_context(offer.brain_id):
        _acting_for(offer.brain_id, by, offer.supplier_id, _("Only the supplier who offered may do this."))
        offer = lock_offer(offer)
        _require_open(offer)
        offer.status, offer.closed_at = DiscountOffer.Status.WITHDRAWN, timezone.now()
        offer.save(update_fields=["status", "closed_at"])
        return offer


def discount_offers_from_standing(*, brain_id: int, payable_id: int) -> list[DiscountOffer]:
    """payable.confirmed: the creditor's recurring offer to the debtor's open programme, if any, makes its offer on
    the payable (cleared at once if it meets the posted rate). Safe to run twice."""
    made = []
    with transaction.atomic(), brain_context(brain_id):
        payable = Payable.objects.in_brain(brain_id).get(pk=payable_id)
        if payable.status != Payable.Status.CONFIRMED:
            return made
        standing = DiscountOffer.objects.in_brain(brain_id).filter(
            recurring=True, status=DiscountOffer.Status.OPEN, supplier_id=payable.creditor_id,
            programme__buyer_id=payable.debtor_id, programme__status=DiscountProgramme.Status.OPEN).first()
        if standing is None or DiscountOffer.objects.in_brain(brain_id).filter(payable=payable).exists():
            return made
        programme = lock_programme(standing.programme)
        try:
            with transaction.atomic():
                made.append(_make(programme=programme, supplier_id=standing.supplier_id,
                                  claim=Claim(payable=payable), rate=standing.rate, apr=standing.apr,
                                  percent=standing.percent, by=None, standing=standing))
        except DomainError:  # this payable cannot clear (due too soon, below the hurdle, …): no offer is made
            pass
    return made


# --- Clearing ---------------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    offer: DiscountOffer
    claim: Claim
    terms: Terms


def _candidates(programme: DiscountProgramme, cutoff_at: datetime, paid_on: date):
    """The open offers made before the cut-off, each with its claim locked and its terms on `paid_on`; those whose
    claim can no longer be paid early apart (to lapse). Lock order: offers by id, payables by id, certificates by
    id; four queries for any number of offers, and one more for which claims were paid early already."""
    brain_id = programme.brain_id
    offers = list(DiscountOffer.objects.in_brain(brain_id).select_for_update().filter(
        programme=programme, status=DiscountOffer.Status.OPEN, recurring=False, offered_at__lte=cutoff_at)
        .order_by("pk"))
    certificate_ids = [o.certificate_id for o in offers if o.certificate_id]
    # The certificates' payables are read before anything is locked (a certificate's payable never changes), so
    # that payables are locked before certificates, as lock_claim does: the other order deadlocked against a bank's
    # acceptance of the same claim.
    certificate_payables = set(Certificate.objects.in_brain(brain_id).filter(pk__in=certificate_ids)
                               .values_list("payable_id", flat=True)) if certificate_ids else set()
    payable_ids = {o.payable_id for o in offers if o.payable_id} | certificate_payables
    payables = {p.pk: p for p in Payable.objects.in_brain(brain_id).select_for_update().filter(
        pk__in=payable_ids).order_by("pk")} if payable_ids else {}
    certificates = {c.pk: c for c in Certificate.objects.in_brain(brain_id).select_for_update().filter(
        pk__in=certificate_ids).order_by("pk")} if certificate_ids else {}
    early = EarlyPayment.objects.in_brain(brain_id)
    payables_paid_early = set(early.filter(payable_id__in=payable_ids).values_list("payable_id", flat=True))
    certificates_paid_early = set(early.filter(certificate_id__in=list(certificates)).values_list(
        "certificate_id", flat=True))
    ready, lapsed = [], []
    for offer in offers:
        if offer.certificate_id:
            certificate = certificates[offer.certificate_id]
            claim = Claim(payable=payables[certificate.payable_id], certificate=certificate)
            done = certificate.pk in certificates_paid_early
        else:
            claim, done = Claim(payable=payables[offer.payable_id]), offer.payable_id in payables_paid_early
        refusal = claim_refusal(claim, holder_id=offer.supplier_id, on=paid_on, paid_early=done)
        if refusal is None:
            try:
                ready.append(_Candidate(offer, claim, offer_terms(
                    face=claim.face, matures_on=claim.matures_on, rate=offer.rate, apr=offer.apr,
                    percent=offer.percent, paid_on=paid_on)))
                continue
            except DomainError as error:
                refusal = error
        offer.reason = refusal.detail
        lapsed.append(offer)
    return ready, lapsed


def allocate(candidates: list, cash: Decimal, hurdle: Decimal) -> tuple[list, int, int]:
    """(the candidates cleared, how many were below the hurdle, how many did not fit): highest rate first, ties by
    the earlier offer, each whole or not at all, while cash is left."""
    eligible = [c for c in candidates if c.terms.apr >= hurdle]
    eligible.sort(key=lambda c: (-c.terms.apr, c.offer.ranked_at, c.offer.pk))
    cleared, skipped = [], 0
    for candidate in eligible:
        if candidate.terms.amount <= cash:
            cleared.append(candidate)
            cash -= candidate.terms.amount
        else:
            skipped += 1
    return cleared, len(candidates) - len(eligible), skipped


def _cutoff_of(moment: datetime) -> datetime:
    """A run is recorded by the minute of its cut-off: a second click in the same minute finds the same run."""
    return moment.replace(second=0, microsecond=0)


@transaction.atomic
def discount_clearing_run(*, programme: DiscountProgramme, by: User | None = None,
                          cutoff_at: datetime | None = None) -> ClearingRun:
    """Clear a programme's offers at a cut-off: by beat at the programme's daily cut-off, or by its buyer by hand
    (at the current minute). Once per programme and cut-off: run again, it answers the run already made."""
    with brain_context(programme.brain_id):
        if by is not None:
            _acting_for(programme.brain_id, by, programme.buyer_id, _("Only the buyer may do this."))
        programme = lock_programme(programme)
        until = cutoff_at or timezone.now()  # the offers made by then are cleared
        cutoff_at = _cutoff_of(until)
        done = ClearingRun.objects.in_brain(programme.brain_id).filter(programme=programme, cutoff_at=cutoff_at).first()
        if done is not None:
            return done
        paid_on = timezone.localtime(cutoff_at).date()
        if programme.status != DiscountProgramme.Status.OPEN:
            raise DomainError(_("This programme is closed: it clears no more."), code="closed")
        if not programme.starts_on <= paid_on <= programme.ends_on:
            raise DomainError(_("A programme clears only within its period, %(start)s to %(end)s.") % {
                "start": programme.starts_on.isoformat(), "end": programme.ends_on.isoformat()}, code="closed")
        run = ClearingRun.objects.create(brain_id=programme.brain_id, programme=programme, cutoff_at=cutoff_at,
                                         paid_on=paid_on, started_by=by, cash_before=programme.cash_left)
        ready, lapsed = _candidates(programme, until, paid_on)
        _lapse(lapsed)
        cleared, below, skipped = allocate(ready, programme.cash_left, programme.hurdle_apr)
        numbers = next_numbers(brain_id=programme.brain_id, prefix="EP", count=len(cleared)) if cleared else []
        now = timezone.now()
        for number, candidate in zip(numbers, cleared, strict=True):
            payment = early_payment_make(claim=candidate.claim, kind=EarlyPayment.Kind.DISCOUNT,
                                         payer_id=programme.buyer_id, terms=candidate.terms, by=by, number=number)
            offer = candidate.offer
            offer.status, offer.early_payment, offer.cleared_in, offer.closed_at = (
                DiscountOffer.Status.CLEARED, payment, run, now)
        DiscountOffer.objects.bulk_update([c.offer for c in cleared],
                                          ["status", "early_payment", "cleared_in", "closed_at"])
        paid = sum((c.terms.amount for c in cleared), ZERO)
        programme.cash_used += paid
        programme.save(update_fields=["cash_used"])
        run.cash_cleared, run.discount_total = paid, sum((c.terms.discount for c in cleared), ZERO)
        run.offers_cleared, run.offers_skipped, run.offers_below_hurdle, run.offers_lapsed = (
            len(cleared), skipped, below, len(lapsed))
        run.save()
        event_record(brain_id=programme.brain_id, name="discount.cleared", payload={
            "run": run.pk, **_programme_payload(programme), "offers_cleared": run.offers_cleared,
            "cash_cleared": str(paid)})
        return run


def discount_clearings_due(*, now: datetime | None = None) -> int:
    """Beat: every open programme whose cut-off of today has passed is cleared once (each in its own transaction),
    and programmes past their period close; return how many runs were made."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    with transaction.atomic(), cross_brain(reason="discount clearings due"):
        programmes = list(DiscountProgramme.objects.filter(status=DiscountProgramme.Status.OPEN).values_list(
            "brain_id", "pk", "starts_on", "ends_on", "cutoff_time"))
    runs = 0
    for brain_id, pk, starts_on, ends_on, cutoff_time in programmes:
        programme = DiscountProgramme(pk=pk, brain_id=brain_id)
        if ends_on < today:
            with transaction.atomic(), brain_context(brain_id):
                locked = lock_programme(programme)
                if locked.status == DiscountProgramme.Status.OPEN:
                    _close(locked, _("The programme's period ended."))
            continue
        cutoff = _cutoff_of(_at(today, cutoff_time))
        if starts_on <= today and cutoff <= now:
            with brain_context(brain_id):
                if ClearingRun.objects.in_brain(brain_id).filter(programme_id=pk, cutoff_at=cutoff).exists():
                    continue
            try:
                discount_clearing_run(programme=programme, cutoff_at=cutoff)
            except DomainError:  # closed since the read above
                continue
            runs += 1
    return runs
