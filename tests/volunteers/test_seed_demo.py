import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from shifts.demo import SERIES_TITLE
from shifts.models import Shift, ShiftSeries, Signup
from teams.models import Membership, OfficeStaff, Team
from volunteers.demo import DEMO_PASSWORD, LEADER_PHONE, STAFF_PHONE, VOLUNTEER_PHONE
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Team.objects.count(),
        Volunteer.objects.count(),
        Membership.objects.count(),
        ShiftSeries.objects.count(),
        Shift.objects.count(),
        Signup.objects.count(),
    )


def test_seed_demo_builds_the_demo_and_is_idempotent():
    call_command("seed_demo")
    counts = _counts()
    call_command("seed_demo")
    assert _counts() == counts
    assert counts[0] == 8
    assert Volunteer.objects.count() >= 200
    assert Team.objects.filter(name="六点半课堂").exists()
    assert Team.objects.filter(kind__name="党员志愿服务队").exists()
    assert counts[4] > 150 and counts[5] > 500


def test_every_demo_team_has_past_and_upcoming_shifts_with_signups():
    call_command("seed_demo")
    now = timezone.now()
    for team in Team.objects.all():
        shifts = Shift.objects.filter(team=team)
        assert shifts.filter(ends_at__lt=now).exists(), team.name
        assert shifts.filter(starts_at__gt=now).exists(), team.name
        past = Signup.objects.filter(shift__team=team, shift__ends_at__lt=now, status=Signup.Status.CONFIRMED)
        assert past.exists(), team.name
        assert not past.filter(created_at__gte=now).exists()
    assert Signup.objects.filter(shift__starts_at__gt=now, status=Signup.Status.CONFIRMED).exists()


def test_the_half_past_six_series_meets_monday_to_saturday():
    call_command("seed_demo")
    series = ShiftSeries.objects.get(title=SERIES_TITLE, team__name="六点半课堂")
    assert series.weekdays == "012345"
    shifts = Shift.objects.filter(series=series)
    days = {timezone.localtime(shift.starts_at).weekday() for shift in shifts}
    assert days == {0, 1, 2, 3, 4, 5}
    assert all(shift.occurrence_date == timezone.localdate(shift.starts_at) for shift in shifts)
    assert {f"{timezone.localtime(shift.starts_at):%H:%M}" for shift in shifts} == {"18:30"}
    now = timezone.now()
    assert shifts.filter(ends_at__lt=now).count() >= 40
    assert shifts.filter(starts_at__gt=now).count() >= 10


def test_some_upcoming_shifts_are_full_with_a_waitlist():
    call_command("seed_demo")
    counts = Shift.objects.filter(starts_at__gt=timezone.now()).annotate(
        confirmed=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED)),
    )
    full = [shift for shift in counts if shift.waiting]
    assert 2 <= len(full) <= 3
    for shift in full:
        assert shift.confirmed == shift.capacity
        assert 1 <= shift.waiting <= 3
    assert all(shift.confirmed <= shift.capacity for shift in counts)


def test_the_demo_volunteer_has_upcoming_places_and_a_waitlist_place():
    call_command("seed_demo")
    mine = Signup.objects.filter(volunteer__user__phone=VOLUNTEER_PHONE, shift__starts_at__gt=timezone.now())
    assert mine.filter(status=Signup.Status.CONFIRMED).count() >= 2
    assert mine.filter(status=Signup.Status.WAITLISTED).count() == 1
    teams = set(Membership.objects.leaders().filter(user__phone=LEADER_PHONE).values_list("team__name", flat=True))
    assert teams == {"银龄互助志愿服务队", "六点半课堂"}


def test_the_three_demo_logins_work_with_their_roles(client):
    call_command("seed_demo")
    for phone in (STAFF_PHONE, LEADER_PHONE, VOLUNTEER_PHONE):
        assert User.objects.get(phone=phone).check_password(DEMO_PASSWORD)
    assert OfficeStaff.objects.filter(user__phone=STAFF_PHONE, can_view_pii=True).exists()
    assert Membership.objects.leaders().filter(user__phone=LEADER_PHONE).exists()
    response = client.post("/accounts/login/", {"login": VOLUNTEER_PHONE[3:], "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_if_empty_leaves_a_database_with_volunteers_alone():
    call_command("seed_demo", "--if-empty")
    before = (Volunteer.objects.count(), Shift.objects.count(), Signup.objects.count())
    Volunteer.objects.filter(user__phone=VOLUNTEER_PHONE).update(real_name="改过的名字")
    call_command("seed_demo", "--if-empty")
    assert (Volunteer.objects.count(), Shift.objects.count(), Signup.objects.count()) == before


def test_past_shifts_have_attendance_and_the_ledger_holds_their_records():
    from shifts.models import Attendance, ScanEvent
    from volunteers.models import ServiceRecord

    call_command("seed_demo")
    counts = (Attendance.objects.count(), ScanEvent.objects.count(), ServiceRecord.objects.count())
    call_command("seed_demo")
    assert (Attendance.objects.count(), ScanEvent.objects.count(), ServiceRecord.objects.count()) == counts

    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert {"present", "late", "left_early", "absent", "on_leave"} <= statuses
    assert counts[2] > 1000
    posted = Attendance.objects.filter(review_state=Attendance.Review.POSTED)
    assert posted.count() == counts[2]
    assert not posted.filter(posted_record__isnull=True).exists()
    assert not Attendance.objects.filter(shift__starts_at__gt=timezone.now()).exists()
    # The demo leader has sheets still to confirm, with items to check.
    waiting = Attendance.objects.filter(
        shift__team__memberships__user__phone=LEADER_PHONE,
        shift__team__memberships__role=Membership.Role.LEADER,
        review_state=Attendance.Review.NEEDS_REVIEW,
    )
    assert waiting.exists()
    assert ScanEvent.objects.filter(method=ScanEvent.Method.MANUAL).exists()
    first = ServiceRecord.objects.order_by("service_date").first().service_date
    assert (timezone.localdate() - first).days >= 50
