from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import admin_login, password_reset_by_phone
from common.views import healthz, web_app_manifest

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="volunteers:home", permanent=False), name="root"),
    path("manifest.webmanifest", web_app_manifest, name="manifest"),
    path("healthz", healthz, name="healthz"),
    # Phone accounts reset their password with a texted login code; this replaces
    # allauth's e-mail reset page at the same address.
    path("accounts/password/reset/", password_reset_by_phone, name="account_reset_password"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("teams/", include("teams.urls")),
    path("", include("volunteers.urls")),
    path("", include("hours.urls")),
    path("", include("shifts.urls")),
    path("", include("needs.urls")),
    path("", include("civic.urls")),
    path("", include("jobs.urls")),
    # The admin signs in through the site's own login, with its rate limits.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
