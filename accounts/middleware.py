from allauth.core.exceptions import RateLimited
from allauth.core.internal.ratelimit import respond_429


class RateLimitedMiddleware:
    """allauth raises RateLimited from inside some flows (a second signup for the same
    number within 30 seconds, say) instead of answering 429; answer it here so that
    a double tap on "sign up" shows a friendly page, not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return respond_429(request)
        return None


class NoStoreForSignedInMiddleware:
    """Pages for someone signed in may hold personal data or a card's code: no shared or
    back-button cache keeps them (Cache-Control: no-store), on a phone passed around at
    the venue least of all. Static files and public pages are left to their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        return response
