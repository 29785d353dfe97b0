from django.db import migrations

# The association kinds community offices commonly run; the list stays editable.
DEFAULT_KINDS = ["银龄", "环保", "便民", "扶贫帮困", "学雷锋", "党员志愿服务队", "红白喜事理事会", "六点半课堂"]


def add_default_kinds(apps, schema_editor):
    TeamKind = apps.get_model("teams", "TeamKind")
    for position, name in enumerate(DEFAULT_KINDS):
        TeamKind.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]

    operations = [migrations.RunPython(add_default_kinds, migrations.RunPython.noop)]
