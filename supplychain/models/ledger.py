"""The brain's books for pooled buying and joint reserves (money in, bills out): a small double-entry ledger.

Accounts of the brain (its bank, one receivable per member, one payable per supplier, income, VAT, the reserves'
stock at cost), and journal entries of balanced lines: each line is a debit or a credit, never both (CHECK), and
the database refuses to commit an entry whose debits and credits differ (a deferred constraint trigger,
supplychain/migrations/0002_balanced_entries.py). An entry may name the campaign or the reserve it books.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.money import ZERO
from tenants.models import BrainOwned, Enterprise, User

__all__ = ["CNY", "PAYMENT_KINDS", "JournalEntry", "JournalLine", "LedgerAccount"]

CNY = "CNY"


class LedgerAccount(BrainOwned):
    """One account of the brain's books. Members' and suppliers' accounts carry their enterprise."""

    class Kind(models.TextChoices):
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

    kind = models.CharField(max_length=10, choices=Kind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3, default=CNY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brain", "kind", "enterprise", "currency"], nulls_distinct=False,
                                    name="one_account_per_kind_and_enterprise"),
            models.CheckConstraint(name="party_accounts_have_their_enterprise", condition=(
                models.Q(kind__in=["member", "supplier"], enterprise__isnull=False)
                | models.Q(~models.Q(kind__in=["member", "supplier"]), enterprise__isnull=True))),
        ]


class JournalEntry(BrainOwned):
    """A balanced set of ledger lines: the database refuses to commit one whose debits and credits differ."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("campaign locked: goods and fees charged")
        MEMBER_PAYMENT = "member_payment", _("payment received from a member")
        MEMBER_REFUND = "member_refund", _("refund paid to a member")
        SUPPLIER_PAYMENT = "supplier_payment", _("payment made to a supplier")
        RESERVE_DRAW = "reserve_draw", _("reserve drawdown charged")
        RESERVE_RECEIPT = "reserve_receipt", _("reserve replenishment received")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    group_buy = models.ForeignKey("GroupBuy", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="entries")
    reserve = models.ForeignKey("Reserve", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    booked_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


PAYMENT_KINDS = [(kind, label) for kind, label in JournalEntry.Kind.choices if kind != JournalEntry.Kind.LOCK]


class JournalLine(BrainOwned):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    credit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="one_side_positive", condition=(
            models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)))]
