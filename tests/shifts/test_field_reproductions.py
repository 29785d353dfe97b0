"""What went wrong in the field (issue 12), each as it was reproduced: through the scanner
endpoint and the attendance sheet, with two phones and an older volunteer."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from hours import requests
from hours.models import BackfillRequest, ServiceRecord
from shifts.marks import mark_present
from shifts.models import Attendance, Signup
from shifts.posting import confirm_sheet, post_attendance, post_finished_shifts
from tests.factories import (
    LeaderFactory,
    OfficeStaffFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
    volunteer_in,
)
from volunteers.cards import card_token

pytestmark = pytest.mark.django_db

# Two days back, so that every window has closed and sheets can be confirmed, and the next
# day's reads (an overnight shift's) are over too, whatever the time of day now.
DAY = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=2)


def at(hhmm: str, days: int = 0) -> datetime.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return DAY + datetime.timedelta(days=days, hours=hours, minutes=minutes)


@pytest.fixture
def team():
    return TeamFactory(name="银龄互助志愿服务队")


@pytest.fixture
def leader(team):
    return LeaderFactory(team=team, user=VolunteerFactory(real_name="张队长").user).user


@pytest.fixture
def phone(client_for, leader):
    return client_for(leader)


@pytest.fixture
def volunteer(team):
    return volunteer_in(team)


def shift_of(team, volunteer, starts: str, ends: str, title: str = "长者食堂助餐", days: int = 0):
    shift = ShiftFactory(
        team=team, title=title, starts_at=at(starts), ends_at=at(ends, days), capacity=10, signup_closes_at=at(starts)
    )
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return shift


def send(phone, shift, volunteer, *times: str, kind=None, prefix="p", days: int = 0) -> list[str]:
    """One batch from a phone in the scanner's automatic mode: the answers' outcomes."""
    events = [
        {
            "id": f"{prefix}-{shift.pk}-{time}",
            "token": card_token(volunteer),
            "at": at(time, days).isoformat(),
            "kind": kind,
        }
        for time in times
    ]
    response = phone.post(
        reverse("shifts:scan", args=[shift.pk]), json.dumps({"events": events}), content_type="application/json"
    )
    assert response.status_code == 200
    return [result["outcome"] for result in response.json()["results"]]


def attendance(shift, volunteer) -> Attendance:
    return Attendance.objects.get(shift=shift, volunteer=volunteer)


def test_1_an_offline_phone_that_sends_noon_before_nine_still_credits_the_morning(team, volunteer, phone):
    shift = shift_of(team, volunteer, "09:00", "12:00")

    assert send(phone, shift, volunteer, "12:00") == ["checked_in"]  # all it knows so far
    send(phone, shift, volunteer, "09:00", prefix="offline")

    row = attendance(shift, volunteer)
    assert (row.status, row.credited_minutes, row.review_reasons) == (Attendance.Status.PRESENT, 180, [])


def test_1_two_phones_whose_batches_cross_credit_the_same(team, volunteer, phone, client_for):
    shift = shift_of(team, volunteer, "09:00", "12:00")
    other_leader = LeaderFactory(team=team, user=VolunteerFactory().user).user

    send(client_for(other_leader), shift, volunteer, "12:00", "12:03", prefix="b")
    send(phone, shift, volunteer, "08:55", "08:58", prefix="a")

    assert attendance(shift, volunteer).credited_minutes == 180


def test_2_a_card_read_twice_two_minutes_apart_is_a_repeat_not_a_check_out(team, volunteer, phone):
    shift = shift_of(team, volunteer, "09:00", "12:00")

    assert send(phone, shift, volunteer, "09:00", "09:02", "12:00") == ["checked_in", "repeat", "checked_out"]

    assert attendance(shift, volunteer).credited_minutes == 180


def test_2_the_repeat_window_is_the_teams_and_the_scanner_says_it(team, volunteer, phone):
    team.repeat_window_minutes = 1
    team.save()
    shift = shift_of(team, volunteer, "09:00", "12:00")

    assert send(phone, shift, volunteer, "09:00", "09:02") == ["checked_in", "checked_out"]
    page = phone.get(reverse("shifts:scanner", args=[shift.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="repeat-window"' in page and "1 minute" in page


def test_3_the_leader_mends_a_row_whatever_its_scans_and_posts_it(team, volunteer, phone, leader):
    shift = shift_of(team, volunteer, "09:00", "12:00")
    send(phone, shift, volunteer, "09:00", "09:10", kind="in")  # two check-ins, no check-out
    post_attendance(shift=shift, by=None, now=at("13:01"))
    assert attendance(shift, volunteer).status == Attendance.Status.NOT_SIGNED_OUT

    response = phone.post(
        reverse("shifts:attendance_mark", args=[shift.pk]),
        {
            "volunteer": volunteer.pk,
            "action": "present",
            "checked_in": "09:00",
            "checked_out": "11:45",
            "reason": "忘记签退",
        },
    )

    assert response.status_code == 302
    row = attendance(shift, volunteer)
    assert (row.status, row.credited_minutes, row.review_state) == (Attendance.Status.LEFT_EARLY, 150, "open")
    confirm_sheet(shift=shift, by=leader)
    assert ServiceRecord.objects.get(volunteer=volunteer).minutes == 150


def test_3_a_mend_without_a_reason_is_refused(team, volunteer, phone):
    shift = shift_of(team, volunteer, "09:00", "12:00")
    send(phone, shift, volunteer, "09:00")

    response = phone.post(
        reverse("shifts:attendance_mark", args=[shift.pk]),
        {"volunteer": volunteer.pk, "action": "present", "checked_in": "09:00", "checked_out": "12:00"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Say why the times are mended." in response.content.decode()
    assert attendance(shift, volunteer).credited_minutes == 0


def test_4_leaving_a_early_and_serving_b_credits_b_in_full(team, volunteer, phone, leader):
    first = shift_of(team, volunteer, "09:00", "12:00")
    second = shift_of(team, volunteer, "11:00", "14:00", title="独居老人探访")
    send(phone, second, volunteer, "11:00", "14:00")
    send(phone, first, volunteer, "09:00", "10:50")

    assert attendance(first, volunteer).credited_minutes == 90  # 110 → 90, left early
    assert (attendance(second, volunteer).credited_minutes, attendance(second, volunteer).review_reasons) == (180, [])
    for shift in (first, second):
        confirm_sheet(shift=shift, by=leader)
    assert sorted(ServiceRecord.objects.values_list("activity", "minutes")) == [
        ("独居老人探访", 180),
        ("长者食堂助餐", 90),
    ]


def test_4_serving_both_credits_b_its_free_part_names_the_overlap_and_posts_it(team, volunteer, phone, leader):
    first = shift_of(team, volunteer, "09:00", "12:00")
    second = shift_of(team, volunteer, "11:00", "14:00", title="独居老人探访")
    send(phone, second, volunteer, "11:00", "14:00")  # B's phone synced first
    send(phone, first, volunteer, "09:00", "12:00")

    row = attendance(second, volunteer)
    assert row.credited_minutes == 120  # 12:00–14:00
    (reason,) = row.review_reasons
    assert (reason["code"], reason["activity"]) == ("overlap", "长者食堂助餐")
    # What it overlaps: the morning's served time.
    assert [datetime.datetime.fromisoformat(reason[key]) for key in ("from", "to")] == [at("09:00"), at("12:00")]
    assert attendance(first, volunteer).credited_minutes == 180
    for shift in (first, second):
        confirm_sheet(shift=shift, by=leader)
    records = {record.activity: record for record in ServiceRecord.objects.all()}
    assert records["独居老人探访"].minutes == 120
    assert records["独居老人探访"].served_intervals == [(at("12:00"), at("14:00"))]


def test_5_the_sheet_names_every_reason_and_counts_the_rows_it_lists(team, volunteer, phone):
    first = shift_of(team, volunteer, "09:00", "12:00")
    second = shift_of(team, volunteer, "11:00", "14:00", title="独居老人探访")
    send(phone, first, volunteer, "09:00", "12:00")
    send(phone, second, volunteer, "11:00", "11:58")  # nothing free: all of it was served at A

    row = attendance(second, volunteer)
    assert (row.credited_minutes, row.review_state) == (0, Attendance.Review.NEEDS_REVIEW)
    page = phone.get(reverse("shifts:attendance", args=[second.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Overlaps 长者食堂助餐 09:00–12:00" in page
    assert 'data-testid="review-count">1<' in page


def test_5_an_overnight_shift_counts_each_part_on_its_own_day(team, volunteer, phone):
    night = shift_of(team, volunteer, "20:00", "04:00", title="夜间巡逻", days=1)
    next_morning = ShiftFactory(team=team, starts_at=at("06:00", 1), ends_at=at("11:00", 1), capacity=5)
    Signup.objects.create(shift=next_morning, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    send(phone, night, volunteer, "19:55")
    send(phone, night, volunteer, "04:00", days=1)
    # 4 of the night's 8 hours fall on the first day, 4 on the next; with 5 more that morning,
    # the next day holds 9 hours, the first only 4.
    send(phone, next_morning, volunteer, "06:00", "11:00", days=1)

    assert attendance(night, volunteer).credited_minutes == 480
    assert attendance(night, volunteer).review_reasons == ["long_day"]
    assert attendance(next_morning, volunteer).review_reasons == ["long_day"]


def test_6_a_lone_check_out_asks_for_the_sign_in(team, volunteer, phone):
    shift = shift_of(team, volunteer, "09:00", "12:00")

    send(phone, shift, volunteer, "12:05")

    row = attendance(shift, volunteer)
    assert (row.status, row.credited_minutes, row.review_reasons) == (Attendance.Status.NO_SIGN_IN, 0, ["no_sign_in"])


def test_6_a_fully_attended_shift_shorter_than_the_unit_credits_its_length(team, volunteer, phone, leader):
    shift = shift_of(team, volunteer, "09:00", "09:20")

    send(phone, shift, volunteer, "08:55", "09:25")

    assert attendance(shift, volunteer).credited_minutes == 20
    assert [waiting.reason for waiting in confirm_sheet(shift=shift, by=leader).waiting] == []
    assert ServiceRecord.objects.get().minutes == 20


def test_7_hours_entered_for_a_shift_made_after_it_ended_post_only_with_the_office(team, volunteer, phone, leader):
    staff = OfficeStaffFactory(office=team.office).user
    shift = ShiftFactory(team=team, title="补登活动", starts_at=at("09:00"), ends_at=at("12:00"), planned_ahead=False)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    phone.post(
        reverse("shifts:attendance_mark", args=[shift.pk]),
        {"volunteer": volunteer.pk, "action": "present", "checked_in": "09:00", "checked_out": "12:00"},
    )
    row = attendance(shift, volunteer)
    assert (row.credited_minutes, row.review_reasons) == (180, ["awaiting_office"])

    with translation.override("en"):  # the page's request left its language active
        confirmation = confirm_sheet(shift=shift, by=leader)
    confirm_sheet(shift=shift, by=leader)  # twice: still one request
    post_finished_shifts(now=at("23:00"))

    assert confirmation.posted == [] and not ServiceRecord.objects.exists()
    assert [waiting.reason for waiting in confirmation.waiting] == ["Awaiting office approval"]
    backfill = BackfillRequest.objects.get()
    assert (backfill.source_key, backfill.minutes, backfill.requested_by) == (f"attendance:{row.pk}", 180, leader)
    with pytest.raises(ValidationError):
        requests.decide_backfill(backfill=backfill, by=leader, approve=True)

    requests.decide_backfill(backfill=backfill, by=staff, approve=True)
    post_finished_shifts(now=at("23:00"))

    record = ServiceRecord.objects.get()
    assert (record.kind, record.minutes, record.approved_by) == (ServiceRecord.Kind.BACKFILL, 180, staff)
    assert attendance(shift, volunteer).posted_record == record


def test_7_a_leader_cannot_credit_themselves_on_a_shift_made_after_it_ended(team, phone, leader):
    shift = ShiftFactory(team=team, starts_at=at("09:00"), ends_at=at("12:00"), planned_ahead=False)
    phone.post(
        reverse("shifts:attendance_walk_in", args=[shift.pk]),
        {"volunteer": leader.volunteer.pk, "checked_in": "09:00", "checked_out": "12:00"},
    )
    confirm_sheet(shift=shift, by=leader)

    assert not ServiceRecord.objects.exists()
    assert BackfillRequest.objects.get().state == BackfillRequest.State.PENDING


def test_7_hand_entries_after_the_posting_window_are_refused(team, volunteer, leader):
    shift = shift_of(team, volunteer, "09:00", "12:00")
    with pytest.raises(ValidationError, match="only be added as a backfill"):
        mark_present(
            shift=shift,
            volunteer=volunteer,
            checked_in=shift.starts_at,
            checked_out=shift.ends_at,
            by=leader,
            now=shift.ends_at + datetime.timedelta(days=40),
        )


def test_8_a_shift_whose_hours_are_posted_cannot_be_cancelled(team, volunteer, phone, leader):
    shift = shift_of(team, volunteer, "09:00", "12:00")
    send(phone, shift, volunteer, "09:00", "12:00")
    confirm_sheet(shift=shift, by=leader)

    response = phone.post(reverse("shifts:cancel", args=[shift.pk]), {"reason": "下雨"}, HTTP_ACCEPT_LANGUAGE="en")

    shift.refresh_from_db()
    assert not shift.is_cancelled and response.status_code in (200, 302)


def test_13_the_mark_endpoint_never_names_someone_off_the_sheet(team, volunteer, phone):
    """A leader posting volunteer=N to a shift's mark endpoint must not learn N's name."""
    shift = shift_of(team, volunteer, "09:00", "12:00")
    stranger = VolunteerFactory(real_name="周晓燕")  # another office's volunteer

    response = phone.post(
        reverse("shifts:attendance_mark", args=[shift.pk]),
        {"volunteer": stranger.pk, "action": "absent"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert "周晓燕" not in page
    assert "This person is not on the roster of this shift." in page
    assert not Attendance.objects.filter(volunteer=stranger).exists()
