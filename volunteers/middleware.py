from django.shortcuts import redirect

from teams.permissions import grants_for
from volunteers.selectors import profile_for

# Pages a signed-in user without a profile may still open. The calendar feed answers
# for its token, whoever's browser happens to fetch it.
EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/preferences/",
    "/admin/",
    "/me/profile/",
    "/favicon",
    "/calendar/",
    "/verify/",  # a certificate's public verification page
    "/healthz",  # asked by machines
)


class ProfileRequiredMiddleware:
    """After signing up, a volunteer completes the profile before anything else.

    Office staff and grid workers work without a volunteer profile: they are not volunteers by role. A view
    that answers machines, not people (the scanner's JSON endpoint), sets
    `profile_not_required`: a redirect to a form means nothing to it, and it checks its
    own access.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_superuser
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not getattr(getattr(view_func, "view_class", view_func), "profile_not_required", False)
            and profile_for(user) is None
            and not (grants_for(user).is_staff_somewhere or grants_for(user).grid_posts)
        ):
            return redirect("volunteers:profile")
        return None
