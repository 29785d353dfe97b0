"""Views the whole site shares."""

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as html_csrf_failure

logger = logging.getLogger(__name__)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a page for people, JSON for a page's script (the scanner), which
    cannot show an HTML page and must keep what it was sending."""
    if request.content_type == "application/json":
        return JsonResponse({"error": _("This page is out of date: reload it and try again.")}, status=403)
    return html_csrf_failure(request, reason)


def web_app_manifest(request):
    """What "add to home screen" uses: the name under the icon, the icons, the colour, the first page."""
    manifest = {
        "name": _("Volunteer Service"),
        "short_name": _("Volunteers"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("volunteers:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def healthz(request):
    """For the proxy or orchestrator in front of the app servers: 200 only when the database
    (and Redis, where REDIS_URL names one) answers, 503 otherwise, with what failed."""
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_answers(settings.REDIS_URL)
    healthy = all(state == "ok" for state in checks.values())
    response = JsonResponse(checks, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("healthz: the database does not answer: %s", error)
        return "unavailable"
    return "ok"


def _redis_answers(url: str) -> str:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        logger.error("healthz: Redis does not answer: %s", error)
        return "unavailable"
    return "ok"
