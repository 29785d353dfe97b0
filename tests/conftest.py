import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.sms import MemorySmsSender
from tests.factories import TeamFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.SMS_SENDER = "accounts.sms.MemorySmsSender"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MemorySmsSender.outbox.clear()
    # Rate limits and SMS caps count in the cache: one of the test's own, empty. The
    # database cache the site uses is tested where workers must share it.
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
