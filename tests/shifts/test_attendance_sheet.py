"""The leader's attendance sheet: the table, marks, walk-ins and confirming (shifts/views_attendance.py)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours.models import ServiceRecord
from shifts.marks import mark_present
from shifts.models import Attendance, Signup
from tests.factories import ShiftFactory, volunteer_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift():
    start = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=4)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(minutes=150), capacity=50)


@pytest.fixture
def leader(shift):
    return volunteer_in(shift.team, role="leader").user


@pytest.fixture
def client(shift, leader, client_for):
    return client_for(leader)


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def sheet_url(shift):
    return reverse("shifts:attendance", args=[shift.pk])


def post(client, name, shift, data):
    return client.post(reverse(name, args=[shift.pk]), data, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def test_the_sheet_shows_everyone_with_masked_phones_times_and_flags(client, shift, leader):
    present, short, waiting = on_roster(shift), on_roster(shift), on_roster(shift)
    mark_present(shift=shift, volunteer=present, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    mark_present(
        shift=shift,
        volunteer=short,
        checked_in=shift.starts_at,
        checked_out=shift.starts_at + datetime.timedelta(minutes=40),
        by=leader,
    )

    html = client.get(sheet_url(shift), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for person in (present, short, waiting):
        assert person.real_name in html and person.user.masked_phone in html
        assert person.user.phone[3:] not in html
    start = timezone.localtime(shift.starts_at)
    assert f"{start:%H:%M}" in html and "2.5 h" in html
    assert "Under 60% of the time" in html and "Not marked" in html


def test_the_sheet_is_for_those_who_run_the_team(shift, client_for):
    member = volunteer_in(shift.team)
    assert client_for(member.user).get(sheet_url(shift)).status_code == 404


def test_the_shift_page_links_to_the_sheet_for_leaders_only(client, shift, client_for):
    assert sheet_url(shift) in client.get(shift.get_absolute_url()).content.decode()
    member = volunteer_in(shift.team)
    assert sheet_url(shift) not in client_for(member.user).get(shift.get_absolute_url()).content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(shift, leader, how_many):
    for number in range(how_many):
        volunteer = on_roster(shift)
        if number % 3 == 0:
            mark_present(
                shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader
            )


def test_the_sheet_asks_the_same_number_of_queries_for_3_or_30_people(client, shift, leader):
    url = sheet_url(shift)
    _fill(shift, leader, 3)
    client.get(url)
    few = _queries(client, url)
    _fill(shift, leader, 27)
    assert _queries(client, url) == few


def test_marking_through_the_sheet(client, shift):
    volunteer = on_roster(shift)
    start = timezone.localtime(shift.starts_at)
    data = {"volunteer": volunteer.pk, "action": "present", "checked_in": f"{start:%H:%M}", "checked_out": ""}

    # Three hours after the end is past the check-out window whatever the time of day.
    too_late = timezone.localtime(shift.ends_at + datetime.timedelta(hours=3))
    response = post(client, "shifts:attendance_mark", shift, {**data, "checked_out": f"{too_late:%H:%M}"})
    assert "Check-out must be between" in response.content.decode()
    response = post(
        client, "shifts:attendance_mark", shift, {**data, "checked_out": f"{timezone.localtime(shift.ends_at):%H:%M}"}
    )
    assert f"{volunteer.real_name}: saved." in response.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.credited_minutes) == (Attendance.Status.PRESENT, 150)

    missing = post(client, "shifts:attendance_mark", shift, {"volunteer": on_roster(shift).pk, "action": "present"})
    assert "Give the check-in time." in missing.content.decode()


def test_on_leave_through_the_sheet(client, shift):
    volunteer = on_roster(shift)
    post(client, "shifts:attendance_mark", shift, {"volunteer": volunteer.pk, "action": "on_leave"})
    assert Attendance.objects.get().status == Attendance.Status.ON_LEAVE


def test_adding_a_walk_in_member(client, shift):
    member = volunteer_in(shift.team)
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    data = {"volunteer": member.pk, "checked_in": f"{start:%H:%M}", "checked_out": f"{end:%H:%M}"}

    response = post(client, "shifts:attendance_walk_in", shift, data)

    assert "added as a walk-in" in response.content.decode()
    attendance = Attendance.objects.get()
    assert attendance.is_walk_in and attendance.credited_minutes == 150
    assert "walk-in" in client.get(sheet_url(shift), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_confirm_posts_and_says_who_still_waits(client, shift, leader):
    on_time, never_out = on_roster(shift), on_roster(shift)
    mark_present(shift=shift, volunteer=on_time, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    mark_present(
        shift=shift, volunteer=never_out, checked_in=shift.starts_at, checked_out=None, by=leader, now=shift.starts_at
    )

    html = post(client, "shifts:attendance_confirm", shift, {}).content.decode()

    assert "1 record posted to the ledger." in html
    assert f"Still waiting: {never_out.real_name} (Not signed out)" in html
    assert ServiceRecord.objects.get().volunteer == on_time
    assert post(client, "shifts:attendance_confirm", shift, {}).status_code == 200
    assert ServiceRecord.objects.count() == 1


def test_confirm_before_the_end_is_refused(client, leader):
    running = ShiftFactory(team=leader.memberships.get().team, starts_at=timezone.now() - datetime.timedelta(hours=1))
    html = post(client, "shifts:attendance_confirm", running, {}).content.decode()
    assert "has not ended yet" in html


def test_a_sheet_past_the_posting_days_links_a_backfill_filled_in_with_the_shift(client_for):
    """Rule 7: more than 10 working days after the shift, missing time comes in as a backfill;
    the sheet opens the team's backfill form with the shift's date, times and net hours."""
    start = timezone.localtime(timezone.now() - datetime.timedelta(days=28)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    old = ShiftFactory(title="敬老院探访", place="幸福院", starts_at=start, ends_at=start + datetime.timedelta(hours=4))
    old.break_starts_at, old.break_ends_at = start + datetime.timedelta(hours=2), start + datetime.timedelta(hours=3)
    old.save()
    leader = volunteer_in(old.team, role="leader")
    client = client_for(leader.user)

    sheet = client.get(reverse("shifts:attendance", args=[old.pk]))
    link = re.search(r'href="([^"]+)" data-testid="backfill-link"', sheet.content.decode())[1].replace("&amp;", "&")
    form = client.get(link).context["form"]

    assert link.startswith(reverse("hours:backfill_request", args=[old.team_id]))
    fields = ("service_date", "start_time", "end_time", "break_minutes", "activity", "hours")
    assert {name: form[name].value() for name in fields} == {
        "service_date": f"{start:%Y-%m-%d}",
        "start_time": "09:00",
        "end_time": "13:00",
        "break_minutes": "60",
        "activity": "敬老院探访",
        "hours": "3",
    }


def test_a_sheet_still_open_for_posting_has_no_backfill_link(client, shift):
    html = client.get(reverse("shifts:attendance", args=[shift.pk])).content.decode()
    assert 'data-testid="backfill-link"' not in html
