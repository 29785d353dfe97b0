import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from hours import ledger, requests
from hours.models import BackfillRequest, ServiceRecord
from teams.models import Membership
from tests.factories import CommunityFactory, LeaderFactory, OfficeStaffFactory, TeamFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 6)


@pytest.fixture
def leader(team):
    return volunteer_in(team, role=Membership.Role.LEADER)


@pytest.fixture
def staff(team):
    return OfficeStaffFactory(office=team.office).user


def ask(team, volunteer, by, *, start=9, end=12, minutes=180, reason="扫码器没电，纸质签到"):
    return requests.ask_backfill(
        team=team,
        volunteer=volunteer,
        by=by,
        starts_at=at(DAY, start),
        ends_at=at(DAY, end),
        activity="敬老院探访",
        place="夕阳红敬老院",
        minutes=minutes,
        reason=reason,
    )


def test_a_leader_asks_and_staff_approve_a_labelled_backfill(client_for, team, volunteer, leader, staff):
    url = reverse("hours:backfill_request", args=[team.pk])
    response = client_for(leader.user).post(
        url,
        {
            "volunteer": volunteer.pk,
            "service_date": "2026-03-06",
            "start_time": "09:00",
            "end_time": "11:30",
            "activity": "敬老院探访",
            "hours": "2.5",
            "reason": "扫码器没电，纸质签到",
        },
    )
    assert response.status_code == 302
    backfill = BackfillRequest.objects.get()
    assert (backfill.minutes, backfill.requested_by, backfill.office) == (150, leader.user, team.office)
    assert "敬老院探访" in client_for(staff).get(reverse("hours:backfill_queue")).content.decode()

    client_for(staff).post(reverse("hours:backfill_decide", args=[backfill.pk]), {"decision": "approve"})

    backfill.refresh_from_db()
    assert (backfill.state, backfill.decided_by) == ("approved", staff)
    record = ServiceRecord.objects.get()
    assert (record.kind, record.minutes, record.source_key) == ("backfill", 150, f"backfill:{backfill.pk}")
    assert (record.recorded_by, record.approved_by, record.reason) == (leader.user, staff, "扫码器没电，纸质签到")
    assert record.reported_month == datetime.date(2026, 3, 1)
    assert Notification.objects.filter(user=volunteer.user).count() == 1
    assert Notification.objects.filter(user=leader.user).count() == 1
    page = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()
    assert 'data-kind="backfill"' in page


def test_approval_by_the_requester_is_refused(team, volunteer):
    # Staff may ask for a backfill too, but then another person approves it (rule 8).
    staff = OfficeStaffFactory(office=team.office).user
    backfill = ask(team, volunteer, staff)

    with pytest.raises(ValidationError):
        requests.decide_backfill(backfill=backfill, by=staff, approve=True)

    backfill.refresh_from_db()
    assert backfill.state == "pending"
    assert not ServiceRecord.objects.exists()
    requests.decide_backfill(backfill=backfill, by=OfficeStaffFactory(office=team.office).user, approve=True)
    assert ServiceRecord.objects.get().kind == "backfill"


def test_the_volunteer_does_not_approve_their_own_backfill(team, leader):
    staff_volunteer = volunteer_in(team)
    OfficeStaffFactory(office=team.office, user=staff_volunteer.user)
    backfill = ask(team, staff_volunteer, leader.user)
    with pytest.raises(ValidationError):
        requests.decide_backfill(backfill=backfill, by=staff_volunteer.user, approve=True)


def test_a_leader_cannot_approve_and_staff_of_another_office_cannot_either(client_for, team, volunteer, leader):
    backfill = ask(team, volunteer, leader.user)
    other_leader = volunteer_in(team, role=Membership.Role.LEADER).user
    stranger = OfficeStaffFactory(office=CommunityFactory()).user
    for user in (other_leader, stranger):
        response = client_for(user).post(reverse("hours:backfill_decide", args=[backfill.pk]), {"decision": "approve"})
        assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


def test_a_backfill_longer_than_the_scheduled_length_is_refused(team, volunteer, leader):
    with pytest.raises(ValidationError):
        ask(team, volunteer, leader.user, start=9, end=11, minutes=150)
    assert not BackfillRequest.objects.exists()


def test_a_backfill_overlapping_a_credited_record_is_refused(team, volunteer, leader, staff):
    backfill = ask(team, volunteer, leader.user, start=9, end=12)
    post(volunteer, team, key="attendance:9", starts_at=at(DAY, 11), minutes=60)  # posted after the request

    with pytest.raises(ValidationError):
        requests.decide_backfill(backfill=backfill, by=staff, approve=True)
    assert ServiceRecord.objects.count() == 1
    with pytest.raises(ValidationError):
        ask(team, volunteer, leader.user, start=10, end=12, minutes=60)


