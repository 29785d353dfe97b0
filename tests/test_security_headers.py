"""Headers that keep personal pages out of caches, and HSTS only as far as asked."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_pages_for_someone_signed_in_are_never_stored(client_for):
    client = client_for(VolunteerFactory().user)

    for page in ("volunteers:card", "volunteers:home", "hours:my_hours"):
        assert client.get(reverse(page))["Cache-Control"] == "no-store, private"


def hsts(**environment) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "HTTPS": "1", **environment}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    ).stdout.strip()


def test_hsts_preload_and_subdomains_only_when_asked():
    assert hsts() == "False False"
    assert hsts(SECURE_HSTS_PRELOAD="1", SECURE_HSTS_INCLUDE_SUBDOMAINS="1") == "True True"


def test_every_page_has_one_content_security_policy_without_inline_script(client_for):
    client = client_for(VolunteerFactory().user)

    policy = client.get(reverse("volunteers:card"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_event_handlers():
    inline = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        html = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) or re.search(r"\son[a-z]+=", html):
            inline.append(path.name)
    assert inline == []
