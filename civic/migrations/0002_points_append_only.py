"""The database refuses to change or delete a points entry too, as it does a service record
(hours 0006 and volunteers 0003): raw SQL and `_base_manager.update()` stop here.

SQLite rebuilds a table to alter it, and the rebuild drops its triggers: a later migration
that alters civic_pointentry on SQLite must run CREATE again.
"""

from django.db import migrations

MESSAGE = "point entries are append-only: post a reversal instead"
CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS civic_pointentry_no_{event.lower()}
        BEFORE {event} ON civic_pointentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for event in ("UPDATE", "DELETE")
]
DROP = [f"DROP TRIGGER IF EXISTS civic_pointentry_no_{event}" for event in ("update", "delete")]
# (TRUNCATE, which the test runner uses on PostgreSQL to empty tables, is not a row change.)
CREATE_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION civic_pointentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER civic_pointentry_append_only
    BEFORE UPDATE OR DELETE ON civic_pointentry
    FOR EACH ROW EXECUTE FUNCTION civic_pointentry_append_only();
"""
DROP_POSTGRESQL = """
DROP TRIGGER IF EXISTS civic_pointentry_append_only ON civic_pointentry;
DROP FUNCTION IF EXISTS civic_pointentry_append_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_POSTGRESQL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL)


class Migration(migrations.Migration):
    dependencies = [("civic", "0001_points_and_shop")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
