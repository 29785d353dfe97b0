"""Self check-in with the shift's rotating code (shifts/self_checkin.py and its pages)."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts import self_checkin
from shifts.models import Attendance, ScanEvent, Signup
from tests.factories import PASSWORD, ShiftFactory, volunteer_in

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
    assert (event.kind, event.method, event.by) == ("auto", "self", volunteer.user)
    assert event.client_event_id.startswith("self-")
    # The same tap a few seconds later is a repeat (kept), not a check-out.
    client.post(self_url(running))
    assert list(ScanEvent.objects.values_list("outcome", flat=True)) == ["checked_in", "repeat"]
    assert Attendance.objects.get().status == Attendance.Status.CHECKED_IN


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


# ------------------------------------------------ a code opened before signing in


class Clock:
    """timezone.now(), held still and moved on by hand: the code rotates while someone logs in."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def login_page_for(url):
    return f"{reverse('account_login')}?{urlencode({'next': url}, safe='/')}"


def log_in_with_password(client, volunteer, next_url):
    response = client.post(login_page_for(next_url), {"login": volunteer.user.phone[3:], "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def log_in_with_a_texted_code(client, volunteer, next_url, sms_outbox):
    start = f"{reverse('account_request_login_code')}?{urlencode({'next': next_url}, safe='/')}"
    response = client.post(start, {"phone": volunteer.user.phone[3:]})
    assert response.status_code == 302 and sms_outbox[-1][0] == volunteer.user.phone
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}|\d{6}", sms_outbox[-1][1])[0]
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("log_in", ["password", "texted code"])
def test_a_code_opened_before_signing_in_checks_in_after_the_login_at_the_opening_time(
    running, client, clock, sms_outbox, log_in
):
    volunteer = on_roster(running)
    url = self_url(running)
    opened_at = clock.now

    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == login_page_for(url)
    # The login is slow: the code on the leader's screen has turned over several times.
    clock.advance(minutes=6)
    assert not self_checkin.code_is_valid(running.pk, url.split("/")[-2])
    if log_in == "password":
        back = log_in_with_password(client, volunteer, url)
    else:
        back = log_in_with_a_texted_code(client, volunteer, url, sms_outbox)
    assert back == url and client.session["_auth_user_id"] == str(volunteer.user.pk)

    page = client.get(back)
    assert b'data-testid="self-check-confirm"' in page.content
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "expired" not in response.content.decode()
    event = ScanEvent.objects.get()
    assert (event.kind, event.method, event.by, event.at) == ("auto", "self", volunteer.user, opened_at)

    # Used once: the same address again is an expired code, not a second scan.
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "expired" in response.content.decode()
    assert b'data-testid="self-check-expired"' in client.get(url).content
    assert ScanEvent.objects.count() == 1


def test_a_signed_in_volunteer_who_takes_a_while_to_tap_still_checks_in_at_the_opening_time(running, client_for, clock):
    volunteer = on_roster(running)
    client = client_for(volunteer.user)
    url = self_url(running)
    opened_at = clock.now
    assert b'data-testid="self-check-confirm"' in client.get(url).content

    clock.advance(minutes=6)  # the code on the leader's screen has turned over meanwhile
    client.post(url)

    event = ScanEvent.objects.get()
    assert (event.kind, event.at) == ("auto", opened_at)


def test_opening_the_code_again_on_the_way_keeps_the_first_opening(running, client, clock):
    volunteer = on_roster(running)
    url = self_url(running)
    opened_at = clock.now
    client.get(url)
    clock.advance(minutes=3)  # back from the login page, then on again
    assert client.get(url)["Location"] == login_page_for(url)

    client.force_login(volunteer.user)
    client.post(url)
    assert ScanEvent.objects.get().at == opened_at


@pytest.mark.parametrize(("minutes", "checked_in"), [(14, True), (16, False)])
def test_a_pending_check_in_counts_for_a_quarter_of_an_hour(running, client, clock, minutes, checked_in):
    volunteer = on_roster(running)
    url = self_url(running)
    client.get(url)
    clock.advance(minutes=minutes)
    client.force_login(volunteer.user)

    page = client.get(url)
    assert (b'data-testid="self-check-confirm"' in page.content) is checked_in
    assert (b'data-testid="self-check-expired"' in page.content) is not checked_in
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert ("expired or is not for this shift" in response.content.decode()) is not checked_in
    assert ScanEvent.objects.exists() is checked_in


def test_an_expired_forged_or_other_shifts_code_is_refused_before_any_login(running, client, clock):
    volunteer = on_roster(running)
    expired = self_checkin.code_for(running.pk, self_checkin.window_of(clock.now) - 3)
    forged = "ABCDEFGH"
    other = self_checkin.current_code(running.pk + 1)

    for code in (expired, forged, other):
        response = client.get(self_url(running, code), HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200, code  # no detour through the login
        assert 'data-testid="self-check-expired"' in html and 'data-testid="self-check-confirm"' not in html
        assert running.title not in html and running.place not in html  # who is asking is unknown
        assert self_checkin.PENDING_KEY not in client.session
        assert client.post(self_url(running, code)).status_code == 200

    client.force_login(volunteer.user)
    for code in (expired, forged, other):
        response = client.post(self_url(running, code), follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "expired or is not for this shift" in response.content.decode()
    assert not ScanEvent.objects.exists() and not Attendance.objects.exists()


def test_a_pending_check_in_for_one_shift_is_no_use_at_another(running, client, clock):
    other = ShiftFactory(starts_at=running.starts_at, ends_at=running.ends_at, team=running.team)
    volunteer = on_roster(running)
    Signup.objects.create(shift=other, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    code = self_checkin.current_code(running.pk)
    client.get(self_url(running, code))
    other_code_then = self_checkin.current_code(other.pk)
    clock.advance(minutes=3)
    client.force_login(volunteer.user)

    for url in (self_url(other, code), self_url(other, other_code_then)):
        assert b'data-testid="self-check-expired"' in client.get(url).content
        response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert "expired or is not for this shift" in response.content.decode()
    assert not ScanEvent.objects.exists()

    # Still there for the shift it was opened for.
    client.post(self_url(running, code))
    assert ScanEvent.objects.get().attendance.shift == running
