from django.utils.functional import SimpleLazyObject

from accounts.notifications import unread_count

ELDER_MODE_COOKIE = "elder_mode"


def display_preferences(request):
    return {"elder_mode": request.COOKIES.get(ELDER_MODE_COOKIE) == "1"}


def notifications(request):
    """The unread count in the menu; asked only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
