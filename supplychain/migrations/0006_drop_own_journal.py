"""The move of supplychain's books into the platform's one journal (ledger), step 3 of 3: draws and receipts keep
only their link to the one journal, and supplychain's own journal (accounts, entries, lines, and its balance
trigger) goes. Going back recreates it empty, with its trigger (only from an empty book: see 0005)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

OLD_TRIGGER = importlib.import_module("supplychain.migrations.0002_balanced_entries").BALANCED


class Migration(migrations.Migration):
    dependencies = [("supplychain", "0005_journal_into_the_ledger")]

    operations = [
        migrations.RemoveField(model_name="drawdown", name="entry"),
        migrations.RemoveField(model_name="replenishment", name="entry"),
        migrations.RenameField(model_name="drawdown", old_name="ledger_entry", new_name="entry"),
        migrations.RenameField(model_name="replenishment", old_name="ledger_entry", new_name="entry"),
        migrations.AlterField(
            model_name="drawdown",
            name="entry",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                       to="ledger.entry"),
        ),
        # Before the tables go, so that going back recreates the trigger after the tables.
        migrations.RunSQL("DROP TRIGGER journal_entry_balanced ON supplychain_journalline;"
                          "DROP FUNCTION supplychain_entry_balanced();", reverse_sql=OLD_TRIGGER),
        migrations.DeleteModel(name="JournalLine"),
        migrations.DeleteModel(name="JournalEntry"),
        migrations.DeleteModel(name="LedgerAccount"),
    ]
