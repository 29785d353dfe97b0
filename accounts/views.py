import time
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django_tables2 import SingleTableView

from accounts.context_processors import ELDER_MODE_COOKIE
from accounts.models import Notification
from accounts.notifications import mark_all_read
from accounts.tables import NotificationTable

ONE_YEAR = 60 * 60 * 24 * 365


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
def set_elder_mode(request):
    """Elder mode (长辈版) is a display choice, open to everyone and kept in a cookie."""
    response = HttpResponseRedirect(_safe_next(request, reverse("volunteers:home")))
    response.set_cookie(
        ELDER_MODE_COOKIE,
        "1" if request.POST.get("on") == "1" else "0",
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
    )
    return response


def password_reset_by_phone(request):
    """Password reset by phone: log in with a texted code, then set a new password."""
    return HttpResponseRedirect(f"{reverse('account_request_login_code')}?next={reverse('new_password')}")


# A texted code proves the phone for this long: then a new password needs no old one.
CODE_PROVES_FOR = 15 * 60


def signed_in_by_code_just_now(request) -> bool:
    records = get_authentication_records(request, request.user)
    latest = records[-1] if records else {}
    return latest.get("method") == "code" and time.time() - latest.get("at", 0) < CODE_PROVES_FOR


class NewPasswordView(LoginRequiredMixin, FormView):
    """The end of a reset by phone: whoever just signed in with a texted code sets a new
    password without the old one they have forgotten. Anyone else changes it the usual way."""

    form_class = SetPasswordForm
    template_name = "accounts/new_password.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not signed_in_by_code_just_now(request):
            return redirect("account_change_password")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your new password is set."))
        return redirect("volunteers:home")


class NotificationListView(LoginRequiredMixin, SingleTableView):
    """My notifications; opening the list marks them read."""

    table_class = NotificationTable
    template_name = "accounts/notifications.html"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.render()
        mark_all_read(request.user)
        return response


def admin_login(request):
    """The admin's sign-in is the site's own, with its rate limits: the admin's form has none.
    Someone signed in without admin rights finds no admin here."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise Http404
        return HttpResponseRedirect(next_url or reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url or reverse('admin:index')})}")
