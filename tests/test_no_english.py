"""No page in Chinese shows an English sentence.

Every page that the demo's office staff, team leader and volunteer can reach by following
links (and the pages a visitor sees before signing in) is fetched in zh-hans, and its
visible text is searched for the English sentences that the catalogues translate: the
project's own, Django's and allauth's. A sentence found there was left untranslated: a
string not marked for translation, a missing translation, or a catalogue not loaded.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import allauth
import django
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from demo.people import LEADER_PHONE, STAFF_PHONE, VOLUNTEER_PHONE

pytestmark = pytest.mark.django_db

# Placeholders and markup cut a msgid into the pieces that a page shows as they are.
CUT = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{\{[^}]*\}\}|\{[\w.]*\}|<[^>]*>|[\"“”]")
# Links not followed: other programs' pages (the admin is Django's own, translated by it),
# files rather than pages, and the links that switch language or log out.
SKIPPED = re.compile(r"^/(admin/|i18n/|static/|media/)|\.(xlsx|csv|ics|js|png|svg|pdf)$|^/accounts/logout/")
# A page with a new path is visited; the same path with other query strings (filters,
# months, pages) at most this many times, and paths that differ only in their numbers
# (one team, shift or record after another) at most PER_SHAPE times.
PER_PATH = 2
PER_SHAPE = 3
MAX_PAGES = 400


def _catalogues() -> list[Path]:
    django_dir = Path(django.__file__).parent
    return [
        Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        Path(settings.BASE_DIR) / "locale_overrides" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        *sorted((django_dir).glob("**/locale/zh_Hans/LC_MESSAGES/django.po")),
        Path(allauth.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    ]


def _squash(text: str) -> str:
    return " ".join(text.split())


def english_sentences() -> set[str]:
    """The English msgids translated into Chinese somewhere, cut at their placeholders,
    keeping the pieces of three words or more."""
    sentences = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            translated = entry.msgstr or any(entry.msgstr_plural.values())
            if entry.obsolete or not translated or "fuzzy" in entry.flags:
                continue
            for source in filter(None, (entry.msgid, entry.msgid_plural)):
                for piece in CUT.split(source):
                    piece = _squash(piece.replace("&amp;", "&"))
                    if len(re.findall(r"[A-Za-z]+", piece)) >= 3:
                        sentences.add(piece)
    return sentences


class VisibleText(HTMLParser):
    """The words a person sees or hears: text outside scripts and styles, titles, placeholders,
    labels for screen readers, and the words on buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        # Forms sent by POST that ask for something (a required field): their actions.
        self.forms_asking: list[str] = []
        self._form: str | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        is_button = tag == "button" or (tag == "input" and attrs.get("type") in ("submit", "button", "reset"))
        if is_button and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = (attrs.get("action") or "") if (attrs.get("method") or "").lower() == "post" else None
        asks = tag in ("input", "select", "textarea") and "required" in attrs and attrs.get("type") != "hidden"
        if asks and self._form is not None and self._form not in self.forms_asking:
            self.forms_asking.append(self._form)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return _squash(" \n ".join(self.parts))


def read_page(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def english_on(text: str, sentences: set[str]) -> list[str]:
    found = [sentence for sentence in sentences if sentence in text]
    # "Log in to your account" is reported, not also its own "in to your".
    return sorted(s for s in found if not any(s != other and s in other for other in found))


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, start: list[str]) -> dict[str, str]:
    """Visible text of every page reachable from `start`, by path and query; then of the
    answers to the forms found there sent empty (their error messages), by "POST path"."""
    pages: dict[str, str] = {}
    forms: dict[str, str] = {}
    queue = list(start)
    seen = set(queue)
    per_path: Counter = Counter()
    per_shape: Counter = Counter()
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        if response.status_code == 302 and response["Location"] not in seen:
            seen.add(response["Location"])
            queue.append(response["Location"])
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = read_page(response.content.decode())
        pages[url] = page.text
        for action in page.forms_asking:
            target = urlsplit(action).path or urlsplit(url).path
            forms.setdefault(_shape(target), target)
        for href in page.links:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
                continue
            if href in seen:
                continue
            seen.add(href)
            if parts.query and per_path[parts.path] >= PER_PATH:
                continue
            shape = _shape(parts.path)
            if shape != parts.path and per_shape[shape] >= PER_SHAPE and not parts.query:
                continue
            per_path[parts.path] += parts.query != ""
            per_shape[shape] += shape != parts.path and not parts.query
            queue.append(href)
    for target in forms.values():
        response = client.post(target, {}, HTTP_ACCEPT_LANGUAGE="zh-CN")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[f"POST {target}"] = read_page(response.content.decode()).text
    return pages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module and rolled back after it (as in tests/demo)."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        call_command("seed_demo", "--if-empty")
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def sentences():
    return english_sentences()


def answers_to_a_visitor(client: Client) -> dict[str, str]:
    """What a visitor is told when things go wrong: a weak password, a wrong password, a wrong code."""
    weak = {"phone": "13800005678", "password1": "123", "password2": "1234"}
    sent = [
        (reverse("account_signup"), weak),
        (reverse("account_login"), {"login": VOLUNTEER_PHONE, "password": "wrong-one-1"}),
        (reverse("account_request_login_code"), {"phone": "1380000"}),
    ]
    pages = {}
    for url, data in sent:
        pages[f"POST {url} {sorted(data)}"] = read_page(client.post(url, data).content.decode()).text
    code_page = client.post(reverse("account_request_login_code"), {"phone": VOLUNTEER_PHONE}).url
    pages["POST a wrong code"] = read_page(client.post(code_page, {"code": "000000"}).content.decode()).text
    return pages


def _report(pages: dict[str, str], sentences: set[str]) -> list[str]:
    return [f"{url}: {sentence!r}" for url, text in pages.items() for sentence in english_on(text, sentences)]


def test_the_sentence_finder_sees_english_in_text_and_attributes(sentences):
    """The check itself: it must find what it looks for, wherever a person would see it."""
    assert "This field is required." in sentences  # Django's
    assert "Forgot your password?" in sentences  # allauth's
    page = read_page(
        '<p>请填写。</p><input placeholder="Forgot your password?"><button>This field is required.</button>'
        '<input type="submit" value="Request new code"><nav aria-label="Other sign-in options"></nav>'
        "<script>var s = 'You are signed up. See you there!';</script>"
        "<style>/* Sign-up must close before the shift ends. */</style>"
    )
    assert english_on(page.text, sentences) == [
        "Forgot your password?",
        "Other sign-in options",
        "Request new code",
        "This field is required.",
    ]


@pytest.mark.parametrize(
    "phone", [None, STAFF_PHONE, LEADER_PHONE, VOLUNTEER_PHONE], ids=["visitor", "staff", "leader", "volunteer"]
)
def test_no_page_in_chinese_shows_an_english_sentence(demo, sentences, phone):
    client = Client()
    start = [reverse("account_login"), reverse("account_signup"), reverse("account_request_login_code")]
    if phone:
        client.force_login(User.objects.get(phone=phone))
        start = [reverse("volunteers:home"), reverse("account_change_password"), reverse("account_change_phone")]
    pages = crawl(client, start)
    if phone is None:
        pages.update(answers_to_a_visitor(Client()))
    assert len(pages) > (3 if phone is None else 15), sorted(pages)
    assert _report(pages, sentences) == []
