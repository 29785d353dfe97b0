"""DESIGN rule 6: rest and meals are not service time; meetings and duty are not volunteer
service. The break and the service flag on shifts and series, their forms, and every path
that credits or posts (the crediting itself is tabled in test_crediting.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from hours import ledger
from hours.models import ServiceRecord
from shifts import series as series_services
from shifts.attendance import close_unfinished
from shifts.forms import SeriesForm, ShiftForm
from shifts.marks import mark_present
from shifts.models import Attendance, Shift, ShiftSeries, Signup
from shifts.posting import confirm_sheet, post_attendance, post_finished_shifts
from shifts.scanning import record_scan
from shifts.services import sign_up, update_shift
from tests.factories import ShiftFactory, TeamFactory, volunteer_in
from tests.shifts.test_scan_api import QUERIES_PER_CHECK_IN, QUERIES_PER_CHECK_OUT, QUERIES_PER_REQUEST
from volunteers.cards import card_token

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 6)
MINUTE = datetime.timedelta(minutes=1)


def at(hhmm: str, day_offset: int = 0) -> datetime.datetime:
    clock = datetime.time.fromisoformat(hhmm)
    return datetime.datetime.combine(
        DAY + datetime.timedelta(days=day_offset), clock, tzinfo=timezone.get_current_timezone()
    )


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


# ---------------------------------------------------------------- the shift's break

# A shift 09:00–17:00: (break from, break until) → the field refused, or None.
BREAKS = [
    (("12:00", "13:00"), None),
    (("09:01", "16:59"), None),
    (("12:00", None), "break_ends_at"),
    ((None, "13:00"), "break_starts_at"),
    (("13:00", "12:00"), "break_ends_at"),
    (("12:00", "12:00"), "break_ends_at"),
    (("09:00", "10:00"), "break_starts_at"),  # at the start: a later start, not a break
    (("08:00", "10:00"), "break_starts_at"),
    (("17:00", "17:30"), "break_starts_at"),
    (("16:30", "17:00"), "break_ends_at"),  # at the end: an earlier end, not a break
    (("16:30", "17:30"), "break_ends_at"),
]


def with_break(times) -> Shift:
    starts, ends = (at(time) if time else None for time in times)
    return ShiftFactory.build(
        team=TeamFactory(), starts_at=at("09:00"), ends_at=at("17:00"), break_starts_at=starts, break_ends_at=ends
    )


@pytest.mark.parametrize(("times", "refused"), BREAKS)
def test_the_break_lies_inside_the_shift_both_ends_or_neither(times, refused):
    shift = with_break(times)
    if refused is None:
        shift.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        shift.full_clean()
    assert list(error.value.message_dict) == [refused]


@pytest.mark.parametrize(("times", "refused"), BREAKS)
def test_the_constraint_refuses_a_break_outside_the_shift_or_half_a_break(times, refused):
    """The constraint guards writers that skip clean() (bulk_create, update()): in the model's
    own check, and in the database as migrated."""
    shift = with_break(times)
    if refused is None:
        shift.validate_constraints()
        shift.save()
        assert Shift.objects.filter(break_starts_at__isnull=False).count() == 1
        return
    with pytest.raises(ValidationError):
        shift.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        shift.save()


# ---------------------------------------------------------------- the shift form


def shift_data(starts="2027-03-06T09:00", ends="2027-03-06T17:00", break_from="", break_until="", **more):
    return {
        "title": "社区例会",
        "place": "党群服务中心",
        "starts_at": starts,
        "ends_at": ends,
        "break_starts_at": break_from,
        "break_ends_at": break_until,
        "capacity": 10,
        "is_service": "on",
        **more,
    }


@pytest.mark.parametrize(
    ("data", "placed"),
    [
        (shift_data(), (None, None)),
        (shift_data(break_from="12:00", break_until="13:00"), (at("12:00"), at("13:00"))),
        # A night shift: clock times after midnight are the next day's.
        (
            shift_data("2027-03-06T22:00", "2027-03-07T06:00", "02:00", "02:30"),
            (at("02:00", 1), at("02:30", 1)),
        ),
        (
            shift_data("2027-03-06T22:00", "2027-03-07T06:00", "23:30", "00:30"),
            (at("23:30"), at("00:30", 1)),
        ),
    ],
)
def test_the_shift_form_places_the_break_in_the_shift(data, placed):
    form = ShiftForm(data)
    assert form.is_valid(), form.errors
    assert (form.instance.break_starts_at, form.instance.break_ends_at) == placed


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            shift_data(break_from="12:00"),
            {"break_ends_at": "Give both the start and the end of the break, or neither."},
        ),
        (
            shift_data(break_until="13:00"),
            {"break_starts_at": "Give both the start and the end of the break, or neither."},
        ),
        # 08:00 comes round again only the next morning, after the shift.
        (
            shift_data(break_from="08:00", break_until="08:30"),
            {"break_starts_at": "The break must start after the shift starts and before it ends."},
        ),
        (
            shift_data(break_from="16:30", break_until="17:30"),
            {"break_ends_at": "The break must end before the shift ends."},
        ),
        # An end before the start is the next day's: past the shift's end.
        (
            shift_data(break_from="13:00", break_until="12:00"),
            {"break_ends_at": "The break must end before the shift ends."},
        ),
        (shift_data(break_from="12:00", break_until="12:00"), {"break_ends_at": "The break must end after it starts."}),
        (shift_data(break_from="noon", break_until="13:00"), {"break_starts_at": "Enter a valid time."}),
        # Without a start the break cannot be placed: only the start's error is shown.
        (shift_data(starts="", break_from="12:00", break_until="13:00"), {"starts_at": "This field is required."}),
    ],
)
def test_the_shift_form_says_what_is_wrong_with_the_break(data, errors):
    form = ShiftForm(data)
    assert not form.is_valid()
    assert {field: messages for field, messages in form.errors.items()} == {
        field: [message] for field, message in errors.items()
    }


def test_the_shift_form_offers_the_break_and_the_flag_and_shows_the_saved_break_in_local_time():
    shift = ShiftFactory(
        starts_at=at("09:00"), ends_at=at("17:00"), break_starts_at=at("12:00"), break_ends_at=at("13:30")
    )
    form = ShiftForm(instance=Shift.objects.get(pk=shift.pk))  # as read: in UTC
    assert form["break_starts_at"].value() == datetime.time(12, 0)
    assert form["break_ends_at"].value() == datetime.time(13, 30)
    html = form.as_div()
    assert 'type="time" name="break_starts_at" value="12:00"' in html
    assert 'name="is_service"' in html and "例会、值班" in html
    # Saving it unchanged keeps the break and changes nothing.
    data = shift_data(
        timezone.localtime(shift.starts_at).strftime("%Y-%m-%dT%H:%M"),
        timezone.localtime(shift.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "12:00",
        "13:30",
        title=shift.title,
        place=shift.place,
        capacity=shift.capacity,
        signup_closes_at=timezone.localtime(shift.signup_closes_at).strftime("%Y-%m-%dT%H:%M"),
        cancel_deadline=timezone.localtime(shift.cancel_deadline).strftime("%Y-%m-%dT%H:%M"),
    )
    bound = ShiftForm(data, instance=shift)
    assert bound.is_valid(), bound.errors
    assert not {"break_starts_at", "break_ends_at", "is_service"} & set(bound.changed_data)


def test_a_leader_creates_a_meeting_with_a_break(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, role="leader")
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = shift_data(f"{day}T09:00", f"{day}T17:00", "12:00", "13:00")
    del data["is_service"]  # unticked: a meeting

    response = client_for(leader.user).post(reverse("shifts:create", args=[team.pk]), data)

    shift = Shift.objects.get()
    assert response.url == shift.get_absolute_url()
    assert not shift.is_service
    assert [timezone.localtime(moment).time() for moment in (shift.break_starts_at, shift.break_ends_at)] == [
        datetime.time(12),
        datetime.time(13),
    ]


def test_a_copy_of_a_meeting_with_a_break_keeps_both_a_week_later(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, role="leader")
    original = ShiftFactory(team=team, starts_at=at("09:00"), ends_at=at("17:00"), is_service=False)
    original.break_starts_at, original.break_ends_at = at("12:00"), at("13:00")
    original.save()

    response = client_for(leader.user).get(reverse("shifts:create", args=[team.pk]), {"copy": original.pk})

    form = response.context["form"]
    assert form.initial["is_service"] is False
    assert (form.initial["break_starts_at"], form.initial["break_ends_at"]) == (datetime.time(12), datetime.time(13))
    assert timezone.localtime(form.initial["starts_at"]).date() == DAY + datetime.timedelta(days=7)


# ---------------------------------------------------------------- the series


def series_data(start="09:00", end="17:00", break_from="", minutes="", **more):
    return {
        "title": "周一例会",
        "place": "党群服务中心",
        "weekdays": ["0", "3"],
        "start_time": start,
        "end_time": end,
        "break_start_time": break_from,
        "break_minutes": minutes,
        "first_date": "2027-03-01",
        "last_date": "2027-06-30",
        "skip_dates": "",
        "capacity": 10,
        "signup_closes_minutes": 0,
        "cancel_deadline_minutes": 120,
        **more,
    }


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (series_data(), None),
        (series_data(break_from="12:00", minutes="60"), None),
        (series_data("22:00", "06:00", "02:00", "30"), None),  # after midnight, in a night shift
        (series_data("22:00", "06:00", "23:30", "60"), None),
        (series_data(break_from="12:00"), "break_minutes"),
        (series_data(minutes="60"), "break_start_time"),
        (series_data(break_from="12:00", minutes="0"), "break_minutes"),
        (series_data(break_from="09:00", minutes="30"), "break_start_time"),
        (series_data(break_from="08:00", minutes="30"), "break_start_time"),
        (series_data(break_from="17:00", minutes="30"), "break_start_time"),
        (series_data(break_from="16:30", minutes="30"), "break_minutes"),
        (series_data(break_from="16:30", minutes="60"), "break_minutes"),
        (series_data("22:00", "06:00", "21:00", "30"), "break_start_time"),
        (series_data("22:00", "06:00", "05:45", "15"), "break_minutes"),
    ],
)
def test_the_series_form_checks_the_break(data, refused):
    form = SeriesForm(data)
    if refused is None:
        assert form.is_valid(), form.errors
        return
    assert not form.is_valid()
    assert list(form.errors) == [refused]


def test_the_series_form_offers_the_break_and_the_flag():
    html = SeriesForm().as_div()
    assert 'name="break_start_time"' in html and 'name="break_minutes"' in html and 'name="is_service"' in html


def series(team, **fields) -> ShiftSeries:
    values = {
        "team": team,
        "title": "社区值班",
        "place": "社区服务站",
        "weekdays": "0123456",
        "start_time": datetime.time(9),
        "end_time": datetime.time(17),
        "break_start_time": datetime.time(12),
        "break_minutes": 60,
        "is_service": False,
        "first_date": DAY,
        "last_date": DAY + datetime.timedelta(days=60),
        "capacity": 4,
    }
    return ShiftSeries(**{**values, **fields})


def breaks_of(made: ShiftSeries) -> list[tuple]:
    return [
        (shift.occurrence_date, timezone.localtime(shift.break_starts_at), timezone.localtime(shift.break_ends_at))
        for shift in made.shifts.order_by("starts_at")
    ]


def test_series_shifts_carry_the_break_and_the_flag(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 2
    made = series_services.create_series(series=series(TeamFactory()), today=DAY)

    assert breaks_of(made) == [(DAY + datetime.timedelta(days=n), at("12:00", n), at("13:00", n)) for n in range(3)]
    assert set(made.shifts.values_list("is_service", flat=True)) == {False}


def test_a_night_series_takes_its_break_after_midnight_on_the_next_day(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 0
    night = series(
        TeamFactory(), start_time=datetime.time(22), end_time=datetime.time(6), break_start_time=datetime.time(2)
    )
    made = series_services.create_series(series=night, today=DAY)
    assert breaks_of(made) == [(DAY, at("02:00", 1), at("03:00", 1))]


def test_the_service_path_refuses_a_break_outside_the_series_too():
    with pytest.raises(ValidationError) as refused:
        series_services.create_series(series=series(TeamFactory(), break_start_time=datetime.time(8)), today=DAY)
    assert list(refused.value.message_dict) == ["break_start_time"]
    assert not Shift.objects.exists()


def test_editing_the_series_break_and_flag_changes_future_shifts_and_tells_people(settings):
    settings.SHIFT_SERIES_WINDOW_DAYS = 2
    team = TeamFactory()
    made = series_services.create_series(series=series(team), today=DAY)
    past, coming, _last = made.shifts.order_by("starts_at")
    volunteer = volunteer_in(team)
    sign_up(shift=coming, volunteer=volunteer, now=at("08:00"))

    made.break_start_time, made.break_minutes, made.is_service = datetime.time(12, 30), 30, True
    series_services.update_series(series=made, now=at("18:00"))

    past.refresh_from_db()
    coming.refresh_from_db()
    assert (timezone.localtime(past.break_starts_at), past.is_service) == (at("12:00"), False)
    assert (timezone.localtime(coming.break_starts_at), coming.break_ends_at - coming.break_starts_at) == (
        at("12:30", 1),
        30 * MINUTE,
    )
    assert coming.is_service
    assert Notification.objects.filter(user=volunteer.user).count() == 1


# ---------------------------------------------------------------- crediting and posting


def finished(*, is_service=True, hours=8, lunch=None, **fields) -> Shift:
    """A shift that ended two hours ago; `lunch` is (minutes after the start, length)."""
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=hours + 2)
    shift = ShiftFactory(
        starts_at=start, ends_at=start + datetime.timedelta(hours=hours), is_service=is_service, capacity=20, **fields
    )
    if lunch is not None:
        offset, length = lunch
        shift.break_starts_at = start + offset * MINUTE
        shift.break_ends_at = shift.break_starts_at + length * MINUTE
        shift.save()
    return shift


def test_a_break_is_left_out_of_the_credited_and_posted_time():
    shift = finished(lunch=(180, 60))
    leader = volunteer_in(shift.team, role="leader").user
    volunteer = on_roster(shift)

    attendance = mark_present(
        shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader
    )

    assert (attendance.credited_minutes, attendance.review_reasons) == (420, [])
    assert [record.minutes for record in confirm_sheet(shift=shift, by=leader).posted] == [420]


def mark_everyone(shift, leader) -> list:
    """Three people at a shift: on time, short, and one who never signed out."""
    on_time, short, never_out = on_roster(shift), on_roster(shift), on_roster(shift)
    mark_present(shift=shift, volunteer=on_time, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    mark_present(
        shift=shift, volunteer=short, checked_in=shift.starts_at, checked_out=shift.starts_at + 30 * MINUTE, by=leader
    )
    mark_present(
        shift=shift, volunteer=never_out, checked_in=shift.starts_at, checked_out=None, by=leader, now=shift.starts_at
    )
    return [on_time, short, never_out]


def post_by(path: str, shift: Shift, leader) -> int:
    later = timezone.now() + datetime.timedelta(hours=1)  # the check-out window has closed
    if path == "cron":
        return post_finished_shifts(now=later).records
    if path == "confirmation":
        return len(confirm_sheet(shift=shift, by=leader, now=later).posted)
    return len(post_attendance(shift=shift, by=None, now=later))


@pytest.mark.parametrize("path", ["cron", "confirmation", "post_attendance"])
def test_a_meeting_keeps_attendance_but_credits_and_posts_nothing(path):
    shift = finished(is_service=False, hours=2)
    leader = volunteer_in(shift.team, role="leader").user
    on_time, short, never_out = mark_everyone(shift, leader)

    rows = {row.volunteer: row for row in Attendance.objects.filter(shift=shift)}
    assert [(rows[person].status, rows[person].credited_minutes) for person in (on_time, short, never_out)] == [
        (Attendance.Status.PRESENT, 0),
        (Attendance.Status.LEFT_EARLY, 0),
        (Attendance.Status.CHECKED_IN, 0),
    ]
    assert {row.review_state for row in rows.values()} == {Attendance.Review.OPEN}

    assert post_by(path, shift, leader) == 0

    assert not ServiceRecord.objects.exists()
    # Whoever never signed out is marked so, with nothing to wait for: no time was ever due.
    left = Attendance.objects.get(volunteer=never_out)
    assert (left.status, left.review_state) == (Attendance.Status.NOT_SIGNED_OUT, Attendance.Review.OPEN)


@pytest.mark.parametrize("path", ["cron", "confirmation", "post_attendance"])
@pytest.mark.parametrize("is_service", [True, False])
def test_time_credited_before_the_shift_became_a_meeting_is_not_posted(path, is_service):
    shift = finished(hours=2)
    leader = volunteer_in(shift.team, role="leader").user
    present = on_roster(shift)
    mark_present(shift=shift, volunteer=present, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    assert Attendance.objects.get().credited_minutes == 120
    Shift.objects.filter(pk=shift.pk).update(is_service=is_service)

    posted = post_by(path, shift, leader)

    assert posted == (1 if is_service else 0)
    assert ServiceRecord.objects.count() == posted


def test_the_cron_run_only_closes_a_meetings_sheet():
    meeting = finished(is_service=False, hours=2)
    leader = volunteer_in(meeting.team, role="leader").user
    mark_everyone(meeting, leader)
    later = timezone.now() + datetime.timedelta(hours=1)

    first = post_finished_shifts(now=later)
    again = post_finished_shifts(now=later)

    assert (first.shifts, first.records, first.not_signed_out, first.waiting) == (1, 0, 1, 0)
    assert again.shifts == 0  # nothing left to close
    # Time credited before the shift became a meeting is never posted, so not looked for either.
    Attendance.objects.filter(shift=meeting, status=Attendance.Status.PRESENT).update(credited_minutes=120)
    assert post_finished_shifts(now=later).shifts == 0
    assert not ServiceRecord.objects.exists()


def test_confirming_a_meetings_sheet_names_nobody_as_waiting():
    meeting = finished(is_service=False, hours=2)
    leader = volunteer_in(meeting.team, role="leader").user
    mark_everyone(meeting, leader)
    close_unfinished(meeting, timezone.now() + datetime.timedelta(hours=1))

    result = confirm_sheet(shift=meeting, by=leader)

    assert (result.posted, result.waiting) == ([], [])


# ---------------------------------------------------------------- scanning


@pytest.fixture
def running():
    """Started three hours ago, ends in an hour; lunch from the first hour to the second."""
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    shift = ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=4), capacity=10)
    shift.break_starts_at, shift.break_ends_at = start + 60 * MINUTE, start + 120 * MINUTE
    shift.save()
    return shift


def scan(client, shift, volunteer, scanned, event_id):
    body = {"events": [{"id": event_id, "token": card_token(volunteer), "at": scanned.isoformat()}]}
    response = client.post(reverse("shifts:scan", args=[shift.pk]), body, content_type="application/json")
    return response.json()["results"][0]["outcome"]


@pytest.mark.parametrize("is_service", [True, False])
def test_scans_at_a_shift_with_a_break_cost_no_extra_query(client_for, django_assert_num_queries, running, is_service):
    Shift.objects.filter(pk=running.pk).update(is_service=is_service)
    client = client_for(volunteer_in(running.team, role="leader").user)
    volunteer = on_roster(running)
    # A meeting's check-out asks the ledger nothing: the person's day and other records
    # matter only for time that is credited (rules 4 and 5).
    check_out = QUERIES_PER_CHECK_OUT if is_service else QUERIES_PER_CHECK_OUT - 3

    with django_assert_num_queries(QUERIES_PER_REQUEST + QUERIES_PER_CHECK_IN):
        assert scan(client, running, volunteer, running.starts_at, "in") == "checked_in"
    with django_assert_num_queries(QUERIES_PER_REQUEST + check_out):
        assert scan(client, running, volunteer, timezone.now() - MINUTE, "out") == "checked_out"

    # 179 minutes less the hour's break → 119 → 90 (30-minute unit); nothing at a meeting.
    assert Attendance.objects.get().credited_minutes == (90 if is_service else 0)


# ---------------------------------------------------------------- pages


def test_the_shift_page_and_the_sheet_show_the_break_and_say_a_meeting_credits_nothing(client_for):
    meeting = finished(is_service=False, lunch=(180, 60))
    leader = volunteer_in(meeting.team, role="leader").user
    client = client_for(leader)
    lunch = f"{timezone.localtime(meeting.break_starts_at):%H:%M}–{timezone.localtime(meeting.break_ends_at):%H:%M}"

    page = client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sheet = client.get(reverse("shifts:attendance", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"{lunch} · not service time" in page
    assert "a meeting or duty, not volunteer service" in page
    assert f"Break {lunch}: not service time" in sheet
    assert "nothing is posted to the ledger" in sheet
    assert 'data-testid="confirm-sheet"' not in sheet


def test_a_service_shift_without_a_break_shows_neither(client_for):
    shift = finished()
    client = client_for(volunteer_in(shift.team, role="leader").user)

    page = client.get(shift.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sheet = client.get(reverse("shifts:attendance", args=[shift.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-testid="break"' not in page + sheet
    assert 'data-testid="not-service"' not in page + sheet
    assert 'data-testid="confirm-sheet"' in sheet


# ---------------------------------------------------------------- editing a shift after people came


@pytest.mark.parametrize(
    ("change", "minutes"),
    [
        ({"break_starts_at": 30, "break_ends_at": 60}, 90),
        ({"ends_at": -60}, 60),
        ({"is_service": False}, 0),
        ({"title": "改名"}, 120),
    ],
)
def test_editing_the_times_break_or_kind_works_out_the_time_not_yet_posted_again(change, minutes):
    shift = finished(hours=2)
    leader = volunteer_in(shift.team, role="leader").user
    waiting, posted = on_roster(shift), on_roster(shift)
    present = {"checked_in": shift.starts_at, "checked_out": shift.ends_at, "by": leader}
    mark_present(shift=shift, volunteer=posted, **present)
    post_attendance(shift=shift, by=leader, include_reviewed=True)
    mark_present(shift=shift, volunteer=waiting, **present)
    for field, value in change.items():
        if field in ("break_starts_at", "break_ends_at"):
            value = shift.starts_at + datetime.timedelta(minutes=value)
        elif field == "ends_at":
            value = shift.ends_at + datetime.timedelta(minutes=value)
        setattr(shift, field, value)

    update_shift(shift=shift, changed=list(change))

    assert Attendance.objects.get(volunteer=waiting).credited_minutes == minutes
    assert Attendance.objects.get(volunteer=posted).credited_minutes == 120  # in the ledger: corrected there


def test_the_ledger_keeps_the_break_and_no_correction_credits_it():
    shift = finished(hours=8, lunch=(180, 60))
    leader = volunteer_in(shift.team, role="leader").user
    present = on_roster(shift)
    mark_present(shift=shift, volunteer=present, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    post_attendance(shift=shift, by=leader, include_reviewed=True)
    record = ServiceRecord.objects.get()
    assert (record.minutes, record.break_minutes, ledger.scheduled_length(record)) == (420, 60, 420)

    with pytest.raises(ValidationError):
        ledger.correct_record(record=record, minutes=450, reason="算上了午饭", by=leader)
    reversal, replacement = ledger.correct_record(record=record, minutes=390, reason="提前半小时离开", by=leader)

    assert (reversal.break_minutes, replacement.break_minutes, ledger.scheduled_length(replacement)) == (60, 60, 420)


def test_editing_an_ended_shift_leaves_whoever_never_signed_out_not_signed_out():
    shift = finished(hours=2)
    leader = volunteer_in(shift.team, role="leader").user
    never_out = on_roster(shift)
    record_scan(shift=shift, token=card_token(never_out), client_event_id="in", at=shift.starts_at, by=leader)
    close_unfinished(shift)
    shift.break_starts_at = shift.starts_at + 30 * MINUTE
    shift.break_ends_at = shift.starts_at + 60 * MINUTE

    update_shift(shift=shift, changed=["break_starts_at", "break_ends_at"])

    left = Attendance.objects.get(volunteer=never_out)
    assert (left.status, left.credited_minutes) == (Attendance.Status.NOT_SIGNED_OUT, 0)


def test_a_check_out_counts_a_break_added_after_its_request_read_the_shift():
    shift = finished(hours=2)
    volunteer = on_roster(shift)
    token = card_token(volunteer)
    record_scan(shift=shift, token=token, client_event_id="in", at=shift.starts_at, by=None)
    as_read = Shift.objects.select_related("team").get(pk=shift.pk)  # what the scanner's request loaded
    Shift.objects.filter(pk=shift.pk).update(
        break_starts_at=shift.starts_at + 30 * MINUTE, break_ends_at=shift.starts_at + 60 * MINUTE
    )

    record_scan(shift=as_read, token=token, client_event_id="out", at=shift.ends_at, by=None)

    assert Attendance.objects.get().credited_minutes == 90


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (shift_data("0001-01-01T09:00", "0001-01-01T17:00"), "starts_at"),
        (shift_data("9999-12-31T09:00", "9999-12-31T17:00"), "starts_at"),
    ],
)
def test_a_shift_far_outside_use_is_refused_not_a_crash(data, refused):
    form = ShiftForm(data)
    assert not form.is_valid()
    assert refused in form.errors


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (series_data(signup_closes_minutes=10**9), "signup_closes_minutes"),
        (series_data(cancel_deadline_minutes=10**9), "cancel_deadline_minutes"),
        (series_data(first_date="0001-01-01"), "first_date"),
        (series_data(last_date="9999-12-31"), "last_date"),
    ],
)
def test_a_series_far_outside_use_is_refused_not_a_crash(data, refused):
    form = SeriesForm(data)
    assert not form.is_valid()
    assert refused in form.errors
