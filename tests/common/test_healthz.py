"""/healthz answers for the proxy: 200 when the database (and Redis, when configured) answer."""

import json

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def health(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_healthy_without_redis(client, settings):
    settings.REDIS_URL = ""
    assert health(client) == (200, {"database": "ok"})


def test_a_database_that_does_not_answer_is_a_503(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert health(client) == (503, {"database": "unavailable"})


def test_redis_is_asked_when_configured(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/13"  # the Redis CI runs
    assert health(client) == (200, {"database": "ok", "redis": "ok"})
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert health(client) == (503, {"database": "ok", "redis": "unavailable"})
