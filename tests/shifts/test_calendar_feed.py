import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.calendar_feed import shift_uid
from shifts.models import CalendarFeed, Signup
from shifts.services import calendar_feed_for, renew_calendar_feed
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def feed_url(user) -> str:
    return reverse("shifts:ical", args=[calendar_feed_for(user=user).token])


def fetch(url: str) -> icalendar.Calendar:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def confirmed(shift, volunteer) -> Signup:
    return Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)


def test_the_feed_lists_exactly_my_confirmed_live_shifts():
    team = TeamFactory()
    me, someone_else = volunteer_in(team), volunteer_in(team)
    mine = ShiftFactory(team=team, title="六点半课堂", place="社区活动室", content="辅导作业")
    last_month = ShiftFactory(team=team, starts_at=timezone.now() - datetime.timedelta(days=30))
    for shift in (mine, last_month):
        confirmed(shift, me)
    waitlisted = ShiftFactory(team=team)
    Signup.objects.create(shift=waitlisted, volunteer=me, status=Signup.Status.WAITLISTED)
    cancelled_signup = ShiftFactory(team=team)
    Signup.objects.create(shift=cancelled_signup, volunteer=me, status=Signup.Status.CANCELLED)
    confirmed(ShiftFactory(team=team, is_cancelled=True), me)
    confirmed(ShiftFactory(team=team, starts_at=timezone.now() - datetime.timedelta(days=90)), me)
    confirmed(ShiftFactory(team=team), someone_else)

    calendar = fetch(feed_url(me.user))

    assert [event.uid for event in calendar.events] == [shift_uid(last_month), shift_uid(mine)]
    event = calendar.events[1]
    assert event["SUMMARY"] == "六点半课堂"
    assert event["LOCATION"] == "社区活动室"
    assert "辅导作业" in event["DESCRIPTION"] and team.name in event["DESCRIPTION"]
    assert event["URL"] == f"http://testserver{mine.get_absolute_url()}"
    assert event.DTSTAMP is not None
    assert calendar["X-WR-CALNAME"]
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"


def test_times_round_trip_through_the_feed_including_past_midnight():
    volunteer = volunteer_in(TeamFactory())
    starts = datetime.datetime(2031, 3, 14, 22, 30, tzinfo=SHANGHAI)
    shift = ShiftFactory(
        team=volunteer.user.memberships.get().team, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    confirmed(shift, volunteer)

    event = fetch(feed_url(volunteer.user)).events[0]

    assert event.start == starts
    assert event.end == datetime.datetime(2031, 3, 15, 1, 30, tzinfo=SHANGHAI)
    assert event.end - event.start == datetime.timedelta(hours=3)
    assert event.start.utcoffset() == datetime.timedelta(hours=8)


def test_the_uid_stays_the_same_across_fetches_and_hosts():
    volunteer = volunteer_in(TeamFactory())
    confirmed(ShiftFactory(team=volunteer.user.memberships.get().team), volunteer)
    url = feed_url(volunteer.user)

    first = icalendar.Calendar.from_ical(Client().get(url).content)
    second = icalendar.Calendar.from_ical(Client(HTTP_HOST="127.0.0.1").get(url).content)

    assert first.events[0].uid == second.events[0].uid


def test_anyone_with_the_address_gets_the_feed_without_logging_in(client):
    volunteer = volunteer_in(TeamFactory())
    confirmed(ShiftFactory(team=volunteer.user.memberships.get().team, title="河道巡护"), volunteer)

    response = client.get(feed_url(volunteer.user))

    assert response.status_code == 200
    assert "河道巡护" in response.content.decode()
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 32])
def test_a_wrong_token_is_not_found(client, token):
    calendar_feed_for(user=volunteer_in(TeamFactory()).user)

    assert client.get(reverse("shifts:ical", args=[token])).status_code == 404


