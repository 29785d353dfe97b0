"""Covering indexes for a street office's sums (issue 16): CREATE/DROP INDEX only, no table
rebuild on SQLite, so the append-only triggers of 0006 stay."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hours', '0007_certificate_holder'),
        ('teams', '0007_audit_actions'),
        ('volunteers', '0011_id_number_message'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='servicerecord',
            name='hours_servi_office__0d8519_idx',
        ),
        migrations.RemoveIndex(
            model_name='servicerecord',
            name='hours_servi_office__5694b8_idx',
        ),
        migrations.AddIndex(
            model_name='servicerecord',
            index=models.Index(fields=['office', 'service_date', 'volunteer', 'minutes'], name='record_office_date_cover'),
        ),
        migrations.AddIndex(
            model_name='servicerecord',
            index=models.Index(fields=['office', 'reported_month', 'volunteer', 'minutes'], name='record_office_month_cover'),
        ),
    ]
