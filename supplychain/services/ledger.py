"""The brain's books for pooled buying: money in from members, bills out to suppliers.

They are supplychain's book (BOOK) in the platform's one journal (ledger.services.journal): every posting is one
balanced entry there, naming the campaign or the reserve it books as its document, and the database refuses an
unbalanced one at commit and any change to one afterwards (a correction is a new entry). Accounts
(supplychain.models.AccountKind): the brain's bank (asset), one receivable per member (asset; negative while it
has paid in advance), one payable per supplier (liability), service-fee income and the output VAT on fees, and
the joint reserves' inventory, sales, cost of sales and their VAT.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Entry, Line
from ledger.money import ZERO
from ledger.services import journal
from ledger.services.journal import Leg
from supplychain.models import BOOK, PARTY_KINDS, AccountKind, Document, EntryKind, GroupBuy, Reserve
from tenants.errors import DomainError
from tenants.models import User

Kind = AccountKind

__all__ = ["Exposure", "Kind", "balance", "book_lines", "document_of", "amount_of", "entry_post", "exposure",
           "payment_entry"]


def document_of(*, group_buy: GroupBuy | None = None, reserve: Reserve | None = None) -> tuple[str, int] | None:
    """The document an entry of the book names: the campaign or the reserve it books."""
    if group_buy is not None:
        return Document.GROUP_BUY, group_buy.pk
    if reserve is not None:
        return Document.RESERVE, reserve.pk
    return None


def entry_post(*, brain_id: int, kind: str, legs: list[Leg], by: User | None, group_buy: GroupBuy | None = None,
               reserve: Reserve | None = None, memo: str = "", reference: str = "") -> Entry:
    """Post one entry to the book (of the campaign or reserve if given). The journal refuses an unbalanced or
    empty one; here a leg on a party's account must name its enterprise, and no other may (the rule the book's
    own accounts table had as a CHECK)."""
    for leg in legs:
        if (leg.kind in PARTY_KINDS) != (leg.enterprise_id is not None):
            raise ValueError(f"a {leg.kind} leg {'needs' if leg.kind in PARTY_KINDS else 'takes no'} enterprise")
    return journal.entry_post(brain_id=brain_id, book=BOOK, kind=kind, legs=legs, by=by, memo=memo,
                              reference=reference, document=document_of(group_buy=group_buy, reserve=reserve))


def balance(*, brain_id: int, kind: str, enterprise_id: int | None = None, group_buy: GroupBuy | None = None) -> Decimal:
    """Debits less credits of one account of the book (of one campaign's entries if given)."""
    return journal.balance(brain_id=brain_id, book=BOOK, kind=kind, enterprise_id=enterprise_id,
                           document=document_of(group_buy=group_buy))


def book_lines(*, brain_id: int, group_buy: GroupBuy | None = None, reserve: Reserve | None = None):
    """The lines of the brain's book (of one campaign's or reserve's entries if given)."""
    lines = Line.objects.filter(brain_id=brain_id, account__book=BOOK)
    document = document_of(group_buy=group_buy, reserve=reserve)
    if document is not None:
        lines = lines.filter(entry__book=BOOK, entry__document_type=document[0], entry__document_id=document[1])
    return lines


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
    lines = book_lines(brain_id=brain_id, group_buy=group_buy)
    per_account = (lines.values("account__kind", "account__enterprise_id")
                   .annotate(debit=Sum("debit"), credit=Sum("credit")).order_by())
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
    paid_out = (lines.filter(entry__kind=EntryKind.SUPPLIER_PAYMENT, debit__gt=0)
                .aggregate(total=Sum("debit"))["total"] or ZERO)
    return Exposure(bank=bank, members_owe=members_owe, members_prepaid=members_prepaid, owed_to_suppliers=owed,
                    fees_earned=fees, open_exposure=min(members_owe, paid_out))


def amount_of(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception:
        raise DomainError(_("Give an amount in yuan, e.g. 12800.00."), field="amount") from None
    if amount <= 0 or amount != Decimal(str(value)):
        raise DomainError(_("Give a positive amount with at most two decimals."), field="amount")
    return amount


def payment_entry(*, group_buy: GroupBuy, kind: str, enterprise_id: int, amount, by: User, reference: str = "",
                  memo: str = "") -> Entry:
    """A payment between the brain and a party of the campaign (the caller checked who may and locked the
    campaign): from a member, a refund to a member, or to a supplier."""
    amount = amount_of(amount)
    brain_id = group_buy.brain_id
    if kind == EntryKind.MEMBER_PAYMENT:
        legs = [Leg(Kind.BANK, debit=amount), Leg(Kind.MEMBER, credit=amount, enterprise_id=enterprise_id)]
    elif kind == EntryKind.MEMBER_REFUND:
        credit = -balance(brain_id=brain_id, kind=Kind.MEMBER, enterprise_id=enterprise_id, group_buy=group_buy)
        if amount > credit:
            raise DomainError(_("The member has %(credit)s to its credit in this campaign; refund at most that.")
                              % {"credit": max(credit, ZERO)}, field="amount", code="over_refund")
        legs = [Leg(Kind.MEMBER, debit=amount, enterprise_id=enterprise_id), Leg(Kind.BANK, credit=amount)]
    elif kind == EntryKind.SUPPLIER_PAYMENT:
        owed = -balance(brain_id=brain_id, kind=Kind.SUPPLIER, enterprise_id=enterprise_id, group_buy=group_buy)
        if amount > owed:
            raise DomainError(_("The brain owes this supplier %(owed)s for this campaign; pay at most that.")
                              % {"owed": max(owed, ZERO)}, field="amount", code="over_payment")
        legs = [Leg(Kind.SUPPLIER, debit=amount, enterprise_id=enterprise_id), Leg(Kind.BANK, credit=amount)]
    else:
        raise DomainError(_("Unknown kind of payment."), field="kind")
    return entry_post(brain_id=brain_id, kind=kind, legs=legs, by=by, group_buy=group_buy, reference=reference,
                      memo=memo or f"{group_buy.number} {timezone.localdate():%Y-%m-%d}")
