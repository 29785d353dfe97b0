"""Views the whole site shares."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as html_csrf_failure


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a page for people, JSON for a page's script (the scanner), which
    cannot show an HTML page and must keep what it was sending."""
    if request.content_type == "application/json":
        return JsonResponse({"error": _("This page is out of date: reload it and try again.")}, status=403)
    return html_csrf_failure(request, reason)
