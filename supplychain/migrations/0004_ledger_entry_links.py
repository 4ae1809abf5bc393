import django.db.models.deletion
from django.db import migrations, models

# The move of supplychain's books into the platform's one journal (ledger), step 1 of 3: a draw's and a receipt's
# link to their entry in ledger's journal, beside the old link, so the next migration can fill it while both
# journals exist. (Three migrations, three transactions: PostgreSQL refuses to ALTER a table whose rows were
# changed earlier in the same transaction while its deferred foreign-key checks are pending.)


class Migration(migrations.Migration):
    dependencies = [
        ("supplychain", "0003_joint_reserves"),
        ("ledger", "0002_balanced_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="drawdown",
            name="ledger_entry",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                       to="ledger.entry"),
        ),
        migrations.AddField(
            model_name="replenishment",
            name="ledger_entry",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="ledger.entry"),
        ),
    ]
