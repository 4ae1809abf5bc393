"""The platform's one double-entry journal: every app that moves money posts here, each in its own book.

A book is an app's set of accounts ("supplychain": the brain's pooled-buying books; "finance": the positions of
supply-chain finance). Every entry balances, checked by the database when its transaction commits; lines and
entries are never changed or deleted (a trigger refuses it): a correction is a new entry.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.money import ZERO
from tenants.models import BrainOwned, Enterprise, User

__all__ = ["Account", "Entry", "Line"]

CNY = "CNY"


class Account(BrainOwned):
    """One account of one book. The book's app names its kinds; party accounts carry their enterprise."""

    book = models.CharField(_("book"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3, default=CNY)

    class Meta:
        verbose_name = _("ledger account")
        constraints = [
            models.UniqueConstraint(fields=["brain", "book", "kind", "enterprise", "currency"], nulls_distinct=False,
                                    name="ledger_one_account_per_book_kind_and_enterprise"),
        ]


class Entry(BrainOwned):
    """A balanced set of lines: the database refuses to commit one whose debits and credits differ.

    `document` names what the entry books, in its app's words ("group_buy", "payable", "certificate", …) with
    its id, so a document's entries are one indexed read without the ledger knowing the apps above it."""

    book = models.CharField(_("book"), max_length=20)
    kind = models.CharField(_("kind"), max_length=30)
    document_type = models.CharField(max_length=30, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    booked_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("journal entry")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brain", "book", "document_type", "document_id"],
                                name="ledger_entry_document")]

    @property
    def document(self) -> tuple[str, int] | None:
        """What the entry books, as entry_post was given it: (type, id), or None."""
        return (self.document_type, self.document_id) if self.document_type else None


class Line(BrainOwned):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    credit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("journal line")
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="ledger_line_one_side_positive", condition=(
            models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)))]
