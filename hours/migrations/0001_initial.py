"""The ledger moves from volunteers/ to its own app. Nothing in the database changes here:
the tables, rows, constraints, indexes and PostgreSQL's append-only trigger stay as they
are; only Django's picture of which app owns them moves (0002 then gives the tables the
hours_ names). Content types follow, so permissions granted on these models stay granted."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["exportlog", "servicerecord", "correctionrequest", "backfillrequest", "certificate", "honour", "monthclose"]


def move_content_types(apps, schema_editor, source="volunteers", target="hours"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label=target, model__in=MOVED).delete()
    ContentType.objects.using(db).filter(app_label=source, model__in=MOVED).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="hours", target="volunteers")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('teams', '0004_office_star_thresholds'),
        ('volunteers', '0009_backfill_break'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                        ('unmasked', models.BooleanField(default=False, verbose_name='unmasked')),
                        ('kind', models.CharField(choices=[('xlsx', 'Excel workbook'), ('csv', 'CSV file')], default='xlsx', max_length=4, verbose_name='kind')),
                        ('rows', models.PositiveIntegerField(default=0, verbose_name='rows')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='exported at')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='office')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='exported by')),
                    ],
                    options={
                        'db_table': 'volunteers_exportlog',
                        'verbose_name': 'export',
                        'verbose_name_plural': 'exports',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ServiceRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('service_date', models.DateField(verbose_name='service date')),
                        ('starts_at', models.DateTimeField(blank=True, null=True, verbose_name='from')),
                        ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='to')),
                        ('break_minutes', models.PositiveIntegerField(default=0, help_text='Rest and meals between from and to: not service time.', verbose_name='break (minutes)')),
                        ('activity', models.CharField(max_length=100, verbose_name='activity')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                        ('content', models.TextField(blank=True, verbose_name='service content')),
                        ('responsible_person', models.CharField(blank=True, max_length=100, verbose_name='responsible person')),
                        ('minutes', models.IntegerField(help_text='Negative for a reversal.', verbose_name='minutes')),
                        ('kind', models.CharField(choices=[('attendance', 'Attendance'), ('request', 'Resident request'), ('backfill', 'Backfill'), ('correction', 'Correction')], max_length=12, verbose_name='kind')),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                        ('source_key', models.CharField(max_length=80, unique=True, verbose_name='source')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                        ('reported_month', models.DateField(verbose_name='reported in month')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='recording office')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='hours.servicerecord', verbose_name='reverses')),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.team', verbose_name='team')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to='volunteers.volunteer', verbose_name='volunteer')),
                    ],
                    options={
                        'db_table': 'volunteers_servicerecord',
                        'verbose_name': 'service record',
                        'verbose_name_plural': 'service records',
                        'ordering': ['-service_date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CorrectionRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='asked at')),
                        ('state', models.CharField(choices=[('pending', 'Waiting for a decision'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=10, verbose_name='state')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
                        ('requested_minutes', models.PositiveIntegerField(verbose_name='right time (minutes)')),
                        ('reason', models.CharField(max_length=300, verbose_name='reason')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by')),
                        ('record', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='correction_requests', to='hours.servicerecord', verbose_name='record')),
                    ],
                    options={
                        'db_table': 'volunteers_correctionrequest',
                        'verbose_name': 'correction request',
                        'verbose_name_plural': 'correction requests',
                        'ordering': ['-requested_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='BackfillRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='asked at')),
                        ('state', models.CharField(choices=[('pending', 'Waiting for a decision'), ('approved', 'Approved'), ('refused', 'Refused')], default='pending', max_length=10, verbose_name='state')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='decision note')),
                        ('service_date', models.DateField(verbose_name='service date')),
                        ('starts_at', models.DateTimeField(verbose_name='from')),
                        ('ends_at', models.DateTimeField(verbose_name='to')),
                        ('activity', models.CharField(max_length=100, verbose_name='activity')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                        ('content', models.TextField(blank=True, verbose_name='service content')),
                        ('break_minutes', models.PositiveIntegerField(default=0, help_text='Rest and meals between from and to: not service time.', verbose_name='break (minutes)')),
                        ('minutes', models.PositiveIntegerField(verbose_name='minutes to credit')),
                        ('reason', models.CharField(max_length=300, verbose_name='reason')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='office')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.team', verbose_name='team')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='backfill_requests', to='volunteers.volunteer', verbose_name='volunteer')),
                    ],
                    options={
                        'db_table': 'volunteers_backfillrequest',
                        'verbose_name': 'backfill request',
                        'verbose_name_plural': 'backfill requests',
                        'ordering': ['-requested_at', '-pk'],
                        'indexes': [models.Index(fields=['office', 'state'], name='volunteers__office__a4c1ed_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='backfill_ends_after_it_starts'), models.CheckConstraint(condition=models.Q(('minutes__gt', 0)), name='backfill_credits_some_time')],
                    },
                ),
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=24, unique=True, verbose_name='certificate number')),
                        ('verify_code', models.CharField(max_length=40, unique=True, verbose_name='verification code')),
                        ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                        ('period_from', models.DateField(verbose_name='from')),
                        ('period_to', models.DateField(verbose_name='to')),
                        ('total_minutes_period', models.IntegerField(verbose_name='minutes in the period')),
                        ('total_minutes_all', models.IntegerField(verbose_name='minutes all time')),
                        ('by_team', models.JSONField(blank=True, default=list, verbose_name='minutes by team')),
                        ('by_activity', models.JSONField(blank=True, default=list, verbose_name='minutes by activity')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                        ('withdrawn_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for withdrawal')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='recording office')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='volunteers.volunteer', verbose_name='volunteer')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawn by')),
                    ],
                    options={
                        'db_table': 'volunteers_certificate',
                        'verbose_name': 'certificate',
                        'verbose_name_plural': 'certificates',
                        'ordering': ['-issued_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('period_to__gte', models.F('period_from'))), name='certificate_period_ends_after_it_starts')],
                    },
                ),
                migrations.CreateModel(
                    name='Honour',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(choices=[('outstanding', 'Outstanding volunteer'), ('most_admired', 'Most admired volunteer'), ('star', 'Star volunteer of the month')], max_length=20, verbose_name='title')),
                        ('period', models.CharField(help_text='YYYY or YYYY-MM.', max_length=7, verbose_name='period')),
                        ('awarded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='awarded at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('awarded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='awarded by')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='office')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='honours', to='volunteers.volunteer', verbose_name='volunteer')),
                    ],
                    options={
                        'db_table': 'volunteers_honour',
                        'verbose_name': 'honour',
                        'verbose_name_plural': 'honours',
                        'ordering': ['-period', '-awarded_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('volunteer', 'office', 'title', 'period'), name='one_honour_per_period')],
                    },
                ),
                migrations.CreateModel(
                    name='MonthClose',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                        ('closed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='closed at')),
                        ('snapshot', models.JSONField(default=dict, verbose_name='frozen totals and ranking')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.office', verbose_name='office')),
                    ],
                    options={
                        'db_table': 'volunteers_monthclose',
                        'verbose_name': 'closed month',
                        'verbose_name_plural': 'closed months',
                        'ordering': ['-month', 'office__name'],
                        'constraints': [models.UniqueConstraint(fields=('office', 'month'), name='one_close_per_office_month'), models.CheckConstraint(condition=models.Q(('month__day', 1)), name='month_close_on_first_day')],
                    },
                ),
                migrations.AddIndex(
                    model_name='servicerecord',
                    index=models.Index(fields=['volunteer', 'service_date'], name='volunteers__volunte_3b18f8_idx'),
                ),
                migrations.AddIndex(
                    model_name='servicerecord',
                    index=models.Index(fields=['office', 'service_date'], name='volunteers__office__2a4a71_idx'),
                ),
                migrations.AddIndex(
                    model_name='servicerecord',
                    index=models.Index(fields=['office', 'reported_month'], name='volunteers__office__41f9bd_idx'),
                ),
                migrations.AddIndex(
                    model_name='correctionrequest',
                    index=models.Index(fields=['state', 'requested_at'], name='volunteers__state_b78581_idx'),
                ),
                migrations.AddConstraint(
                    model_name='correctionrequest',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('record',), name='one_pending_correction_request_per_record'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
