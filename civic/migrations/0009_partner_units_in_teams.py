"""civic's keys to the partner unit now point at teams.PartnerUnit (teams 0008), and civic's
model leaves Django's picture. The table and its keys stay as they are: state only. A
project's help text no longer asks for the shifts the unit runs (their own records list them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("civic", "0008_unit_registrations_and_projects"),
        ("teams", "0009_partner_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="partyreport",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="teams.partnerunit",
                        verbose_name="employer unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="unitproject",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projects",
                        to="teams.partnerunit",
                        verbose_name="partner unit",
                    ),
                ),
                migrations.AlterField(
                    model_name="unitregistration",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registrations",
                        to="teams.partnerunit",
                        verbose_name="partner unit",
                    ),
                ),
                migrations.DeleteModel(name="PartnerUnit"),
            ],
        ),
        migrations.AlterField(
            model_name="unitproject",
            name="description",
            field=models.CharField(
                blank=True,
                help_text="E.g. what it gives or organises, and where.",
                max_length=200,
                verbose_name="what the unit does",
            ),
        ),
    ]
