"""The personal calendar feed: the page that shows its secret address, and the feed itself."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from shifts import services
from shifts.calendar_feed import build_calendar, webcal_url
from shifts.models import CalendarFeed


class CalendarFeedView(LoginRequiredMixin, TemplateView):
    """My feed's address to subscribe to, and renewing it (POST)."""

    template_name = "shifts/calendar_feed.html"

    def get_context_data(self, **kwargs):
        feed = services.calendar_feed_for(user=self.request.user)
        feed_url = self.request.build_absolute_uri(reverse("shifts:ical", args=[feed.token]))
        return super().get_context_data(feed_url=feed_url, webcal_url=webcal_url(feed_url), **kwargs)

    def post(self, request):
        services.renew_calendar_feed(user=request.user)
        messages.success(request, _("Your calendar has a new address. The old one no longer works."))
        return redirect("shifts:calendar_feed")


class IcalFeedView(View):
    """The feed for calendar apps: the token in the address is the only credential,
    since they send no session cookie."""

    def get(self, request, token):
        feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
        body = build_calendar(user=feed.user, absolute_url=request.build_absolute_uri)
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")
