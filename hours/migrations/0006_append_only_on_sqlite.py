"""SQLite, the embedded default, refuses to change or delete a service record too, as
PostgreSQL's trigger does (volunteers 0003, now hours_servicerecord_append_only): raw
SQL, `_base_manager.update()` and `bulk_create(update_conflicts=True)` all stop here.

SQLite rebuilds a table to alter it, and the rebuild drops its triggers: a later migration
that alters hours_servicerecord on SQLite must run CREATE again. The owner of a database
file can always drop a trigger; the README's production section says what that means.
"""

from django.db import migrations

MESSAGE = "service records are append-only: post a correction instead"
CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS hours_servicerecord_no_{event.lower()}
        BEFORE {event} ON hours_servicerecord
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for event in ("UPDATE", "DELETE")
]
DROP = [f"DROP TRIGGER IF EXISTS hours_servicerecord_no_{event}" for event in ("update", "delete")]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("hours", "0005_protect_people"),
        # After the one migration that fills a column of existing records.
        ("shifts", "0008_fill_served_time"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
