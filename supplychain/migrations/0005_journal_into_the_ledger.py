"""The move of supplychain's books into the platform's one journal (ledger), step 2 of 3: copy the accounts, entries
and lines of supplychain's own journal into ledger's, as the book "supplychain", and point every draw and receipt
at its entry's copy.

Amounts, dates, memo, reference, who posted and when are kept; the campaign or reserve an entry booked becomes
its document ("group_buy" or "reserve" with the id). Entries get the journal's ids (the finance book already
holds some of the ids the old journal used). Runs as the application role, to which row-level security applies
with FORCE: it reads and writes every brain's rows through the explicit, audited cross-brain path, in this
migration's transaction only. The journal's deferred balance check runs at this migration's COMMIT, in each
entry's own brain, so an entry that does not balance stops the move; the copy is checked against the old
journal before that, account by account.
"""

from django.db import migrations
from django.db.models import Count, F, Sum

from tenants.context import cross_brain

BOOK = "supplychain"  # frozen: supplychain.models.BOOK as it is when this migration was written
BATCH = 1000


class MoveRefused(RuntimeError):
    pass


def _per_account(lines, **book) -> dict:
    rows = (lines.filter(**book).values("brain_id", "account__kind", "account__enterprise_id", "account__currency")
            .annotate(debit=Sum("debit"), credit=Sum("credit"), lines=Count("id")).order_by())
    return {(row["brain_id"], row["account__kind"], row["account__enterprise_id"], row["account__currency"]):
            (row["debit"], row["credit"], row["lines"]) for row in rows}


def journal_into_the_ledger(apps, schema_editor):
    OldAccount = apps.get_model("supplychain", "LedgerAccount")
    OldEntry = apps.get_model("supplychain", "JournalEntry")
    OldLine = apps.get_model("supplychain", "JournalLine")
    Drawdown = apps.get_model("supplychain", "Drawdown")
    Replenishment = apps.get_model("supplychain", "Replenishment")
    Account = apps.get_model("ledger", "Account")
    Entry = apps.get_model("ledger", "Entry")
    Line = apps.get_model("ledger", "Line")
    with cross_brain(reason="migration supplychain.0005: supplychain's journal moves into the one journal"):
        if Entry.objects.filter(book=BOOK).exists():
            raise MoveRefused(f"the one journal already holds entries of the book {BOOK!r}: moving supplychain's "
                              "journal into it again would count its money twice")
        unbalanced = list(OldLine.objects.values("entry_id").annotate(debit=Sum("debit"), credit=Sum("credit"))
                          .exclude(debit=F("credit")).order_by("entry_id").values_list("entry_id", flat=True))
        if unbalanced:
            raise MoveRefused(f"supplychain's journal entries {unbalanced[:20]} do not balance (the old journal's "
                              "check could miss that under row-level security); the one journal would refuse "
                              "them: correct them first")

        accounts = {}
        for old in OldAccount.objects.order_by("id"):
            new, _made = Account.objects.get_or_create(brain_id=old.brain_id, book=BOOK, kind=old.kind,
                                                       enterprise_id=old.enterprise_id, currency=old.currency)
            accounts[old.pk] = new.pk

        last = 0
        while batch := list(OldEntry.objects.filter(pk__gt=last).order_by("id")[:BATCH]):
            copies = Entry.objects.bulk_create([
                Entry(brain_id=old.brain_id, book=BOOK, kind=old.kind, memo=old.memo, reference=old.reference,
                      booked_on=old.booked_on, created_by_id=old.created_by_id, created_at=old.created_at,
                      **_document(old))
                for old in batch])
            copy_of = {old.pk: new.pk for old, new in zip(batch, copies, strict=True)}
            Line.objects.bulk_create([
                Line(brain_id=line.brain_id, entry_id=copy_of[line.entry_id], account_id=accounts[line.account_id],
                     debit=line.debit, credit=line.credit)
                for line in OldLine.objects.filter(entry_id__in=copy_of).order_by("id")])
            for model in (Drawdown, Replenishment):
                linked = list(model.objects.filter(entry_id__in=copy_of).only("id", "entry_id"))
                for row in linked:
                    row.ledger_entry_id = copy_of[row.entry_id]
                model.objects.bulk_update(linked, ["ledger_entry"], batch_size=BATCH)
            last = batch[-1].pk

        if _per_account(OldLine.objects) != _per_account(Line.objects, account__book=BOOK):
            raise MoveRefused("the copy of supplychain's journal does not add up to the original, account by account")
        if Entry.objects.filter(book=BOOK).count() != OldEntry.objects.count():
            raise MoveRefused("the copy of supplychain's journal has another number of entries than the original")
        for model in (Drawdown, Replenishment):
            if model.objects.filter(entry__isnull=False, ledger_entry__isnull=True).exists():
                raise MoveRefused(f"a {model.__name__.lower()} lost its journal entry in the copy")


def _document(old) -> dict:
    if old.group_buy_id is not None:
        return {"document_type": "group_buy", "document_id": old.group_buy_id}
    if old.reserve_id is not None:
        return {"document_type": "reserve", "document_id": old.reserve_id}
    return {"document_type": "", "document_id": None}


def refuse_to_move_back(apps, schema_editor):
    """The one journal is append-only: what was moved into it cannot be taken out again. An empty book (a database
    without supplychain's money, e.g. a test's) goes back freely."""
    Entry = apps.get_model("ledger", "Entry")
    with cross_brain(reason="migration supplychain.0005 reversed: is supplychain's book empty?"):
        if Entry.objects.filter(book=BOOK).exists():
            raise MoveRefused(f"the book {BOOK!r} of the one journal holds entries, and the journal is "
                              "append-only: supplychain's journal cannot be moved back out of it")


class Migration(migrations.Migration):
    dependencies = [("supplychain", "0004_ledger_entry_links")]

    operations = [migrations.RunPython(journal_into_the_ledger, refuse_to_move_back)]
