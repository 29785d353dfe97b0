"""Certificates keep the person as issued. Those issued before take the name and masked ID
number the profile holds now: the nearest known to what they said when issued."""

from django.db import migrations, models


def _masked(value: str) -> str:
    # volunteers.identity.mask_id_number, as it stood when this was written.
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


def fill(apps, schema_editor):
    Certificate = apps.get_model("hours", "Certificate")
    for certificate in Certificate.objects.select_related("volunteer"):
        certificate.holder_name = certificate.volunteer.real_name
        certificate.holder_id_masked = _masked(certificate.volunteer.id_number)
        certificate.save(update_fields=["holder_name", "holder_id_masked"])


class Migration(migrations.Migration):
    dependencies = [("hours", "0006_append_only_on_sqlite")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="holder_name",
            field=models.CharField(default="", max_length=50, verbose_name="name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_id_masked",
            field=models.CharField(blank=True, max_length=40, verbose_name="ID number (masked)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