def test_renewing_revokes_the_old_address(client):
    user = volunteer_in(TeamFactory()).user
    old_url = feed_url(user)

    renewed = renew_calendar_feed(user=user)

    assert client.get(old_url).status_code == 404
    assert client.get(reverse("shifts:ical", args=[renewed.token])).status_code == 200
    assert CalendarFeed.objects.filter(user=user).count() == 1


def test_a_deactivated_persons_feed_is_not_found(client):
    user = volunteer_in(TeamFactory()).user
    url = feed_url(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.get(url).status_code == 404


def test_the_feed_asks_the_same_number_of_queries_for_10_or_50_shifts():
    team = TeamFactory()
    volunteer = volunteer_in(team)
    url = feed_url(volunteer.user)

    def queries_and_events() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            events = len(fetch(url).events)
        return len(queries), events

    for shift in ShiftFactory.create_batch(10, team=team):
        confirmed(shift, volunteer)
    few, ten = queries_and_events()
    for shift in ShiftFactory.create_batch(40, team=team):
        confirmed(shift, volunteer)
    many, fifty = queries_and_events()

    assert (ten, fifty) == (10, 50)
    assert many == few


def test_the_calendar_page_requires_login(client):
    url = reverse("shifts:calendar_feed")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(url).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_shows_my_address_as_a_link_and_for_calendar_apps(client_for):
    user = volunteer_in(TeamFactory()).user

    page = client_for(user).get(reverse("shifts:calendar_feed"))

    token = CalendarFeed.objects.get(user=user).token
    path = reverse("shifts:ical", args=[token])
    assert page.context["feed_url"] == f"http://testserver{path}"
    assert page.context["webcal_url"] == f"webcal://testserver{path}"
    content = page.content.decode()
    assert f"webcal://testserver{path}" in content and f"http://testserver{path}" in content


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("zh-hans", ["iPhone", "华为", "小米", "OPPO", "vivo", "Outlook", "微信"]),
        ("en", ["iPhone", "Huawei", "Xiaomi", "OPPO", "vivo", "Outlook", "WeChat"]),
    ],
)
def test_the_help_names_calendars_that_work_in_mainland_china(client_for, language, names):
    """Issue 14: Google Calendar cannot be reached there; the phone's own calendar and Outlook can."""
    page = client_for(volunteer_in(TeamFactory()).user).get(
        reverse("shifts:calendar_feed"), HTTP_ACCEPT_LANGUAGE=language
    )
    help_text = page.content.decode().split('data-testid="how-to-subscribe"')[1]
    assert all(name in help_text for name in names)
    assert "Google" not in page.content.decode() and "谷歌" not in page.content.decode()


def test_renewing_from_the_page_needs_the_csrf_token_and_changes_the_address():
    user = volunteer_in(TeamFactory()).user
    old_token = calendar_feed_for(user=user).token
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("shifts:calendar_feed")

    assert client.post(url).status_code == 403
    assert CalendarFeed.objects.get(user=user).token == old_token

    client.get(url)  # sets the CSRF cookie
    response = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert response.status_code == 302 and response["Location"] == url
    assert CalendarFeed.objects.get(user=user).token != old_token


def test_my_shifts_links_to_the_calendar_page(client_for):
    page = client_for(volunteer_in(TeamFactory()).user).get(reverse("shifts:mine"))

    assert reverse("shifts:calendar_feed") in page.content.decode()


def test_an_event_names_the_shifts_break():
    team = TeamFactory()
    me = volunteer_in(team)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    shift = ShiftFactory(team=team, starts_at=start, ends_at=start + datetime.timedelta(hours=8))
    shift.break_starts_at = start + datetime.timedelta(hours=3)
    shift.break_ends_at = start + datetime.timedelta(hours=4)
    shift.save()
    confirmed(shift, me)
    wall = ZoneInfo("Asia/Shanghai")

    description = str(fetch(feed_url(me.user)).events[0]["DESCRIPTION"])

    assert f"{shift.break_starts_at.astimezone(wall):%H:%M}–{shift.break_ends_at.astimezone(wall):%H:%M}" in description
    assert team.name in description
