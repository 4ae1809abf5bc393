"""Supplychain's book in the platform's one journal (ledger.models: accounts, entries, lines): its words.

The brain's books for pooled buying and joint reserves (money in, bills out) are the accounts and entries of the
book "supplychain" in the one double-entry journal, which balances every entry in the database and keeps it for
good. The ledger sits below supplychain and knows none of these words: supplychain declares its account kinds,
its entry kinds and the documents its entries name (a campaign, a reserve), and posts and reads through
ledger.services.journal (supplychain.services.ledger, supplychain.selectors.ledger).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.models.journal import CNY

__all__ = ["BOOK", "CNY", "PAYMENT_KINDS", "PARTY_KINDS", "AccountKind", "Document", "EntryKind"]

BOOK = "supplychain"


class Document:
    """What an entry of the book is about: its `document_type`, with the object's id in `document_id`."""

    GROUP_BUY = "group_buy"
    RESERVE = "reserve"


class AccountKind(models.TextChoices):
    """The book's accounts. Members' and suppliers' accounts carry their enterprise (PARTY_KINDS), the others
    none: supplychain.services.ledger refuses a leg that says otherwise."""

    BANK = "bank", _("bank")  # asset: money the brain holds
    MEMBER = "member", _("member receivable")  # asset: what a member owes (negative: paid in advance)
    SUPPLIER = "supplier", _("supplier payable")  # liability: what the brain owes a supplier
    FEES = "fees", _("service fee income")  # income
    VAT = "vat", _("output VAT on fees")  # liability to the tax office
    # Joint reserves (supplychain.models.reserves): the stock at cost, its sales, their cost and the VAT
    INVENTORY = "inventory", _("reserve inventory")  # asset: reserve stock at its average cost
    SALES = "sales", _("reserve sales income")  # income: draws, net of VAT
    COGS = "cogs", _("cost of reserve sales")  # expense: the stock's cost released by draws
    SALES_VAT = "sales_vat", _("output VAT on reserve sales")  # liability to the tax office
    INPUT_VAT = "input_vat", _("input VAT on reserve purchases")  # asset: deductible VAT


PARTY_KINDS = frozenset({AccountKind.MEMBER, AccountKind.SUPPLIER})


class EntryKind(models.TextChoices):
    LOCK = "lock", _("campaign locked: goods and fees charged")
    MEMBER_PAYMENT = "member_payment", _("payment received from a member")
    MEMBER_REFUND = "member_refund", _("refund paid to a member")
    SUPPLIER_PAYMENT = "supplier_payment", _("payment made to a supplier")
    TRADER_PAYMENT = "trader_payment", _("goods paid to the brain's trader")  # booked from finance's event
    RESERVE_DRAW = "reserve_draw", _("reserve drawdown charged")
    RESERVE_RECEIPT = "reserve_receipt", _("reserve replenishment received")


# The API's and the page's payment kinds have always been every kind but the lock (the reserve kinds among them,
# which payment_entry refuses as an unknown kind of payment); kept as they are so the API's schema stays.
# The trader's payments are booked from finance's events, never by hand.
PAYMENT_KINDS = [(kind, label) for kind, label in EntryKind.choices
                 if kind not in (EntryKind.LOCK, EntryKind.TRADER_PAYMENT)]
