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
