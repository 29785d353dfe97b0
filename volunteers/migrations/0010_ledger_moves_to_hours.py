"""The ledger's models now belong to hours/ (its migration 0001 takes them over, tables and
all). Only Django's picture changes here: nothing in the database is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hours", "0001_initial"),
        ("volunteers", "0009_backfill_break"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CorrectionRequest"),
                migrations.DeleteModel(name="BackfillRequest"),
                migrations.DeleteModel(name="Certificate"),
                migrations.DeleteModel(name="Honour"),
                migrations.DeleteModel(name="MonthClose"),
                migrations.DeleteModel(name="ExportLog"),
                migrations.DeleteModel(name="ServiceRecord"),
            ],
        ),
    ]
