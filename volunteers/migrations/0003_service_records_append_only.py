from django.db import migrations

# The ORM refuses updates and deletes of service records; on PostgreSQL the
# database refuses them too, so raw SQL cannot rewrite the ledger either.
# (TRUNCATE, which the test runner uses to empty tables, is not a row change.)
CREATE = """
CREATE OR REPLACE FUNCTION volunteers_servicerecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'service records are append-only: post a correction instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER volunteers_servicerecord_append_only
    BEFORE UPDATE OR DELETE ON volunteers_servicerecord
    FOR EACH ROW EXECUTE FUNCTION volunteers_servicerecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS volunteers_servicerecord_append_only ON volunteers_servicerecord;
DROP FUNCTION IF EXISTS volunteers_servicerecord_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_servicerecord")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
