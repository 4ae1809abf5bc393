"""Nettings (轧差): an operator proposes netting the confirmed payables due in a window, computed to cancel the most;
every party confirms its position or rejects it; when the last one confirms, the netting settles in the same
transaction. Void when a party rejects, the operator withdraws, the answer time runs out (beat), or a payable
changed before settlement.

Settlement settles each netted payable by its netted amount: the payable keeps the netted part (status netted) and
the rest, if any, is split off as a payable of its own, still confirmed, the same way a disputed rest is split off
at confirmation (split_from); one balanced entry in the finance book takes the netted amounts off the debtors'
payables and the creditors' receivables. No money moves.

Lock order: the netting, then its payables by id. The payable services lock one payable and never a netting, so no
cycle of waits can form.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finance import circulation
from finance.models import EarlyPayment, Netting, NettingLeg, NettingParty, Payable
from finance.selectors.nettings import nettable_payables
from finance.services import books
from ledger.money import FEN, ZERO, fen
from tenants.access import require_operator
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, Brain, BrainStaff, Notification, OutboxEvent, User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number, next_numbers
from tenants.services.notifications import notify, tell

RESPOND_DAYS = 3
MAX_RESPOND_DAYS = 14
MAX_WINDOW_DAYS = 366
MAX_REASON = 500
MAX_NOTE = 200

NOTIFIED = ("netting.proposed", "netting.settled", "netting.voided")  # the events the parties are told of in the app
NOTIFICATION_TITLES.update({
    "netting.proposed": gettext_lazy("Netting %(number)s: ¥%(netted)s of your payables can be netted; confirm or "
                                     "reject by %(expires)s"),
    "netting.settled": gettext_lazy("Netting %(number)s is settled: ¥%(netted)s of your payables netted"),
    "netting.voided": gettext_lazy("Netting %(number)s is void: %(because)s"),
})


@dataclass(frozen=True)
class Position:
    """A party's position on the payables a plan nets: what it owes and is owed on them, and how much is netted on
    each side (the same on both)."""

    enterprise_id: int
    owes: Decimal
    owed: Decimal
    netted: Decimal


@dataclass(frozen=True)
class Owed:
    """A payable as a plan reads it: only what netting needs (reading model instances would cost more than the
    algorithm, bench/finance_netting.py)."""

    pk: int
    debtor_id: int
    creditor_id: int
    amount: Decimal
    due_on: date


@dataclass(frozen=True)
class Plan:
    """What netting a window would do: the payables free to net in it, and how much of each is netted."""

    window_from: date
    window_to: date
    window_count: int
    window_total: Decimal
    legs: list[tuple[Owed, Decimal]]  # (payable, netted), netted > 0, earliest due first
    positions: list[Position]

    @property
    def legs_total(self) -> Decimal:
        return sum((payable.amount for payable, _netted in self.legs), ZERO)

    @property
    def netted_total(self) -> Decimal:
        return sum((netted for _payable, netted in self.legs), ZERO)

    @property
    def share(self):
        return self.netted_total / self.window_total if self.window_total else 0

    @property
    def percent(self):
        return round(self.share * 100, 1)


def _fen(amount: Decimal) -> int:
    """Yuan to whole fen for the circulation, exactly: a part of a fen is refused, never truncated (int() would drop
    it silently, and a netting would then cancel less than it says or leave a fraction behind)."""
    fen_amount = amount.scaleb(2)
    if fen_amount != fen_amount.to_integral_value():
        raise ValueError(f"¥{amount} is not a whole number of fen")
    return int(fen_amount)


def _yuan(fen_amount: int) -> Decimal:
    """Whole fen back to yuan with two places, exactly."""
    return Decimal(fen_amount).scaleb(-2).quantize(FEN)


def netting_plan(*, brain, window_from: date, window_to: date) -> Plan:
    """The most that can be netted now among the payables free to net in the window (finance.circulation)."""
    members = active_members(brain=brain).values("enterprise_id")
    payables = [Owed(*row) for row in nettable_payables(brain=brain, window_from=window_from, window_to=window_to)
                .filter(debtor_id__in=members, creditor_id__in=members).order_by("due_on", "pk")
                .values_list("pk", "debtor_id", "creditor_id", "amount", "due_on")]
    netted = circulation.netting(circulation.Claim(
        id=payable.pk, debtor=payable.debtor_id, creditor=payable.creditor_id, amount=_fen(payable.amount),
        order=(payable.due_on, payable.pk)) for payable in payables)
    legs = [(payable, _yuan(netted[payable.pk])) for payable in payables if payable.pk in netted]
    owes, owed, nets = {}, {}, {}
    for payable, part in legs:
        owes[payable.debtor_id] = owes.get(payable.debtor_id, ZERO) + payable.amount
        owed[payable.creditor_id] = owed.get(payable.creditor_id, ZERO) + payable.amount
        nets[payable.debtor_id] = nets.get(payable.debtor_id, ZERO) + part
    positions = [Position(enterprise_id=e, owes=owes[e], owed=owed[e], netted=nets[e]) for e in sorted(nets)]
    return Plan(window_from=window_from, window_to=window_to, window_count=len(payables),
                window_total=sum((payable.amount for payable in payables), ZERO), legs=legs, positions=positions)


def _check_window(window_from, window_to) -> None:
    for field, value in (("window_from", window_from), ("window_to", window_to)):
        if not isinstance(value, date):
            raise DomainError(_("Give the first and last due date of the window."), field=field)
    if window_from > window_to:
        raise DomainError(_("The window ends before it starts."), field="window_to")
    if (window_to - window_from).days > MAX_WINDOW_DAYS:
        raise DomainError(_("A window spans at most a year of due dates."), field="window_to")


def netting_preview(*, brain: Brain, by: User, window_from: date, window_to: date) -> Plan:
    """What proposing this window would net, without proposing it (operators)."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        _check_window(window_from, window_to)
        return netting_plan(brain=brain, window_from=window_from, window_to=window_to)