def test_a_backfill_needs_a_reason_a_member_and_a_past_date(team, volunteer, leader):
    with pytest.raises(ValidationError):
        ask(team, volunteer, leader.user, reason="  ")
    with pytest.raises(ValidationError):
        ask(team, volunteer_in(TeamFactory()), leader.user)
    with pytest.raises(ValidationError):
        requests.ask_backfill(
            team=team,
            volunteer=volunteer,
            by=leader.user,
            starts_at=at(datetime.date.today() + datetime.timedelta(days=2)),
            ends_at=at(datetime.date.today() + datetime.timedelta(days=2), 10),
            activity="x",
            minutes=60,
            reason="x",
        )


def test_a_leader_of_another_team_cannot_ask(team, volunteer):
    other_leader = LeaderFactory(team=TeamFactory()).user
    with pytest.raises(ValidationError):
        ask(team, volunteer, other_leader)


def test_a_refusal_needs_a_note_and_posts_nothing(team, volunteer, leader, staff):
    backfill = ask(team, volunteer, leader.user)
    with pytest.raises(ValidationError):
        requests.decide_backfill(backfill=backfill, by=staff, approve=False)
    requests.decide_backfill(backfill=backfill, by=staff, approve=False, note="没有纸质签到表")
    backfill.refresh_from_db()
    assert (backfill.state, backfill.decision_note) == ("refused", "没有纸质签到表")
    assert ledger.totals(volunteer)["all_time"] == 0


def _backfill_form(**changes) -> dict:
    return {
        "service_date": "2026-03-06",
        "start_time": "09:00",
        "end_time": "17:00",
        "activity": "敬老院探访",
        "break_minutes": "60",
        "hours": "7",
        "reason": "扫码器没电，纸质签到",
    } | changes


@pytest.mark.parametrize(
    ("changes", "minutes", "error"),
    [
        pytest.param({}, 420, None, id="net of the break"),
        # The model's own checks come back as the form's general errors.
        pytest.param({"hours": "7.5"}, None, "__all__", id="over the net length"),
        pytest.param({"break_minutes": "480", "hours": "1"}, None, "__all__", id="break as long as the day"),
        pytest.param(
            {"start_time": "22:00", "end_time": "02:00", "break_minutes": "", "hours": "4"}, 240, None, id="night"
        ),
        pytest.param({"end_time": "09:00"}, None, "end_time", id="no time at all"),
    ],
)
def test_a_backfill_credits_at_most_the_time_less_its_break_and_may_run_past_midnight(
    client_for, team, volunteer, leader, staff, changes, minutes, error
):
    form = _backfill_form(volunteer=volunteer.pk, **changes)

    response = client_for(leader.user).post(reverse("hours:backfill_request", args=[team.pk]), form)

    if error is not None:
        assert response.status_code == 200
        assert list(response.context["form"].errors) == [error]
        assert not BackfillRequest.objects.exists()
        return
    backfill = BackfillRequest.objects.get()
    assert backfill.minutes == minutes and backfill.ends_at > backfill.starts_at
    requests.decide_backfill(backfill=backfill, by=staff, approve=True)
    record = ServiceRecord.objects.get()
    assert (record.minutes, ledger.scheduled_length(record)) == (minutes, minutes)


def test_a_backfill_follows_the_teams_unit_and_says_so(team, volunteer, leader):
    expected = re.escape("steps of 30 minutes, the team's unit: 1.5 h or 2 h")
    with translation.override("en"), pytest.raises(ValidationError, match=expected):
        ask(team, volunteer, leader.user, minutes=100)
    assert ask(team, volunteer, leader.user, minutes=120).minutes == 120


def test_a_whole_service_shorter_than_the_unit_is_backfilled_in_full(team, volunteer, leader):
    backfill = requests.ask_backfill(
        team=team,
        volunteer=volunteer,
        by=leader.user,
        starts_at=at(DAY, 9),
        ends_at=at(DAY, 9, 20),
        activity="晨间测温",
        minutes=20,
        reason="纸质签到",
    )
    assert backfill.minutes == 20


@pytest.mark.parametrize(
    ("language", "start", "end"), [("zh-hans", "开始时间", "结束时间"), ("en", "Start time", "End time")]
)
def test_the_backfill_forms_start_and_end_are_labelled_and_typed_as_times(
    client_for, team, leader, language, start, end
):
    """Issue 14: they were labelled with the words of the date filters (起始日期, 结束日期)."""
    url = reverse("hours:backfill_request", args=[team.pk])
    query = {"date": "2026-03-06", "from": "09:00", "to": "12:00"}
    html = client_for(leader.user).get(url, query, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert re.search(rf'<label for="id_start_time">{start}[:：]?</label>', html)
    assert re.search(rf'<label for="id_end_time">{end}[:：]?</label>', html)
    assert re.search(r'<input type="time" name="start_time" value="09:00"', html)
    assert re.search(r'<input type="time" name="end_time" value="12:00"', html)
    assert re.search(r'<input type="date" name="service_date" value="2026-03-06"', html)
    assert "起始日期" not in html and "结束日期" not in html
