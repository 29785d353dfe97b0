"""Self check-in with the shift's rotating code (shifts/self_checkin.py and its pages)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts import self_checkin
from shifts.models import Attendance, ScanEvent, Signup
from tests.factories import ShiftFactory, volunteer_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 6, 9, 0, 30, tzinfo=datetime.UTC)


def test_the_code_changes_every_minute_and_the_previous_one_still_works():
    code = self_checkin.current_code(7, NOW)
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert self_checkin.current_code(7, NOW + datetime.timedelta(seconds=29)) == code
    assert self_checkin.current_code(7, NOW + datetime.timedelta(seconds=30)) != code
    assert self_checkin.code_is_valid(7, code, NOW)
    assert self_checkin.code_is_valid(7, code.lower(), NOW + datetime.timedelta(seconds=60))
    assert not self_checkin.code_is_valid(7, code, NOW + datetime.timedelta(seconds=90))
    assert not self_checkin.code_is_valid(8, code, NOW)  # another shift's
    assert not self_checkin.code_is_valid(7, "not-a-code", NOW)
    assert not self_checkin.code_is_valid(7, "", NOW)
    assert self_checkin.seconds_left(NOW) == 30


@pytest.fixture
def running():
    start = timezone.now() - datetime.timedelta(minutes=20)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=5)


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def self_url(shift, code=None):
    return reverse("shifts:self_check", args=[shift.pk, code or self_checkin.current_code(shift.pk)])


def test_a_volunteer_on_the_roster_checks_in_then_out(running, client_for):
    volunteer = on_roster(running)
    client = client_for(volunteer.user)

    page = client.get(self_url(running))
    assert page.status_code == 200 and b'data-testid="self-check-confirm"' in page.content
    response = client.post(self_url(running), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == running.get_absolute_url()
    assert volunteer.real_name in response.content.decode()

    event = ScanEvent.objects.get()
    assert (event.kind, event.method, event.by) == ("in", "self", volunteer.user)
    assert event.client_event_id.startswith("self-")
    # The same tap a few seconds later is the same scan, not a check-out.
    client.post(self_url(running))
    assert ScanEvent.objects.count() == 1


def test_an_expired_code_or_another_shifts_code_writes_nothing(running, client_for):
    volunteer = on_roster(running)
    client = client_for(volunteer.user)
    old = self_checkin.code_for(running.pk, self_checkin.window_of(timezone.now()) - 3)
    other = self_checkin.current_code(running.pk + 1)

    for code in (old, other):
        page = client.get(self_url(running, code))
        assert b'data-testid="self-check-expired"' in page.content
        assert b'data-testid="self-check-confirm"' not in page.content
        response = client.post(self_url(running, code), follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "expired" in response.content.decode()
    assert not ScanEvent.objects.exists() and not Attendance.objects.exists()


def test_someone_not_on_the_roster_is_told_and_nothing_is_written(running, client_for):
    member = volunteer_in(running.team)
    response = client_for(member.user).post(self_url(running), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "not on the roster" in response.content.decode()
    assert not ScanEvent.objects.exists()


def test_outside_the_shifts_times_nothing_is_written(client_for):
    later = ShiftFactory()  # in two days
    volunteer = on_roster(later)
    response = client_for(volunteer.user).post(self_url(later), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Outside the check-in and check-out times" in response.content.decode()
    assert not ScanEvent.objects.exists()


def test_the_leaders_page_shows_a_qr_of_the_current_address_and_renews_itself(running, client_for):
    leader = volunteer_in(running.team, role="leader")
    response = client_for(leader.user).get(reverse("shifts:self_code", args=[running.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and self_checkin.current_code(running.pk) in html
    assert 'http-equiv="refresh"' in html
    assert response["Cache-Control"] == "no-store"
    member = volunteer_in(running.team)
    assert client_for(member.user).get(reverse("shifts:self_code", args=[running.pk])).status_code == 404


def test_the_self_check_page_asks_for_a_login(running, client):
    response = client.get(self_url(running))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
