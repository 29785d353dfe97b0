"""The partner unit (共建单位) moves from civic to teams, so that shifts and needs may name it
too. Its table stays civic_partnerunit: only Django's picture of the models changes here
(civic 0009 points civic's keys at this model), and no row moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, *, old: str, new: str) -> None:
    # Permissions and admin history follow the unit's content type instead of pointing at a gone model.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label=old, model="partnerunit").update(
        app_label=new
    )


def content_type_to_teams(apps, schema_editor) -> None:
    _rename_content_type(apps, schema_editor, old="civic", new="teams")


def content_type_back_to_civic(apps, schema_editor) -> None:
    _rename_content_type(apps, schema_editor, old="teams", new="civic")


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0008_grid_workers"),
        ("civic", "0008_unit_registrations_and_projects"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PartnerUnit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("party_branch", models.CharField(blank=True, max_length=100, verbose_name="party branch")),
                        ("contact_name", models.CharField(blank=True, max_length=50, verbose_name="contact person")),
                        ("contact_phone", models.CharField(blank=True, max_length=20, verbose_name="contact phone")),
                        (
                            "contact_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="contact's account",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="teams.office",
                                verbose_name="office",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partner unit",
                        "verbose_name_plural": "partner units",
                        "db_table": "civic_partnerunit",
                        "ordering": ["name", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("office", "name"), name="partner_unit_name_unique")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_to_teams, content_type_back_to_civic),
    ]
