"""The database refuses to give a points account another owner: an UPDATE that changes its
office_id or volunteer_id stops here, as changing a points entry does (0002). Saving the
same values again (a plain `save()`) passes.

SQLite rebuilds a table to alter it, and the rebuild drops its triggers: a later migration
that alters civic_pointsaccount on SQLite must run CREATE again. DELETE is untouched, so the
test runner's flush needs no lifting.
"""

from django.db import migrations

MESSAGE = "a points account keeps its office and volunteer"
CREATE = f"""CREATE TRIGGER IF NOT EXISTS civic_pointsaccount_owner_fixed
    BEFORE UPDATE OF office_id, volunteer_id ON civic_pointsaccount
    WHEN NEW.office_id IS NOT OLD.office_id OR NEW.volunteer_id IS NOT OLD.volunteer_id
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
DROP = "DROP TRIGGER IF EXISTS civic_pointsaccount_owner_fixed"
CREATE_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION civic_pointsaccount_owner_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.office_id IS DISTINCT FROM OLD.office_id OR NEW.volunteer_id IS DISTINCT FROM OLD.volunteer_id THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER civic_pointsaccount_owner_fixed
    BEFORE UPDATE ON civic_pointsaccount
    FOR EACH ROW EXECUTE FUNCTION civic_pointsaccount_owner_fixed();
"""
DROP_POSTGRESQL = """
DROP TRIGGER IF EXISTS civic_pointsaccount_owner_fixed ON civic_pointsaccount;
DROP FUNCTION IF EXISTS civic_pointsaccount_owner_fixed();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_POSTGRESQL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL)


class Migration(migrations.Migration):
    dependencies = [("civic", "0004_evaluations")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
