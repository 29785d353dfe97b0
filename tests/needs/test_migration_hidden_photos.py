"""Photos taken down before hiding deleted files (needs 0005): the files of hidden photos, and
of the photos of hidden requests, are deleted; a visible request's photos stay."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("needs", "0004_wish_claim_unit")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    moved = {app for app, _name in targets}
    others = [node for node in loader.graph.leaf_nodes() if node[0] not in moved]
    return loader.project_state(targets + others).apps


def test_hidden_photos_lose_their_files_and_visible_ones_keep_them():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = migrate(BEFORE)
    try:
        Office, User = apps.get_model("teams", "Office"), apps.get_model("accounts", "User")
        Category, Need, NeedPhoto = (apps.get_model("needs", name) for name in ("Category", "Need", "NeedPhoto"))
        office = Office.objects.create(name="阳光社区", kind="community")
        category = Category.objects.create(office=office, name="理发", max_minutes=60)
        resident = User.objects.create(phone="+8613900000001")
        starts = timezone.now()

        def need(**fields):
            return Need.objects.create(
                office=office,
                category=category,
                description="上门理发",
                address="幸福小区3号楼",
                window_starts=starts,
                window_ends=starts + datetime.timedelta(hours=2),
                resident_name="李阿姨",
                resident_phone=resident.phone,
                raised_by=resident,
                **fields,
            )

        def photo(of, name, **fields):
            stored = default_storage.save(f"needs/{name}.jpg", ContentFile(b"jpeg"))
            return NeedPhoto.objects.create(need=of, file=stored, **fields)

        visible = need()
        hidden_need = need(is_hidden=True, hidden_reason="含有住址")
        kept = photo(visible, "kept")
        hidden_alone = photo(visible, "hidden-alone", is_hidden=True, hidden_reason="拍到人脸")
        of_hidden_need = photo(hidden_need, "of-hidden-need")
        files = {row.pk: row.file for row in (kept, hidden_alone, of_hidden_need)}
    finally:
        apps = migrate(latest)

    NeedPhoto = apps.get_model("needs", "NeedPhoto")
    after = {row.pk: row for row in NeedPhoto.objects.all()}
    assert default_storage.exists(files[kept.pk]) and after[kept.pk].file == files[kept.pk]
    for taken_down in (hidden_alone, of_hidden_need):
        assert not default_storage.exists(files[taken_down.pk])
        assert after[taken_down.pk].file == "" and after[taken_down.pk].is_hidden
    assert after[of_hidden_need.pk].hidden_reason == "含有住址"
    assert after[hidden_alone.pk].hidden_reason == "拍到人脸"
