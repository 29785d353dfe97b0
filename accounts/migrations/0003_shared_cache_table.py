"""The database cache's table: rate limits and SMS caps are counted there, so that every
worker process sees the same counts (settings.CACHES). With Redis configured, nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_notification")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
