"""The leader's scanner: the page, its service worker, and the JSON endpoint it posts scans to."""

from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from shifts.models import Shift
from shifts.scan_api import MAX_BODY_BYTES, BadScanRequest, parse_scan_batch, result_json
from shifts.scanning import record_pick, record_scan
from shifts.selectors import shift_to_scan, sign_in_list
from shifts.views import ShiftAccessMixin
from shifts.walk_ins import scanner_refusal, scanner_rules
from teams.permissions import runs_any_team
from volunteers.selectors import namesake_hints

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "scanner-sw.js"

# The scanner page loads only its own files. 'wasm-unsafe-eval' lets the QR decoder
# compile its .wasm (nothing else: no eval, no inline script); connect-src covers the
# scans and the .wasm download; worker-src the service worker. The camera picture needs
# no source: a MediaStream given to <video>.srcObject is not fetched.
SCANNER_PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
# The service worker only fetches from this site, to keep the page's files for offline use.
SERVICE_WORKER_POLICY = "default-src 'none'; connect-src 'self'"

# The scanner's refusals, as the phone shows them whether the server or the page says them.
SIGNED_OUT = gettext_lazy(
    "You are signed out. Sign in again, then come back to this page: the scans stay on this phone."
)
UNAVAILABLE = gettext_lazy("This shift's scanner is not available to you any more. The scans stay on this phone.")


def content_security_policy(policy: str):
    """Sets the Content-Security-Policy header on the view's responses. Django 5.2 has no
    CSP support of its own (6.0 brings SECURE_CSP and per-view decorators)."""

    def decorator(view):
        @wraps(view)
        def with_policy(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Content-Security-Policy"] = policy
            return response

        return with_policy

    return decorator


class ScanView(ShiftAccessMixin, View):
    """POST a batch of scans (JSON), get one answer per scan in the same order."""

    run_only = True
    http_method_names = ["post"]
    profile_not_required = True  # answers JSON; the run-only check above is its gate

    def dispatch(self, request, *args, **kwargs):
        # The phone reads every answer as JSON, refusals too; a shift it may not scan at
        # is not found, whether it exists or not.
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"error": str(UNAVAILABLE)}, status=404)

    def handle_no_permission(self):
        # Not a redirect to the login form: the phone cannot follow it with its queue.
        return JsonResponse({"error": str(SIGNED_OUT)}, status=401)

    def load_shift(self, pk) -> Shift:
        # The phone posts here for every scan: only what a scan reads of the shift.
        shift = shift_to_scan(pk)
        if shift is None:
            raise Http404
        return shift

    def post(self, request, pk):
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
                raise BadScanRequest(_("The request is too large."))
            scans = parse_scan_batch(request.body)
        except BadScanRequest as error:
            return JsonResponse({"error": str(error)}, status=400)
        device = request.headers.get("User-Agent", "")
        results = []
        for scan in scans:
            # One short transaction per scan (inside record_scan): a long batch never
            # holds the write lock, and each answer stands on its own.
            event = dict(
                shift=self.shift,
                client_event_id=scan.id,
                at=scan.at,
                by=request.user,
                kind=scan.kind,
                walk_in=scan.walk_in,
                device=device,
            )
            if scan.volunteer_id is not None:
                result = record_pick(volunteer_id=scan.volunteer_id, **event)
            else:
                result = record_scan(token=scan.token, **event)
            results.append(result_json(scan, result))
        return JsonResponse({"results": results})


class ScanStartView(LoginRequiredMixin, TemplateView):
    """The 扫码 tab: today's and tomorrow's shifts of the teams I run, each a tap from its scanner."""

    template_name = "shifts/scan_start.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not runs_any_team(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(ensure_csrf_cookie, name="dispatch")
@method_decorator(content_security_policy(SCANNER_PAGE_POLICY), name="dispatch")
class ScannerPageView(ShiftAccessMixin, TemplateView):
    template_name = "shifts/scanner.html"
    run_only = True

    def get_context_data(self, **kwargs):
        shift = self.shift
        config = {
            "scanUrl": reverse("shifts:scan", args=[shift.pk]),
            "serviceWorkerUrl": reverse("shifts:scanner_sw"),
            "serviceWorkerScope": reverse("shifts:list"),
            "decoderUrl": static("vendor/barcode-detector/ponyfill.js"),
            "wasmUrl": static("vendor/barcode-detector/zxing_reader.wasm"),
            "styleUrls": [static("vendor/weui/weui.min.css"), static("css/app.css")],
            "strings": _scanner_strings(),
            "walkIn": scanner_rules(shift),
        }
        return super().get_context_data(
            shift=shift,
            scanner_config=config,
            roster=_pick_list(shift),
            walk_in_refusal=scanner_refusal(shift),
            **kwargs,
        )


def _pick_list(shift) -> list:
    """The roster to pick from. The page stays on the phone for offline use, so it carries
    names only; a masked phone tells apart two people of the same name."""
    roster = list(sign_in_list(shift))
    hints = namesake_hints(signup.volunteer for signup in roster)
    for signup in roster:
        signup.hint = hints.get(signup.volunteer_id, "")
    return roster


def _scanner_strings() -> dict[str, str]:
    return {
        "cameraStarting": _("Starting the camera…"),
        "cameraOn": _("Hold the QR code of the card in the frame."),
        "cameraOff": _("The camera is off."),
        "cameraStart": _("Start the camera"),
        "cameraStop": _("Stop the camera"),
        "cameraRefused": _("The camera is not allowed. Type the code printed under the QR code instead."),
        "cameraMissing": _(
            "No camera can be used here (it needs a camera and an https address). "
            "Type the code printed under the QR code instead."
        ),
        "decoderFailed": _("The QR code reader could not start. Type the code printed under the QR code instead."),
        "sending": _("Sending…"),
        "queued": _("Saved on this phone: it is sent as soon as the network is back."),
        "typeCode": _("Type the code printed under the QR code first."),
        "notACard": _("This is not a volunteer card"),
        "readJustNow": _("This card was read just now."),
        "walkIn": _("Add as walk-in"),
        "refused": _("The server refused this scan: %(error)s"),
        "signedOut": str(SIGNED_OUT),
        "unavailable": str(UNAVAILABLE),
    }


@content_security_policy(SERVICE_WORKER_POLICY)
def service_worker(request):
    """The scanner's service worker, served from /shifts/ so that its scope covers
    /shifts/<pk>/scanner/ (a worker only controls pages below its own address)."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    # Browsers check a worker for updates on each visit; never let a cache hide a new one.
    response["Cache-Control"] = "no-cache"
    return response
