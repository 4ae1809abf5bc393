"""Posting to the one journal: the only way money gets into the books."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from ledger.models import Account, Entry, Line
from ledger.money import ZERO
from tenants.errors import DomainError
from tenants.models import User


@dataclass(frozen=True)
class Leg:
    """One side of an entry: an amount to the debit or the credit of the book's account `kind` (of `enterprise_id`
    for a party's account)."""

    kind: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    enterprise_id: int | None = None


def account_of(*, brain_id: int, book: str, kind: str, enterprise_id: int | None = None) -> Account:
    """The book's account of `kind` (for `enterprise_id` if a party's), made on first use."""
    lookup = {"brain_id": brain_id, "book": book, "kind": kind, "enterprise_id": enterprise_id}
    found = Account.objects.filter(**lookup).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup)
    except IntegrityError:  # made by a concurrent posting since the read above
        return Account.objects.get(**lookup)


def accounts_of(*, brain_id: int, book: str, keys: set[tuple[str, int | None]]) -> dict:
    """The book's accounts for the given (kind, enterprise id) pairs, made on first use: two queries whatever the
    number of legs (an entry of a netting or a clearing run has a thousand), three when some are new."""

    def read(wanted):
        match = Q()
        for kind in {kind for kind, _enterprise in wanted}:
            ids = [enterprise for k, enterprise in wanted if k == kind]
            ours = Q(enterprise_id__in=[i for i in ids if i is not None])
            if None in ids:
                ours |= Q(enterprise_id__isnull=True)
            match |= Q(kind=kind) & ours
        return {(a.kind, a.enterprise_id): a for a in Account.objects.filter(brain_id=brain_id, book=book).filter(match)}

    found = read(keys)
    missing = keys - found.keys()
    if missing:  # made by a concurrent posting meanwhile: the conflict is ignored and the row read back
        Account.objects.bulk_create([Account(brain_id=brain_id, book=book, kind=kind, enterprise_id=enterprise)
                                     for kind, enterprise in missing], ignore_conflicts=True)
        found.update(read(missing))
    return found


def entry_post(*, brain_id: int, book: str, kind: str, legs: list[Leg], by: User | None = None,
               document: tuple[str, int] | None = None, memo: str = "", reference: str = "") -> Entry:
    """Post one entry. Refuses an unbalanced or empty one here already; the database would at commit."""
    legs = [leg for leg in legs if leg.debit or leg.credit]
    debits, credits = sum((leg.debit for leg in legs), ZERO), sum((leg.credit for leg in legs), ZERO)
    if not legs or debits != credits:
        raise DomainError(_("An entry must balance: debits %(debit)s, credits %(credit)s.")
                          % {"debit": debits, "credit": credits}, code="unbalanced")
    document_type, document_id = document or ("", None)
    entry = Entry.objects.create(brain_id=brain_id, book=book, kind=kind, document_type=document_type,
                                 document_id=document_id, memo=memo[:300], reference=reference[:100],
                                 created_by=by if by and by.pk else None)
    accounts = accounts_of(brain_id=brain_id, book=book, keys={(leg.kind, leg.enterprise_id) for leg in legs})
    Line.objects.bulk_create(
        Line(brain_id=brain_id, entry=entry, debit=leg.debit, credit=leg.credit,
             account=accounts[(leg.kind, leg.enterprise_id)])
        for leg in legs)
    return entry


def balance(*, brain_id: int, book: str, kind: str, enterprise_id: int | None = None,
            document: tuple[str, int] | None = None) -> Decimal:
    """Debits less credits of one account (of one document's entries if given)."""
    lines = Line.objects.filter(brain_id=brain_id, account__book=book, account__kind=kind,
                                account__enterprise_id=enterprise_id)
    if document is not None:
        lines = lines.filter(entry__document_type=document[0], entry__document_id=document[1])
    totals = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or ZERO) - (totals["credit"] or ZERO)


def balances(*, brain_id: int, book: str, kinds: list[str] | None = None) -> dict[tuple[str, int | None], Decimal]:
    """Debits less credits of every account of a book that has lines: {(kind, enterprise_id): balance}."""
    lines = Line.objects.filter(brain_id=brain_id, account__book=book)
    if kinds is not None:
        lines = lines.filter(Q(account__kind__in=kinds))
    rows = lines.values("account__kind", "account__enterprise_id").annotate(debit=Sum("debit"), credit=Sum("credit"))
    return {(row["account__kind"], row["account__enterprise_id"]): row["debit"] - row["credit"] for row in rows}
