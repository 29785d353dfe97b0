import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from shifts import series as series_services
from shifts.models import Shift, ShiftSeries, Signup
from shifts.services import sign_up, update_shift
from teams.models import Membership
from tests.factories import TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 3, 1)


def six_thirty_class(team, **overrides) -> ShiftSeries:
    values = {
        "team": team,
        "title": "六点半课堂",
        "place": "社区活动室",
        "weekdays": "012345",
        "start_time": datetime.time(18, 30),
        "end_time": datetime.time(20, 0),
        "first_date": MONDAY,
        "last_date": datetime.date(2027, 6, 30),
        "skip_dates": ["2027-03-03"],
        "capacity": 6,
        "cancel_deadline_minutes": 120,
    }
    values.update(overrides)
    return ShiftSeries(**values)


def at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def test_a_series_materialises_monday_to_saturday_for_the_window_skipping_days_off(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 13
    series = series_services.create_series(series=six_thirty_class(TeamFactory()), today=MONDAY)
    dates = list(series.shifts.order_by("starts_at").values_list("occurrence_date", flat=True))
    expected = [MONDAY + datetime.timedelta(days=n) for n in range(14)]
    expected = [day for day in expected if day.weekday() < 6 and day != datetime.date(2027, 3, 3)]
    assert dates == expected
    first = series.shifts.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).time() == datetime.time(18, 30)
    assert first.duration_minutes == 90
    assert first.cancel_deadline == first.starts_at - datetime.timedelta(hours=2)


def test_topping_up_adds_the_next_days_once(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 6
    series = series_services.create_series(series=six_thirty_class(TeamFactory(), skip_dates=[]), today=MONDAY)
    assert series.shifts.count() == 6
    later = MONDAY + datetime.timedelta(days=7)
    assert series_services.top_up_all(today=later) == 6
    assert series_services.top_up_all(today=later) == 0
    assert series.shifts.count() == 12


def test_the_command_tops_up_running_series(settings):
    today = timezone.localdate()
    settings.SHIFT_SERIES_WINDOW_DAYS = 6
    series = series_services.create_series(
        series=six_thirty_class(TeamFactory(), first_date=today, last_date=today + datetime.timedelta(days=60))
    )
    before = series.shifts.count()
    settings.SHIFT_SERIES_WINDOW_DAYS = 13
    call_command("materialise_series")
    assert series.shifts.count() > before


def test_a_series_past_midnight_ends_the_next_day(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 0
    night = six_thirty_class(
        TeamFactory(), weekdays="0", start_time=datetime.time(22), end_time=datetime.time(2), skip_dates=[]
    )
    shift = series_services.create_series(series=night, today=MONDAY).shifts.get()
    assert timezone.localdate(shift.ends_at) == MONDAY + datetime.timedelta(days=1)
    assert shift.duration_minutes == 240


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weekdays": ""}, "weekdays"),
        ({"last_date": datetime.date(2028, 3, 1)}, "last_date"),
        ({"last_date": datetime.date(2027, 2, 1)}, "last_date"),
        ({"end_time": datetime.time(18, 30)}, "end_time"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_bad_series_are_refused(overrides, field):
    with pytest.raises(ValidationError) as refused:
        series_services.create_series(series=six_thirty_class(TeamFactory(), **overrides), today=MONDAY)
    assert field in refused.value.message_dict
    assert not Shift.objects.exists()


def test_editing_the_series_changes_future_shifts_only(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 13
    team = TeamFactory()
    series = series_services.create_series(series=six_thirty_class(team, skip_dates=[]), today=MONDAY)
    shifts = list(series.shifts.order_by("starts_at"))
    past, edited_alone, signed_up = shifts[0], shifts[3], shifts[4]
    edited_alone.place = "学校图书馆"
    update_shift(shift=edited_alone, changed=["place"])
    volunteer = volunteer_in(team)
    sign_up(shift=signed_up, volunteer=volunteer, now=at(MONDAY))

    series.start_time = datetime.time(19, 0)
    series.place = "新活动室"
    series_services.update_series(series=series, now=at(MONDAY + datetime.timedelta(days=1), hour=12))

    past.refresh_from_db()
    edited_alone.refresh_from_db()
    signed_up.refresh_from_db()
    assert timezone.localtime(past.starts_at).time() == datetime.time(18, 30)
    assert edited_alone.place == "学校图书馆"
    assert signed_up.place == "新活动室"
    assert timezone.localtime(signed_up.starts_at).time() == datetime.time(19, 0)
    assert Notification.objects.filter(user=volunteer.user).exists()


def test_dropping_a_weekday_cancels_those_future_shifts_and_tells_people(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 13
    team = TeamFactory()
    series = series_services.create_series(series=six_thirty_class(team, skip_dates=[]), today=MONDAY)
    saturdays = list(series.shifts.filter(occurrence_date__week_day=7).order_by("starts_at"))
    volunteer = volunteer_in(team)
    sign_up(shift=saturdays[0], volunteer=volunteer, now=at(MONDAY))

    series.weekdays = "01234"
    series_services.update_series(series=series, now=at(MONDAY))

    saturdays[0].refresh_from_db()
    assert saturdays[0].is_cancelled
    assert not Shift.objects.filter(pk=saturdays[1].pk).exists()  # nobody had signed up
    assert Signup.objects.get(volunteer=volunteer).shift == saturdays[0]
    assert Notification.objects.filter(user=volunteer.user).exists()


def test_a_leader_creates_a_series_from_the_form(client_for, settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 13
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    today = timezone.localdate()
    response = client_for(leader.user).post(
        reverse("shifts:series_create", args=[team.pk]),
        {
            "title": "六点半课堂",
            "place": "社区活动室",
            "weekdays": ["0", "1", "2", "3", "4", "5"],
            "start_time": "18:30",
            "end_time": "20:00",
            "first_date": today.isoformat(),
            "last_date": (today + datetime.timedelta(days=100)).isoformat(),
            "skip_dates": f"{(today + datetime.timedelta(days=2)).isoformat()}，bad",
            "capacity": 6,
            "signup_closes_minutes": 0,
            "cancel_deadline_minutes": 120,
        },
    )
    assert response.status_code == 200
    assert "skip_dates" in response.context["form"].errors

    response = client_for(leader.user).post(
        reverse("shifts:series_create", args=[team.pk]),
        {
            "title": "六点半课堂",
            "place": "社区活动室",
            "weekdays": ["0", "1", "2", "3", "4", "5"],
            "start_time": "18:30",
            "end_time": "20:00",
            "first_date": today.isoformat(),
            "last_date": (today + datetime.timedelta(days=100)).isoformat(),
            "skip_dates": (today + datetime.timedelta(days=2)).isoformat(),
            "capacity": 6,
            "signup_closes_minutes": 0,
            "cancel_deadline_minutes": 120,
        },
    )
    series = ShiftSeries.objects.get()
    assert response.url == reverse("shifts:series_edit", args=[series.pk])
    assert series.weekdays == "012345"
    assert series.shifts.exists()
    assert not series.shifts.filter(occurrence_date=today + datetime.timedelta(days=2)).exists()


def test_a_member_cannot_edit_the_series(client_for, settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 6
    team = TeamFactory()
    series = series_services.create_series(series=six_thirty_class(team), today=MONDAY)
    member = volunteer_in(team)
    assert client_for(member.user).get(reverse("shifts:series_edit", args=[series.pk])).status_code == 404
    assert client_for(member.user).get(reverse("shifts:series_create", args=[team.pk])).status_code == 404
