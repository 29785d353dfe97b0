"""Office staff correct a record directly; a team leader asks them to (DESIGN rules 8, 9)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from hours import ledger, requests
from hours.models import CorrectionRequest, ServiceRecord
from tests.factories import (
    CommunityFactory,
    LeaderFactory,
    OfficeStaffFactory,
    TeamFactory,
    VolunteerFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import at, post
from tests.permission_world import COMMUNITY_A_STAFF, ROLES, STREET_STAFF, SUPERUSER, build_world

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 6)
REASON = "签退时忘了扫码"


@pytest.fixture
def staff(team):
    return OfficeStaffFactory(office=team.office, user=VolunteerFactory(real_name="孙社区干事").user).user


@pytest.fixture
def street_staff(team):
    return OfficeStaffFactory(office=team.office.parent).user


@pytest.fixture
def leader(team):
    return volunteer_in(team, role="leader")


def correct_url(record) -> str:
    return reverse("hours:record_correct", args=[record.pk])


def ask_url(record) -> str:
    return reverse("hours:record_correction_ask", args=[record.pk])


def records_url(volunteer) -> str:
    return reverse("hours:volunteer_records", args=[volunteer.pk])


def corrections_of(record) -> tuple[ServiceRecord | None, ServiceRecord | None]:
    return (
        ServiceRecord.objects.filter(reverses=record).first(),
        ServiceRecord.objects.filter(source_key=f"correction:{record.pk}").first(),
    )


# ---------------------------------------------------------------- staff correct


@pytest.mark.parametrize("who", ["staff", "street_staff"])
def test_staff_of_the_recording_office_or_above_correct_a_record_from_the_volunteers_records(
    client_for, request, record, volunteer, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    page = client.get(records_url(volunteer)).content.decode()
    assert correct_url(record) in page
    assert client.get(correct_url(record)).status_code == 200

    response = client.post(correct_url(record), {"hours": "2.5", "reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == records_url(volunteer)
    reversal, replacement = corrections_of(record)
    assert (reversal.minutes, replacement.minutes) == (-120, 150)
    for row in (reversal, replacement):
        assert (row.kind, row.recorded_by, row.approved_by, row.reason) == ("correction", user, user, REASON)
        assert row.recorded_at is not None
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 150
    notification = Notification.objects.get(user=volunteer.user)
    assert REASON in notification.message
    assert notification.link == reverse("hours:my_hours")


def test_the_volunteer_sees_the_correction_labelled_in_my_hours(client_for, record, volunteer, staff):
    requests.correct_by_office(record=record, by=staff, minutes=150, reason=REASON)

    page = client_for(volunteer.user).get(reverse("hours:my_hours"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.count('data-kind="correction"') == 2  # the reversal and the right value
    assert "Reversal" in page
    assert "Corrected value" in page
    assert 'data-testid="total-hours"><strong>2.5' in page


def test_zero_withdraws_the_record(client_for, record, volunteer, staff):
    response = client_for(staff).post(correct_url(record), {"hours": "0", "reason": "当天未到岗"})

    assert response.status_code == 302
    reversal, replacement = corrections_of(record)
    assert reversal.minutes == -120
    assert replacement is None
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"hours": "2.5", "reason": "  "}, "This field is required"),
        ({"hours": "3.5", "reason": REASON}, "At most 3 h"),
        ({"hours": "-1", "reason": REASON}, "greater than or equal to 0"),
        ({"hours": "两小时", "reason": REASON}, "Enter a number"),
        ({"hours": "2", "reason": REASON}, "That is the time already recorded"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(client_for, record, staff, data, error):
    response = client_for(staff).post(correct_url(record), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert error in response.content.decode()
    assert ServiceRecord.objects.count() == 1


def test_the_ledger_refuses_more_than_the_scheduled_length_whoever_calls(record, staff):
    with pytest.raises(ValidationError):
        requests.correct_by_office(record=record, by=staff, minutes=181, reason=REASON)
    assert ServiceRecord.objects.count() == 1


def test_a_reversed_record_cannot_be_corrected_again_but_the_newest_can(client_for, record, volunteer, staff):
    client = client_for(staff)
    client.post(correct_url(record), {"hours": "2.5", "reason": REASON})
    _reversal, replacement = corrections_of(record)

    again = client.post(correct_url(record), {"hours": "1", "reason": "再改"}, HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 200
    assert "This record has already been corrected." in again.content.decode()
    assert ServiceRecord.objects.count() == 3
    page = client.get(records_url(volunteer)).content.decode()
    assert correct_url(record) not in page
    assert correct_url(replacement) in page

    assert client.post(correct_url(replacement), {"hours": "3", "reason": "再核对"}).status_code == 302
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 180
    with pytest.raises(ValidationError):
        requests.correct_by_office(record=record, by=staff, minutes=60, reason="x")


def test_a_double_submit_corrects_once(client_for, record, volunteer, staff):
    client = client_for(staff)
    data = {"hours": "2.5", "reason": REASON}

    first = client.post(correct_url(record), data)
    second = client.post(correct_url(record), data)

    assert (first.status_code, second.status_code) == (302, 200)
    assert ServiceRecord.objects.filter(reverses=record).count() == 1
    assert ServiceRecord.objects.count() == 3
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 150


def test_staff_do_not_correct_their_own_record(team):
    volunteer = volunteer_in(team)
    OfficeStaffFactory(office=team.office, user=volunteer.user)
    record = post(volunteer, team, key="attendance:own", starts_at=at(DAY), minutes=120, length=180)

    with pytest.raises(ValidationError):
        requests.correct_by_office(record=record, by=volunteer.user, minutes=180, reason=REASON)
    assert ServiceRecord.objects.count() == 1


def test_the_form_needs_the_csrf_token(record, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(correct_url(record), {"hours": "2.5", "reason": REASON})

    assert response.status_code == 403
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_of_the_recording_office_or_above_post_a_correction(role):
    world = build_world()
    record = world.record_a

    world.client_for(role).post(correct_url(record), {"hours": "2.5", "reason": REASON})

    corrected = ServiceRecord.objects.filter(reverses=record).exists()
    assert corrected is (role in (COMMUNITY_A_STAFF, STREET_STAFF, SUPERUSER))
    # Member A's waiting request is decided with it.
    assert CorrectionRequest.objects.get(pk=world.correction_a.pk).state == ("refused" if corrected else "pending")


def _outsiders(team, volunteer):
    other_team = TeamFactory()
    return {
        "staff of another office": OfficeStaffFactory(office=CommunityFactory()).user,
        "leader of the team": LeaderFactory(team=team, user=VolunteerFactory().user).user,
        "leader of another team": LeaderFactory(team=other_team, user=VolunteerFactory().user).user,
        "member of the team": volunteer_in(team).user,
        "the volunteer": volunteer.user,
    }


def test_nobody_else_corrects_and_learns_nothing(client_for, team, record, volunteer):
    for who, user in _outsiders(team, volunteer).items():
        client = client_for(user)
        assert client.get(correct_url(record)).status_code == 404, who
        assert client.post(correct_url(record), {"hours": "2.5", "reason": REASON}).status_code == 404, who
        with pytest.raises(ValidationError):
            requests.correct_by_office(record=record, by=user, minutes=150, reason=REASON)
    assert ServiceRecord.objects.count() == 1


def test_records_of_an_office_the_volunteer_left_are_still_reached_by_its_staff(client_for, team, record, volunteer):
    volunteer.user.memberships.update(status="left")
    stranger = OfficeStaffFactory(office=CommunityFactory()).user

    assert client_for(OfficeStaffFactory(office=team.office).user).get(records_url(volunteer)).status_code == 200
    assert client_for(stranger).get(records_url(volunteer)).status_code == 404


# ---------------------------------------------------------------- a leader asks


def test_a_leader_asks_the_office_and_the_request_lands_in_the_queue(client_for, record, volunteer, leader, staff):
    leader_client = client_for(leader.user)
    page = leader_client.get(records_url(volunteer)).content.decode()
    assert ask_url(record) in page
    assert correct_url(record) not in page

    response = leader_client.post(ask_url(record), {"hours": "3", "reason": "扫码器没电，手工登记"})

    assert response["Location"] == records_url(volunteer)
    asked = CorrectionRequest.objects.get()
    assert (asked.requested_by, asked.requested_minutes, asked.state) == (leader.user, 180, "pending")
    assert not ServiceRecord.objects.filter(reverses=record).exists()  # a leader never corrects
    queue = client_for(staff).get(reverse("hours:correction_queue")).content.decode()
    assert "扫码器没电，手工登记" in queue
    assert leader.real_name in queue
    assert ask_url(record) not in leader_client.get(records_url(volunteer)).content.decode()  # one at a time
    assert leader_client.post(ask_url(record), {"hours": "2.5", "reason": "again"}).status_code == 200
    assert CorrectionRequest.objects.count() == 1


def test_the_decision_on_a_leaders_request_is_seen_by_the_leader_and_the_volunteer(
    client_for, record, volunteer, leader, staff
):
    asked = requests.ask_team_correction(record=record, by=leader.user, minutes=180, reason="扫码器没电")

    client_for(staff).post(reverse("hours:correction_decide", args=[asked.pk]), {"decision": "approve"})

    asked.refresh_from_db()
    assert (asked.state, asked.decided_by) == ("approved", staff)
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 180
    told_leader = Notification.objects.get(user=leader.user)
    assert volunteer.real_name in told_leader.message
    assert told_leader.link == records_url(volunteer)
    assert Notification.objects.get(user=volunteer.user).link == reverse("hours:my_hours")
    leader_page = client_for(leader.user).get(records_url(volunteer)).content.decode()
    assert str(CorrectionRequest.State.APPROVED.label) in leader_page
    my_hours = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()
    assert str(CorrectionRequest.State.APPROVED.label) in my_hours


def test_a_refusal_of_a_leaders_request_is_told_to_the_leader(client_for, record, volunteer, leader, staff):
    asked = requests.ask_team_correction(record=record, by=leader.user, minutes=180, reason="扫码器没电")

    requests.decide_correction(correction=asked, by=staff, approve=False, note="签到记录显示两小时")

    assert Notification.objects.filter(user=leader.user, message__contains="签到记录显示两小时").exists()
    assert "签到记录显示两小时" in client_for(leader.user).get(records_url(volunteer)).content.decode()


def test_the_leader_who_asked_does_not_decide(record, team, leader):
    OfficeStaffFactory(office=team.office, user=leader.user)
    asked = requests.ask_team_correction(record=record, by=leader.user, minutes=180, reason="扫码器没电")

    with pytest.raises(ValidationError):
        requests.decide_correction(correction=asked, by=leader.user, approve=True)


def test_leaders_of_another_team_and_members_cannot_ask(client_for, team, record, volunteer):
    for who, user in _outsiders(team, volunteer).items():
        if who in ("leader of the team", "staff of another office"):
            continue
        assert client_for(user).get(ask_url(record)).status_code == 404, who
        assert client_for(user).post(ask_url(record), {"hours": "3", "reason": "x"}).status_code == 404, who
        with pytest.raises(ValidationError):
            requests.ask_team_correction(record=record, by=user, minutes=180, reason="x")
    assert not CorrectionRequest.objects.exists()


def test_staff_are_sent_to_correct_it_themselves(client_for, record, staff):
    response = client_for(staff).get(ask_url(record))

    assert response.status_code == 302
    assert response["Location"] == correct_url(record)


def test_correcting_directly_decides_a_waiting_request(client_for, record, volunteer, leader, staff):
    asked = requests.ask_team_correction(record=record, by=leader.user, minutes=180, reason="扫码器没电")
    assert "扫码器没电" in client_for(staff).get(correct_url(record)).content.decode()

    requests.correct_by_office(record=record, by=staff, minutes=150, reason="按签到表核对")

    asked.refresh_from_db()
    assert (asked.state, asked.decided_by) == ("refused", staff)
    assert asked.decision_note
    assert Notification.objects.filter(user=leader.user, link=records_url(volunteer)).exists()


# ---------------------------------------------------------------- the records page


def test_a_leader_sees_only_the_records_of_the_team_they_run(client_for, team, record, volunteer, leader):
    other_team = TeamFactory(office=team.office)
    other = post(volunteer, other_team, key="attendance:other", starts_at=at(DAY, 14), minutes=60)

    page = client_for(leader.user).get(records_url(volunteer)).content.decode()

    assert page.count('data-kind="attendance"') == 1
    assert ask_url(record) in page
    assert ask_url(other) not in page
    assert f'href="{correct_url(other)}"' not in page


def test_the_volunteer_and_a_stranger_see_no_records_page(client_for, team, record, volunteer):
    for who, user in _outsiders(team, volunteer).items():
        if who == "leader of the team":
            continue
        assert client_for(user).get(records_url(volunteer)).status_code == 404, who


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["staff", "street_staff", "leader"])
def test_the_records_page_asks_the_same_number_of_queries_for_3_or_30_records(
    client_for, request, team, volunteer, who
):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)
    client = client_for(user)

    def add(start: int, count: int) -> None:
        for number in range(start, start + count):
            row = post(volunteer, team, key=f"attendance:{number}", starts_at=at(DAY - datetime.timedelta(days=number)))
            if number % 3 == 0:
                requests.ask_correction(record=row, by=volunteer.user, minutes=60, reason="少记")
            if number % 5 == 0:
                ledger.correct_record(record=row, minutes=90, reason="更正", by=None)

    add(0, 3)
    client.get(records_url(volunteer))  # warm the per-process caches
    few = _queries(client, records_url(volunteer))
    add(3, 27)
    many = _queries(client, records_url(volunteer))

    assert many == few


def test_the_profile_page_links_to_the_records_for_those_who_run_the_team_only(client_for, volunteer, leader, staff):
    detail = reverse("volunteers:detail", args=[volunteer.pk])

    assert records_url(volunteer) in client_for(staff).get(detail).content.decode()
    assert records_url(volunteer) in client_for(leader.user).get(detail).content.decode()
    assert records_url(volunteer) not in client_for(volunteer.user).get(detail).content.decode()


def test_a_request_filed_while_staff_wait_for_the_record_stops_the_correction(monkeypatch, record, leader, staff):
    """The leader's request commits between the staff's look at waiting requests and their lock
    on the record: the correction stops rather than leave it pending on a reversed record."""
    lock_record = ServiceRecord.objects.select_for_update

    def leader_gets_in_first(*args, **kwargs):
        monkeypatch.setattr(ServiceRecord.objects, "select_for_update", lock_record)
        requests.ask_team_correction(record=record, by=leader.user, minutes=180, reason="扫码器没电")
        return lock_record(*args, **kwargs)

    monkeypatch.setattr(ServiceRecord.objects, "select_for_update", leader_gets_in_first)

    with translation.override("en"), pytest.raises(ValidationError, match="just arrived"):
        requests.correct_by_office(record=record, by=staff, minutes=60, reason=REASON)
    assert ServiceRecord.objects.count() == 1