@transaction.atomic
def netting_propose(*, brain: Brain, by: User, window_from: date, window_to: date, respond_days: int = RESPOND_DAYS,
                    note: str = "") -> Netting:
    """An operator proposes netting the confirmed payables due in the window, as much as can be; every party is
    asked to confirm within `respond_days`. Nothing is proposed if nothing can be netted (no cycle of debts)."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        _check_window(window_from, window_to)
        if isinstance(respond_days, bool) or not isinstance(respond_days, int) \
                or not 1 <= respond_days <= MAX_RESPOND_DAYS:
            raise DomainError(_("The parties have 1 to %(max)s days to answer.") % {"max": MAX_RESPOND_DAYS},
                              field="respond_days")
        note = (note or "").strip()
        if len(note) > MAX_NOTE:
            raise DomainError(_("Keep the note under 200 characters."), field="note")
        plan = netting_plan(brain=brain, window_from=window_from, window_to=window_to)
        if not plan.legs:
            raise DomainError(_("Nothing due in this window can be netted: no confirmed payables there form a "
                                "cycle of debts (A owes B, B owes C, C owes A)."), code="nothing_to_net")
        now = timezone.now()
        netting = Netting.objects.create(
            brain=brain, number=next_number(brain_id=brain.pk, prefix="NET"), window_from=window_from,
            window_to=window_to, note=note, window_count=plan.window_count, window_total=plan.window_total,
            legs_total=plan.legs_total, netted_total=plan.netted_total, leg_count=len(plan.legs),
            party_count=len(plan.positions), proposed_by=by, proposed_at=now,
            expires_at=now + timedelta(days=respond_days))
        try:
            with transaction.atomic():
                NettingLeg.objects.bulk_create([NettingLeg(
                    brain=brain, netting=netting, payable_id=payable.pk, debtor_id=payable.debtor_id,
                    creditor_id=payable.creditor_id, amount=payable.amount, netted=netted)
                    for payable, netted in plan.legs])
        except IntegrityError as error:  # payable_netted_at_most_once: another proposal took one since the read
            raise DomainError(_("Some of these payables were just put in another netting. Preview the window "
                                "again."), code="conflict") from error
        NettingParty.objects.bulk_create([NettingParty(
            brain=brain, netting=netting, enterprise_id=position.enterprise_id, owes=position.owes,
            owed=position.owed, netted=position.netted) for position in plan.positions])
        event_record(brain_id=brain.pk, name="netting.proposed", payload=_payload(netting))
        return netting


def _payload(netting: Netting, **extra) -> dict:
    """What an event says: the netting, never its parties (each party reads its own position through the API)."""
    return {"netting": netting.pk, "number": netting.number, **extra}


def lock_netting(netting: Netting) -> Netting:
    return Netting.objects.in_brain(netting.brain_id).select_for_update().get(pk=netting.pk)


def _position_of(netting: Netting, by: User) -> NettingParty:
    """`by`'s enterprise's position in the netting, `by` acting for an active member; NotAllowed otherwise."""
    position = None
    if by.enterprise_id and active_members(brain=netting.brain_id).filter(enterprise_id=by.enterprise_id).exists():
        position = NettingParty.objects.in_brain(netting.brain_id).filter(
            netting=netting, enterprise_id=by.enterprise_id).first()
    if position is None:
        raise NotAllowed(_("Only a party to this netting may answer it."))
    return position


def _require_open(netting: Netting) -> None:
    if netting.status != Netting.Status.PROPOSED:
        raise DomainError(_("This netting is %(status)s: it takes no more answers.") % {
            "status": netting.get_status_display()}, code="invalid_state")
    if timezone.now() >= netting.expires_at:  # beat makes it void (nettings_expire)
        raise DomainError(_("The time to answer ran out at %(at)s.") % {
            "at": timezone.localtime(netting.expires_at).strftime("%Y-%m-%d %H:%M")}, code="expired")


@transaction.atomic
def netting_confirm(*, netting: Netting, by: User) -> Netting:
    """A party confirms its position. The last confirmation settles the netting at once, or makes it void if a
    payable changed since the proposal."""
    with brain_context(netting.brain_id):
        netting = lock_netting(netting)
        position = _position_of(netting, by)
        _require_open(netting)
        if position.decision != NettingParty.Decision.PENDING:
            raise DomainError(_("You answered this netting already."), code="invalid_state")
        position.decision, position.decided_at, position.decided_by = (
            NettingParty.Decision.CONFIRMED, timezone.now(), by)
        position.save(update_fields=["decision", "decided_at", "decided_by"])
        confirmed = NettingParty.objects.in_brain(netting.brain_id).filter(
            netting=netting, decision=NettingParty.Decision.CONFIRMED).count()
        event_record(brain_id=netting.brain_id, name="netting.confirmed",
                     payload=_payload(netting, confirmed=confirmed, parties=netting.party_count))
        if confirmed == netting.party_count:
            return _settle(netting, by)
        return netting


@transaction.atomic
def netting_settle(*, netting: Netting, by: User | None = None) -> Netting:
    """Settle a netting every party confirmed (what the last confirmation does). Idempotent: a settled netting is
    returned as it is, under its lock, and settles nothing twice."""
    with brain_context(netting.brain_id):
        netting = lock_netting(netting)
        if netting.status == Netting.Status.SETTLED:
            return netting
        if netting.status != Netting.Status.PROPOSED:
            raise DomainError(_("This netting is %(status)s.") % {"status": netting.get_status_display()},
                              code="invalid_state")
        waiting = NettingParty.objects.in_brain(netting.brain_id).filter(netting=netting).exclude(
            decision=NettingParty.Decision.CONFIRMED).count()
        if waiting:
            raise DomainError(_("Not every party has confirmed."), code="invalid_state")
        return _settle(netting, by)


def _unchanged(payable: Payable | None, leg: NettingLeg, paid_early: set[int]) -> bool:
    """Still what the parties confirmed: confirmed (not paid, issued or disputed), never paid early or financed, the
    same amount between the same parties."""
    return (payable is not None and payable.status == Payable.Status.CONFIRMED and payable.pk not in paid_early
            and payable.amount == leg.amount
            and (payable.debtor_id, payable.creditor_id) == (leg.debtor_id, leg.creditor_id))


def _settle(netting: Netting, by: User | None) -> Netting:
    """Under the netting's lock, every party having confirmed: lock the payables (by id), check each is as proposed,
    and settle them by their netted amounts; or make the netting void, naming the payables that changed."""
    legs = list(NettingLeg.objects.in_brain(netting.brain_id).filter(netting=netting).order_by("payable_id"))
    payables = {payable.pk: payable for payable in Payable.objects.in_brain(netting.brain_id).filter(
        pk__in=[leg.payable_id for leg in legs]).order_by("pk").select_for_update()}
    paid_early = set(EarlyPayment.objects.in_brain(netting.brain_id).filter(payable_id__in=payables)
                     .values_list("payable_id", flat=True))
    changed = [leg for leg in legs if not _unchanged(payables.get(leg.payable_id), leg, paid_early)]
    if changed:
        numbers = ", ".join(payables[leg.payable_id].number if leg.payable_id in payables else str(leg.payable_id)
                            for leg in changed[:10])
        return _void(netting, Netting.Voided.CHANGED, by=None, reason=_(
            "Changed since the proposal (paid, issued, financed or otherwise): %(numbers)s%(more)s.") % {
            "numbers": numbers, "more": "…" if len(changed) > 10 else ""})
    in_part = [leg for leg in legs if leg.netted < payables[leg.payable_id].amount]
    numbers = iter(next_numbers(brain_id=netting.brain_id, prefix="AP", count=len(in_part)) if in_part else [])
    remainders, split = [], []
    for leg in in_part:
        payable = payables[leg.payable_id]
        # VAT follows the amounts, as in the dispute split: the netted part's share to the fen, the rest the rest.
        tax = fen(payable.tax * leg.netted / payable.amount)
        remainders.append((leg, Payable(
            brain_id=payable.brain_id, number=next(numbers),
            source=payable.source, source_id=payable.source_id, split_from=payable,
            description=payable.description, debtor_id=payable.debtor_id, creditor_id=payable.creditor_id,
            currency=payable.currency, amount=payable.amount - leg.netted, tax=payable.tax - tax,
            accepted_on=payable.accepted_on, due_on=payable.due_on, beyond_legal_terms=payable.beyond_legal_terms,
            status=Payable.Status.CONFIRMED, confirmed_at=payable.confirmed_at,
            confirmed_by_id=payable.confirmed_by_id)))
        payable.amount, payable.tax, payable.status = leg.netted, tax, Payable.Status.NETTED
        split.append(payable)
    Payable.objects.bulk_create([rest for _leg, rest in remainders])
    # Netted whole: the status alone, in one statement; netted in part: the amount and VAT too, row by row.
    Payable.objects.in_brain(netting.brain_id).filter(pk__in=[leg.payable_id for leg in legs]).exclude(
        pk__in=[payable.pk for payable in split]).update(status=Payable.Status.NETTED)
    Payable.objects.bulk_update(split, ["amount", "tax", "status"], batch_size=500)
    for leg, rest in remainders:
        leg.remainder = rest
    NettingLeg.objects.bulk_update([leg for leg, _rest in remainders], ["remainder"], batch_size=500)
    books.post(brain_id=netting.brain_id, kind="netting", document=("netting", netting.pk), by=by,
               memo=netting.number, legs=books.netting(
                   netted=[(leg.debtor_id, leg.creditor_id, leg.netted) for leg in legs]))
    netting.status, netting.settled_at = Netting.Status.SETTLED, timezone.now()
    netting.save(update_fields=["status", "settled_at"])
    for leg in legs:  # the netted part of a group purchase's payable: the campaign's books record it as paid
        payable = payables[leg.payable_id]
        if payable.source == Payable.Source.GROUP_BUY:
            event_record(brain_id=netting.brain_id, name="payable.netted", payload={
                "payable": payable.pk, "debtor": payable.debtor_id, "creditor": payable.creditor_id,
                "number": payable.number, "source": payable.source, "source_id": payable.source_id,
                "amount": f"{leg.netted:.2f}", "on": timezone.localdate(netting.settled_at).isoformat(),
                "netting": netting.pk})
    event_record(brain_id=netting.brain_id, name="netting.settled",
                 payload=_payload(netting, netted=str(netting.netted_total)))
    return netting


def _void(netting: Netting, because: str, *, by: User | None, reason: str = "") -> Netting:
    netting.status, netting.voided_at, netting.voided_because = Netting.Status.VOIDED, timezone.now(), because
    netting.void_reason, netting.voided_by = reason[:MAX_REASON], by
    netting.save(update_fields=["status", "voided_at", "voided_because", "void_reason", "voided_by"])
    event_record(brain_id=netting.brain_id, name="netting.voided", payload=_payload(netting, because=because))
    return netting


@transaction.atomic
def netting_reject(*, netting: Netting, by: User, reason: str = "") -> Netting:
    """A party rejects the netting, saying why (shown to every party, without its name): it is void."""
    with brain_context(netting.brain_id):
        netting = lock_netting(netting)
        position = _position_of(netting, by)
        _require_open(netting)
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Say why you reject it: the other parties and the operator will read it."),
                              code="required", field="reason")
        if len(reason) > MAX_REASON:
            raise DomainError(_("Keep the reason under 500 characters."), field="reason")
        if position.decision == NettingParty.Decision.REJECTED:
            raise DomainError(_("You answered this netting already."), code="invalid_state")
        # A party that confirmed may still reject while others have not answered: it may have learnt something.
        position.decision, position.decided_at, position.decided_by, position.reason = (
            NettingParty.Decision.REJECTED, timezone.now(), by, reason)
        position.save(update_fields=["decision", "decided_at", "decided_by", "reason"])
        return _void(netting, Netting.Voided.REJECTED, by=by, reason=reason)


@transaction.atomic
def netting_withdraw(*, netting: Netting, by: User, reason: str = "") -> Netting:
    """The operator withdraws a proposal that waits for answers (e.g. to propose another window)."""
    with brain_context(netting.brain_id):
        require_operator(brain=Brain.objects.get(pk=netting.brain_id), user=by)
        netting = lock_netting(netting)
        if netting.status != Netting.Status.PROPOSED:
            raise DomainError(_("This netting is %(status)s: there is nothing to withdraw.") % {
                "status": netting.get_status_display()}, code="invalid_state")
        reason = (reason or "").strip()
        if len(reason) > MAX_REASON:
            raise DomainError(_("Keep the reason under 500 characters."), field="reason")
        return _void(netting, Netting.Voided.WITHDRAWN, by=by, reason=reason)


def nettings_expire() -> int:
    """Beat: proposals whose answer time ran out are void, each in its own transaction; return how many."""
    with transaction.atomic(), cross_brain(reason="expire netting proposals"):
        due = list(Netting.objects.filter(status=Netting.Status.PROPOSED, expires_at__lte=timezone.now())
                   .values_list("brain_id", "pk"))
    expired = 0
    for brain_id, pk in due:
        with transaction.atomic(), brain_context(brain_id):
            netting = Netting.objects.in_brain(brain_id).select_for_update().get(pk=pk)
            if netting.status != Netting.Status.PROPOSED:  # settled or void since the read above
                continue
            _void(netting, Netting.Voided.EXPIRED, by=None)
            expired += 1
    return expired


def netting_notifications_from_event(*, brain_id: int, event_id: int) -> list[Notification]:
    """The in-app notifications a netting event calls for: each party's users hear of a proposal (by e-mail too: an
    answer is awaited), of its settlement and of its end, each with its own netted amount; operators hear how it
    ended. Safe to run twice: one notification per event and user."""
    with brain_context(brain_id):
        event = OutboxEvent.objects.in_brain(brain_id).select_related("brain").get(pk=event_id)
        netting = Netting.objects.in_brain(brain_id).get(pk=event.payload["netting"])
        link = f"/b/{event.brain.slug}/finance/nettings/{netting.pk}/"
        base = {"number": netting.number, "because": str(netting.get_voided_because_display() or ""),
                "expires": timezone.localtime(netting.expires_at).strftime("%Y-%m-%d %H:%M"),
                "note": netting.void_reason if event.name == "netting.voided" else netting.note}
        made = []
        for position in NettingParty.objects.in_brain(brain_id).filter(netting=netting):
            users = User.objects.filter(enterprise_id=position.enterprise_id, is_active=True)
            made += tell(event, users, {**base, "netted": f"{position.netted:,.2f}"}, link,
                         email=event.name == "netting.proposed")
        if event.name in ("netting.settled", "netting.voided"):
            operators = User.objects.filter(brain_staff__brain_id=brain_id, brain_staff__role=BrainStaff.Role.OPERATOR,
                                            is_active=True)
            made += notify(event=event, users=operators, params={**base, "netted": f"{netting.netted_total:,.2f}"},
                           link=link)
        return made
