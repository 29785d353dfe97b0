"""The ledger's tables and indexes take the hours_ names, in place: a rename keeps every row,
key and constraint. PostgreSQL's append-only trigger goes with its table; only its name and
its function's are made to match."""

from django.db import migrations

RENAME_TRIGGER = """
ALTER TRIGGER {old}_append_only ON hours_servicerecord RENAME TO {new}_append_only;
ALTER FUNCTION {old}_append_only() RENAME TO {new}_append_only;
"""


def rename_trigger(apps, schema_editor, old="volunteers_servicerecord", new="hours_servicerecord"):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENAME_TRIGGER.format(old=old, new=new))


def rename_trigger_back(apps, schema_editor):
    rename_trigger(apps, schema_editor, old="hours_servicerecord", new="volunteers_servicerecord")


class Migration(migrations.Migration):

    dependencies = [
        ('hours', '0001_initial'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='backfillrequest',
            new_name='hours_backf_office__2c86ee_idx',
            old_name='volunteers__office__a4c1ed_idx',
        ),
        migrations.RenameIndex(
            model_name='correctionrequest',
            new_name='hours_corre_state_2d4fd3_idx',
            old_name='volunteers__state_b78581_idx',
        ),
        migrations.RenameIndex(
            model_name='servicerecord',
            new_name='hours_servi_volunte_36adf3_idx',
            old_name='volunteers__volunte_3b18f8_idx',
        ),
        migrations.RenameIndex(
            model_name='servicerecord',
            new_name='hours_servi_office__0d8519_idx',
            old_name='volunteers__office__2a4a71_idx',
        ),
        migrations.RenameIndex(
            model_name='servicerecord',
            new_name='hours_servi_office__5694b8_idx',
            old_name='volunteers__office__41f9bd_idx',
        ),
        migrations.AlterModelTable(
            name='backfillrequest',
            table=None,
        ),
        migrations.AlterModelTable(
            name='certificate',
            table=None,
        ),
        migrations.AlterModelTable(
            name='correctionrequest',
            table=None,
        ),
        migrations.AlterModelTable(
            name='exportlog',
            table=None,
        ),
        migrations.AlterModelTable(
            name='honour',
            table=None,
        ),
        migrations.AlterModelTable(
            name='monthclose',
            table=None,
        ),
        migrations.AlterModelTable(
            name='servicerecord',
            table=None,
        ),
        migrations.RunPython(rename_trigger, rename_trigger_back),
    ]
