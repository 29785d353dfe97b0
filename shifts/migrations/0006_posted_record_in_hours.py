"""Attendance points at the ledger's record in its new app; the column and its foreign key
stay as they are. It runs before volunteers forgets the model, so no state ever points at a
model that is gone, and before hours renames the table, so the foreign key follows it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hours", "0001_initial"),
        ("shifts", "0005_shift_breaks_and_service"),
    ]
    run_before = [("hours", "0002_hours_tables"), ("volunteers", "0010_ledger_moves_to_hours")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attendance",
                    name="posted_record",
                    field=models.OneToOneField(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="hours.servicerecord",
                    ),
                ),
            ],
        ),
    ]
