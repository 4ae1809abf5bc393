"""Reads of the brain's books (operators only; the pages and the API check that before they read): supplychain's
book in the one journal, its entries, and one reserve's books. Balances and the campaigns' exposure:
supplychain.services.ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from ledger.models import Entry
from ledger.money import ZERO
from supplychain.models import BOOK, AccountKind, Document, GroupBuy, Reserve
from supplychain.services.ledger import book_lines


def journal_entry_list(*, brain, group_buy: GroupBuy | None = None):
    """The entries of the brain's book (of one campaign, if given) with their lines, newest first."""
    entries = (Entry.objects.in_brain(brain).filter(book=BOOK).prefetch_related("lines__account__enterprise")
               .order_by("-id"))
    if group_buy is not None:
        entries = entries.filter(document_type=Document.GROUP_BUY, document_id=group_buy.pk)
    return entries


@dataclass(frozen=True)
class ReserveBooks:
    inventory: Decimal  # the stock at cost, as the ledger holds it (equals Reserve.inventory_value)
    sales: Decimal  # net of VAT
    cost_of_sales: Decimal
    margin: Decimal
    output_vat: Decimal
    input_vat: Decimal
    members_owe: Decimal  # charged for draws (payments are recorded against the members' accounts elsewhere)
    owed_to_supplier: Decimal


def reserve_books(*, reserve: Reserve) -> ReserveBooks:
    """The operator's view of one reserve's entries in the brain's book."""
    Kind = AccountKind
    per_kind = {row["account__kind"]: row["debit"] - row["credit"] for row in
                book_lines(brain_id=reserve.brain_id, reserve=reserve)
                .values("account__kind").annotate(debit=Sum("debit"), credit=Sum("credit")).order_by()}
    get = lambda kind: per_kind.get(kind, ZERO)
    return ReserveBooks(inventory=get(Kind.INVENTORY), sales=-get(Kind.SALES), cost_of_sales=get(Kind.COGS),
                        margin=-get(Kind.SALES) - get(Kind.COGS), output_vat=-get(Kind.SALES_VAT),
                        input_vat=get(Kind.INPUT_VAT), members_owe=get(Kind.MEMBER),
                        owed_to_supplier=-get(Kind.SUPPLIER))
