"""The message catalogues are complete, keep their placeholders, and the site switches language."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# %(name)s / %(name)d, a bare %s / %d, and {{ name }} (Jinja-style, as written in some msgids).
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{\{\s*[\w.]+\s*\}\}")


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", match) for match in PLACEHOLDER.findall(text))


def live_entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_the_chinese_catalogue_is_fully_translated():
    catalogue = polib.pofile(str(ZH_PO))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=1;")
    assert not catalogue.metadata_is_fuzzy
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("path", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_translations_keep_every_placeholder(path):
    mismatched = []
    for entry in live_entries(path):
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                source = entry.msgid if index == 0 and len(entry.msgstr_plural) > 1 else entry.msgid_plural
                if text and placeholders(text) != placeholders(source):
                    mismatched.append((entry.msgid, text))
        elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
            mismatched.append((entry.msgid, entry.msgstr))
    assert mismatched == []


def test_english_catalogue_has_no_fuzzy_entries_and_the_same_messages():
    assert [entry.msgid for entry in polib.pofile(str(EN_PO)).fuzzy_entries()] == []
    assert {entry.msgid for entry in live_entries(EN_PO)} == {entry.msgid for entry in live_entries(ZH_PO)}


@pytest.mark.django_db
def test_the_login_page_is_chinese_by_default_and_english_on_request(client):
    login = reverse("account_login")
    page = client.get(login, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="zh-Hans"' in page
    assert "志愿服务" in page
    assert "长辈版 · 关怀版" in page
    assert "注册" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    page = client.get(login, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page
    assert "Volunteer Service" in page
    assert "Log in" in page
    assert "Sign up" in page
    assert "Elder mode" in page
    assert "志愿服务" not in page


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_the_catalogue_holds_every_message_in_the_code(tmp_path):
    """Re-extract the messages in a scratch copy of the project, as `make messages` does."""
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    skip = {".venv", ".git", ".ci", ".ruff_cache", ".pytest_cache", "media", "staticfiles", "test-artifacts"}
    copy.mkdir()
    for item in base.iterdir():
        # Databases (the other test workers' come and go while this copies) hold no messages.
        if item.name in skip or item.name.startswith(("db.sqlite3", ".test-db")) or item.name == ".secret_key":
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(item, copy / item.name)
    env = {**os.environ, "SECRET_KEY": "catalogue-check", "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete", "--ignore", ".venv/*"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {entry.msgid for entry in live_entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    catalogued = {entry.msgid for entry in live_entries(ZH_PO)}
    assert sorted(extracted - catalogued) == [], "new strings: run `make messages` and translate them"
    assert sorted(catalogued - extracted) == [], "stale strings: run `make messages`"


# ---------------------------------------------------------------- Django's and allauth's words

OVERRIDES_PO = Path(settings.BASE_DIR) / "locale_overrides" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _package_catalogues() -> list[Path]:
    import allauth
    import django

    return [
        *Path(django.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"),
        Path(allauth.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    ]


def test_the_overrides_come_after_our_catalogue_and_are_compiled():
    """makemessages writes to the first locale path; ours must stay there."""
    assert settings.LOCALE_PATHS[0] == LOCALE_DIR
    assert OVERRIDES_PO.parent.parent.parent in settings.LOCALE_PATHS[1:]
    assert OVERRIDES_PO.with_suffix(".mo").exists(), "run `make setup` to compile the catalogues"


def _in_package_source(msgid: str) -> bool:
    import allauth
    import django

    for package in (Path(django.__file__).parent, Path(allauth.__file__).parent):
        for path in [*package.glob("**/*.py"), *package.glob("**/templates/**/*.html")]:
            if msgid in path.read_text(encoding="utf-8", errors="replace"):
                return True
    return False


def test_every_override_replaces_a_message_of_django_or_allauth():
    """An upgrade that renames a msgid leaves its override behind: it would silently stop working.
    A msgid missing from the package's catalogue (Django's has an older form of some) must
    at least be in the package's code, word for word."""
    known = set()
    for path in _package_catalogues():
        known.update((entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete)
    catalogue = polib.pofile(str(OVERRIDES_PO))
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=1;")
    assert [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()] == []
    unknown = [entry.msgid for entry in live_entries(OVERRIDES_PO) if (entry.msgctxt, entry.msgid) not in known]
    assert [msgid for msgid in unknown if not _in_package_source(msgid)] == []


def test_the_overrides_keep_every_placeholder():
    mismatched = [
        (entry.msgid, text)
        for entry in live_entries(OVERRIDES_PO)
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if text and placeholders(text) != placeholders(entry.msgid)
    ]
    assert mismatched == []


@pytest.mark.parametrize(
    ("msgid", "ours"),
    [
        ("Incorrect code.", "验证码不正确。"),
        ("Request Code", "获取验证码"),
        ("Phone", "手机号"),
        ("This password is too common.", "这个密码太常见了，请换一个。"),
    ],
)
def test_the_overrides_beat_the_packages_catalogues(msgid, ours):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == ours


@pytest.mark.django_db
def test_the_sign_in_and_code_pages_use_our_words(client, sms_outbox):
    from tests.factories import VolunteerFactory

    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "手机号" in login and "用验证码登录" in login
    request = client.get(reverse("account_request_login_code")).content.decode()
    assert "获取验证码" in request and "其他登录方式" in request
    for machine_words in ("电话号码", "请求码", "代码", "其它登录选项"):
        assert machine_words not in login + request

    VolunteerFactory(user__phone="+8613800001234")
    response = client.post(reverse("account_request_login_code"), {"phone": "13800001234"})
    wrong = client.post(response.url, {"code": "000000"}).content.decode()
    assert "输入验证码" in wrong and "验证码不正确。" in wrong and "错误代码" not in wrong

    page = Client().post(reverse("account_signup"), {"phone": "13800005678", "password1": "123", "password2": "123"})
    errors = page.content.decode()
    assert "密码太短，至少要有 8 个字符。" in errors and "密码不能全是数字。" in errors
    assert "你" not in errors
