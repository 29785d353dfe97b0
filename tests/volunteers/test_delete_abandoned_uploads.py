"""The cron side of abandoned roster uploads: a file left unconfirmed for more than a day
goes, a younger one (someone is looking at its preview) stays."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from volunteers.uploads import FOLDER, KEPT_FOR


def test_uploads_older_than_a_day_are_deleted_and_younger_ones_kept(settings):
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    folder.mkdir(parents=True)
    old, young = folder / "old.xlsx", folder / "young.xlsx"
    old.write_bytes(b"PK old")
    young.write_bytes(b"PK young")
    long_ago = time.time() - KEPT_FOR.total_seconds() - 60
    os.utime(old, (long_ago, long_ago))

    output = StringIO()
    call_command("delete_abandoned_uploads", stdout=output)

    assert sorted(folder.iterdir()) == [young]
    assert output.getvalue().strip() == "已删除 1 个无人确认的上传文件。"


@pytest.mark.parametrize("make_folder", [True, False])
def test_nothing_to_delete_is_said_plainly(settings, make_folder):
    if make_folder:
        (Path(settings.MEDIA_ROOT) / FOLDER).mkdir(parents=True)
    output = StringIO()
    call_command("delete_abandoned_uploads", stdout=output)
    assert output.getvalue().strip() == "已删除 0 个无人确认的上传文件。"
