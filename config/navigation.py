"""The phone's bottom tab bar (首页 / 排班 / 扫码 / 我的): which tab a page belongs to, and its back arrow."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from teams.permissions import runs_any_team

# Pages are filed under a tab by their URL namespace or name; anything else is under 我的.
HOME_PAGES = {"volunteers:home"}
SCAN_PAGES = {"shifts:scan_start", "shifts:scanner", "shifts:attendance", "shifts:self_code"}
SHIFT_NAMESPACES = {"shifts"}
OFFICE_PAGES_NAMESPACES = {"hours"}
OWN_HOURS_PAGES = {"hours:my_hours", "hours:correction_request", "hours:backfill_request", "hours:my_certificate"}
TAB_ROOTS = {
    "home": "volunteers:home",
    "shifts": "shifts:list",
    "scan": "shifts:scan_start",
    "me": "volunteers:me",
}


def tab_of(view_name: str) -> str:
    namespace = view_name.split(":", 1)[0]
    if view_name in HOME_PAGES:
        return "home"
    if view_name in SCAN_PAGES:
        return "scan"
    if namespace in SHIFT_NAMESPACES and view_name != "shifts:mine":
        return "shifts"
    if namespace in OFFICE_PAGES_NAMESPACES and view_name not in OWN_HOURS_PAGES:
        return "home"
    return "me"


def navigation(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return {}
    view_name = match.view_name
    tab = tab_of(view_name)
    root = TAB_ROOTS[tab]
    return {
        "nav_tab": tab,
        # A tab's own page has no back arrow; every other page goes back to its tab.
        "nav_back_url": "" if view_name == root else reverse(root),
        "nav_scans": SimpleLazyObject(lambda: runs_any_team(user)),
    }
