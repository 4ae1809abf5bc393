"""The brain's books for pooled buying: money in from members, bills out to suppliers.

Every posting is one balanced journal entry (the database refuses an unbalanced one at commit). Accounts:
the brain's bank (asset), one receivable per member (asset; negative while it has paid in advance), one
payable per supplier (liability), service-fee income and the output VAT on fees.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.money import ZERO
from supplychain.models import GroupBuy, JournalEntry, JournalLine, LedgerAccount
from tenants.errors import DomainError
from tenants.models import User

Kind = LedgerAccount.Kind


def account(*, brain_id: int, kind: str, enterprise_id: int | None = None) -> LedgerAccount:
    """The brain's account of `kind` (for `enterprise_id` if a member's or supplier's), made on first use."""
    lookup = {"brain_id": brain_id, "kind": kind, "enterprise_id": enterprise_id}
    found = LedgerAccount.objects.filter(**lookup).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(**lookup)
    except IntegrityError:  # made by a concurrent posting since the read above
        return LedgerAccount.objects.get(**lookup)


@dataclass(frozen=True)
class Leg:
    kind: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    enterprise_id: int | None = None


def entry_post(*, brain_id: int, kind: str, legs: list[Leg], by: User | None, group_buy: GroupBuy | None = None,
               reserve=None, memo: str = "", reference: str = "") -> JournalEntry:
    """Post one entry. Refuses an unbalanced or empty one here already; the database would at commit."""
    legs = [leg for leg in legs if leg.debit or leg.credit]
    debits, credits = sum((leg.debit for leg in legs), ZERO), sum((leg.credit for leg in legs), ZERO)
    if not legs or debits != credits:
        raise DomainError(_("An entry must balance: debits %(debit)s, credits %(credit)s.")
                          % {"debit": debits, "credit": credits}, code="unbalanced")
    entry = JournalEntry.objects.create(brain_id=brain_id, kind=kind, group_buy=group_buy, reserve=reserve,
                                        memo=memo[:300],
                                        reference=reference[:100], created_by=by if by and by.pk else None)
    JournalLine.objects.bulk_create(
        JournalLine(brain_id=brain_id, entry=entry, debit=leg.debit, credit=leg.credit,
                    account=account(brain_id=brain_id, kind=leg.kind, enterprise_id=leg.enterprise_id))
        for leg in legs)
    return entry


def balance(*, brain_id: int, kind: str, enterprise_id: int | None = None, group_buy: GroupBuy | None = None) -> Decimal:
    """Debits less credits of one account (of one campaign's entries if given)."""
    lines = JournalLine.objects.filter(brain_id=brain_id, account__kind=kind, account__enterprise_id=enterprise_id)
    if group_buy is not None:
        lines = lines.filter(entry__group_buy=group_buy)
    totals = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or ZERO) - (totals["credit"] or ZERO)


@dataclass(frozen=True)
class Exposure:
    bank: Decimal
    members_owe: Decimal  # receivables outstanding
    members_prepaid: Decimal  # paid in advance (deposits before a lock, overpayments)
    owed_to_suppliers: Decimal  # payables outstanding
    fees_earned: Decimal
    open_exposure: Decimal  # what members still owe for goods the brain has already paid suppliers for


def exposure(*, brain_id: int, group_buy: GroupBuy | None = None) -> Exposure:
    """The operator's view of the books, for the whole brain or one campaign."""
    lines = JournalLine.objects.filter(brain_id=brain_id)
    if group_buy is not None:
        lines = lines.filter(entry__group_buy=group_buy)
    per_account = (lines.values("account__kind", "account__enterprise_id")
                   .annotate(debit=Sum("debit"), credit=Sum("credit")))
    members_owe = members_prepaid = owed = bank = fees = ZERO
    for row in per_account:
        net = row["debit"] - row["credit"]
        if row["account__kind"] == Kind.MEMBER:
            members_owe += max(net, ZERO)
            members_prepaid += max(-net, ZERO)
        elif row["account__kind"] == Kind.SUPPLIER:
            owed += -net
        elif row["account__kind"] == Kind.BANK:
            bank += net
        elif row["account__kind"] == Kind.FEES:
            fees += -net
    paid_out = (lines.filter(entry__kind=JournalEntry.Kind.SUPPLIER_PAYMENT, debit__gt=0)
                .aggregate(total=Sum("debit"))["total"] or ZERO)
    return Exposure(bank=bank, members_owe=members_owe, members_prepaid=members_prepaid, owed_to_suppliers=owed,
                    fees_earned=fees, open_exposure=min(members_owe, paid_out))


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception:
        raise DomainError(_("Give an amount in yuan, e.g. 12800.00."), field="amount") from None
    if amount <= 0 or amount != Decimal(str(value)):
        raise DomainError(_("Give a positive amount with at most two decimals."), field="amount")
    return amount


def payment_entry(*, group_buy: GroupBuy, kind: str, enterprise_id: int, amount, by: User, reference: str = "",
                  memo: str = "") -> JournalEntry:
    """A payment between the brain and a party of the campaign (the caller checked who may and locked the
    campaign): from a member, a refund to a member, or to a supplier."""
    amount = _amount(amount)
    brain_id = group_buy.brain_id
    if kind == JournalEntry.Kind.MEMBER_PAYMENT:
        legs = [Leg(Kind.BANK, debit=amount), Leg(Kind.MEMBER, credit=amount, enterprise_id=enterprise_id)]
    elif kind == JournalEntry.Kind.MEMBER_REFUND:
        credit = -balance(brain_id=brain_id, kind=Kind.MEMBER, enterprise_id=enterprise_id, group_buy=group_buy)
        if amount > credit:
            raise DomainError(_("The member has %(credit)s to its credit in this campaign; refund at most that.")
                              % {"credit": max(credit, ZERO)}, field="amount", code="over_refund")
        legs = [Leg(Kind.MEMBER, debit=amount, enterprise_id=enterprise_id), Leg(Kind.BANK, credit=amount)]
    elif kind == JournalEntry.Kind.SUPPLIER_PAYMENT:
        owed = -balance(brain_id=brain_id, kind=Kind.SUPPLIER, enterprise_id=enterprise_id, group_buy=group_buy)
        if amount > owed:
            raise DomainError(_("The brain owes this supplier %(owed)s for this campaign; pay at most that.")
                              % {"owed": max(owed, ZERO)}, field="amount", code="over_payment")
        legs = [Leg(Kind.SUPPLIER, debit=amount, enterprise_id=enterprise_id), Leg(Kind.BANK, credit=amount)]
    else:
        raise DomainError(_("Unknown kind of payment."), field="kind")
    return entry_post(brain_id=brain_id, kind=kind, legs=legs, by=by, group_buy=group_buy, reference=reference,
                      memo=memo or f"{group_buy.number} {timezone.localdate():%Y-%m-%d}")

