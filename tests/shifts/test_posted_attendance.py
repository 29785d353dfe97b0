"""Attendance already posted to the ledger takes no more scans or marks (DESIGN rule 9):
the sheet and the ledger must keep telling the same story, so a late scan is refused
with its own answer, and the office corrects the record instead."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hours.models import ServiceRecord
from shifts.marks import mark_absence, mark_present, mend
from shifts.models import Attendance, ScanEvent, Signup
from shifts.posting import confirm_sheet
from shifts.scanning import Outcome, record_event, record_scan
from shifts.services import cancel_shift
from tests.factories import ShiftFactory, volunteer_in
from volunteers.cards import card_token

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def shift():
    # Ended five minutes ago: the sheet may be confirmed, and check-outs are still taken.
    ends = timezone.now().replace(microsecond=0) - 5 * MINUTE
    return ShiftFactory(starts_at=ends - 150 * MINUTE, ends_at=ends, capacity=10)


@pytest.fixture
def leader(shift):
    return volunteer_in(shift.team, role="leader").user


@pytest.fixture
def posted(shift, leader):
    """A volunteer who left after an hour, scanned in and out; the leader confirmed the sheet."""
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    for event_id, at in (("in-1", shift.starts_at), ("out-1", shift.starts_at + 60 * MINUTE)):
        record_scan(shift=shift, token=card_token(volunteer), client_event_id=event_id, at=at, by=leader)
    assert [record.minutes for record in confirm_sheet(shift=shift, by=leader).posted] == [60]
    return volunteer


def sheet_and_ledger(shift):
    attendance = Attendance.objects.get(shift=shift)
    return (
        attendance.status,
        attendance.credited_minutes,
        attendance.review_state,
        attendance.posted_record_id,
        sorted(ScanEvent.objects.values_list("client_event_id", flat=True)),
        list(ServiceRecord.objects.values_list("volunteer_id", "minutes")),
    )


@pytest.mark.parametrize(
    ("minutes", "options"),
    [
        # Before the fix this one reopened the sheet: checked in again, credited 0, still "posted".
        pytest.param(70, {}, id="back-from-a-break"),
        pytest.param(70, {"kind": "in"}, id="check-in"),
        pytest.param(150, {"kind": "out"}, id="check-out-at-the-end"),
        pytest.param(70, {"walk_in": True}, id="as-walk-in"),
        pytest.param(70, {"method": ScanEvent.Method.SELF}, id="self-check-in"),
    ],
)
def test_a_scan_on_posted_attendance_is_refused_and_changes_nothing(shift, leader, posted, minutes, options):
    before = sheet_and_ledger(shift)
    at = shift.starts_at + minutes * MINUTE

    def send():
        if options.get("method") == ScanEvent.Method.SELF:
            return record_event(
                shift=shift, volunteer=posted, client_event_id="late-1", at=at, by=posted.user, **options
            )
        return record_scan(shift=shift, token=card_token(posted), client_event_id="late-1", at=at, by=leader, **options)

    result = send()

    assert result.outcome == Outcome.ALREADY_POSTED and not result.outcome.ok
    assert result.volunteer == posted
    assert (
        result.message
        == f"{posted.real_name}'s time is already in the ledger: ask the office for a correction instead."
    )
    assert sheet_and_ledger(shift) == before
    # The same event sent again (the phone never saw the answer) gets the same answer.
    assert send().outcome == Outcome.ALREADY_POSTED
    assert sheet_and_ledger(shift) == before


def test_an_event_recorded_before_posting_and_sent_again_gets_its_first_answer(shift, leader, posted):
    before = sheet_and_ledger(shift)

    again = record_scan(
        shift=shift, token=card_token(posted), client_event_id="out-1", at=shift.starts_at + 60 * MINUTE, by=leader
    )

    assert again.outcome == Outcome.CHECKED_OUT
    assert sheet_and_ledger(shift) == before


@pytest.mark.parametrize(
    "mark",
    [
        pytest.param(
            lambda shift, volunteer, by: mark_present(
                shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=by
            ),
            id="present",
        ),
        pytest.param(
            lambda shift, volunteer, by: mark_present(
                shift=shift,
                volunteer=volunteer,
                checked_in=shift.starts_at,
                checked_out=shift.ends_at,
                by=by,
                walk_in=True,
            ),
            id="walk-in",
        ),
        pytest.param(
            lambda shift, volunteer, by: mend(
                shift=shift,
                volunteer=volunteer,
                checked_in=shift.starts_at,
                checked_out=shift.ends_at,
                reason="忘记签退",
                by=by,
            ),
            id="mended",
        ),
        pytest.param(
            lambda shift, volunteer, by: mark_absence(
                shift=shift, volunteer=volunteer, status=Attendance.Status.ON_LEAVE, by=by
            ),
            id="on-leave",
        ),
        pytest.param(
            lambda shift, volunteer, by: mark_absence(
                shift=shift, volunteer=volunteer, status=Attendance.Status.ABSENT, by=by
            ),
            id="absent",
        ),
    ],
)
def test_a_mark_on_posted_attendance_is_refused_and_changes_nothing(shift, leader, posted, mark):
    before = sheet_and_ledger(shift)

    with pytest.raises(ValidationError, match="time is already in the ledger: ask the office for a correction"):
        mark(shift, posted, leader)

    assert sheet_and_ledger(shift) == before


def test_the_scanner_gets_the_refusal_as_json(shift, leader, posted, client_for):
    event = {"id": "late-json", "token": card_token(posted), "at": (shift.starts_at + 70 * MINUTE).isoformat()}

    response = client_for(leader).post(
        reverse("shifts:scan", args=[shift.pk]),
        json.dumps({"events": [event]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    (result,) = response.json()["results"]
    assert (result["outcome"], result["ok"], result["name"]) == ("already_posted", False, posted.real_name)
    assert "ask the office for a correction" in result["message"]
    assert not ScanEvent.objects.filter(client_event_id="late-json").exists()


def test_the_sheet_shows_the_refused_mark_as_an_error(shift, leader, posted, client_for):
    before = sheet_and_ledger(shift)
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)

    response = client_for(leader).post(
        reverse("shifts:attendance_mark", args=[shift.pk]),
        {"volunteer": posted.pk, "action": "present", "checked_in": f"{start:%H:%M}", "checked_out": f"{end:%H:%M}"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert "time is already in the ledger: ask the office for a correction instead." in html
    assert sheet_and_ledger(shift) == before


def test_a_shift_whose_hours_are_in_the_ledger_cannot_be_cancelled(shift, posted):
    with pytest.raises(ValidationError, match="in the ledger, so it cannot be cancelled"):
        cancel_shift(shift=shift, reason="下雨")

    shift.refresh_from_db()
    assert not shift.is_cancelled
    assert ServiceRecord.objects.get().minutes == 60
