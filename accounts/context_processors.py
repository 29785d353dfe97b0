ELDER_MODE_COOKIE = "elder_mode"


def display_preferences(request):
    return {"elder_mode": request.COOKIES.get(ELDER_MODE_COOKIE) == "1"}
