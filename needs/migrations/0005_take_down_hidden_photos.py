"""Photos hidden before hiding deleted their files (and the photos of requests hidden then)
still had their files in storage. They were never served; now they are deleted, as hiding
does today (needs.services._take_down), once the migration has committed."""

from django.db import migrations, transaction
from django.db.models import Q


def take_down_hidden_photos(apps, schema_editor):
    from needs import photos  # the storage, not a model: safe to use from a migration

    NeedPhoto = apps.get_model("needs", "NeedPhoto")
    hidden = NeedPhoto.objects.using(schema_editor.connection.alias).filter(
        Q(is_hidden=True) | Q(need__is_hidden=True)
    ).exclude(file="")
    names = []
    for photo in hidden.select_related("need"):
        names.append(photo.file)
        if not photo.is_hidden:
            photo.is_hidden, photo.hidden_reason = True, photo.need.hidden_reason
        photo.file = ""
        photo.save(update_fields=["is_hidden", "hidden_reason", "file"])
    transaction.on_commit(lambda: [photos.delete(name) for name in names], using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("needs", "0004_wish_claim_unit")]

    operations = [migrations.RunPython(take_down_hidden_photos, migrations.RunPython.noop)]
