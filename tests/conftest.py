import importlib

import pytest
from django.core.cache import cache
from django.core.management.commands import flush
from django.db import connections
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from accounts.sms import MemorySmsSender
from tests.factories import TeamFactory

# Examples are judged by what they give, never by how long they take: a busy CI machine
# would otherwise fail a correct example for missing hypothesis's 200 ms deadline.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")

# The ledgers' append-only guards on SQLite: the hours ledger's and the points ledger's.
APPEND_ONLY = [
    importlib.import_module("hours.migrations.0006_append_only_on_sqlite"),
    importlib.import_module("civic.migrations.0002_points_append_only"),
]


def pytest_configure(config):
    """Transactional tests end by emptying every table, and SQLite's append-only guard
    stops that: it is lifted for the flush alone, and put back after it."""
    handle = flush.Command.handle

    def flush_past_the_guard(self, **options):
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            return handle(self, **options)
        with connection.cursor() as cursor:
            for statement in (statement for guard in APPEND_ONLY for statement in guard.DROP):
                cursor.execute(statement)
        try:
            return handle(self, **options)
        finally:
            with connection.cursor() as cursor:
                for statement in (statement for guard in APPEND_ONLY for statement in guard.CREATE):
                    cursor.execute(statement)

    flush.Command.handle = flush_past_the_guard


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.SMS_SENDER = "accounts.sms.MemorySmsSender"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background work runs at once, in the test's own transaction (tests/jobs/test_worker.py
    # runs the real database worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    MemorySmsSender.outbox.clear()
    # Sign-in limits count in the cache: one of the test's own, empty. The database cache
    # the site uses is tested where workers must share it. (SMS caps count in the database.)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # A request leaves its language active in the thread; start each test afresh.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def sms_outbox():
    return MemorySmsSender.outbox


@pytest.fixture
def client_for():
    """A test client logged in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def team():
    """A team of its own community office."""
    return TeamFactory()
