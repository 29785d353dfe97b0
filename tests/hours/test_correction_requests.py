import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from hours import ledger, requests
from hours.models import CorrectionRequest, ServiceRecord
from tests.factories import CommunityFactory, OfficeStaffFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 6)


@pytest.fixture
def staff(team):
    return OfficeStaffFactory(office=team.office).user


def ask(record, volunteer, minutes=180, reason="签退时忘了扫码"):
    return requests.ask_correction(record=record, by=volunteer.user, minutes=minutes, reason=reason)


def test_a_volunteer_asks_from_my_hours_and_sees_the_request_waiting(client_for, record, volunteer):
    client = client_for(volunteer.user)
    url = reverse("hours:correction_request", args=[record.pk])
    assert client.get(reverse("hours:my_hours")).content.decode().count(url) == 1

    response = client.post(url, {"hours": "2.5", "reason": "签退时忘了扫码"})

    assert response.status_code == 302
    assert response["Location"] == reverse("hours:my_hours")
    request = CorrectionRequest.objects.get()
    assert (request.requested_minutes, request.requested_by, request.state) == (150, volunteer.user, "pending")
    page = client.get(reverse("hours:my_hours")).content.decode()
    assert str(CorrectionRequest.State.PENDING.label) in page
    assert url not in page  # no second request while one waits
    assert client.post(url, {"hours": "2", "reason": "again"}).status_code == 200
    assert CorrectionRequest.objects.count() == 1


def test_someone_elses_record_is_not_found(client_for, record):
    other = VolunteerFactory()
    response = client_for(other.user).post(
        reverse("hours:correction_request", args=[record.pk]), {"hours": "3", "reason": "x"}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        requests.ask_correction(record=record, by=other.user, minutes=180, reason="x")


@pytest.mark.parametrize(("minutes", "reason"), [(181, "too long"), (120, "the same time"), (60, " ")])
def test_impossible_requests_are_refused(record, volunteer, minutes, reason):
    with pytest.raises(ValidationError):
        ask(record, volunteer, minutes=minutes, reason=reason)
    assert not CorrectionRequest.objects.exists()


def test_staff_approve_the_ledger_corrects_and_the_volunteer_is_notified(client_for, record, volunteer, staff):
    request = ask(record, volunteer)
    client = client_for(staff)
    queue = client.get(reverse("hours:correction_queue")).content.decode()
    assert volunteer.real_name in queue

    response = client.post(reverse("hours:correction_decide", args=[request.pk]), {"decision": "approve"})

    assert response["Location"] == reverse("hours:correction_queue")
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("approved", staff)
    reversal = ServiceRecord.objects.get(reverses=record)
    replacement = ServiceRecord.objects.get(source_key=f"correction:{record.pk}")
    assert (reversal.minutes, replacement.minutes) == (-120, 180)
    assert (replacement.approved_by, replacement.reason) == (staff, "签退时忘了扫码")
    assert ledger.totals(volunteer, today=DAY)["all_time"] == 180
    notification = Notification.objects.get(user=volunteer.user)
    assert "2026-03-06" in notification.message
    assert notification.link == reverse("hours:my_hours")


def test_a_refusal_needs_a_note_which_the_volunteer_sees(client_for, record, volunteer, staff):
    request = ask(record, volunteer)
    decide = reverse("hours:correction_decide", args=[request.pk])
    client_for(staff).post(decide, {"decision": "refuse"})
    request.refresh_from_db()
    assert request.state == "pending"

    client_for(staff).post(decide, {"decision": "refuse", "note": "签到记录显示两小时"})

    request.refresh_from_db()
    assert (request.state, request.decision_note) == ("refused", "签到记录显示两小时")
    assert ServiceRecord.objects.count() == 1
    assert Notification.objects.filter(user=volunteer.user, message__contains="签到记录显示两小时").exists()
    page = client_for(volunteer.user).get(reverse("hours:my_hours")).content.decode()
    assert "签到记录显示两小时" in page


def test_staff_of_another_office_cannot_decide(client_for, record, volunteer):
    request = ask(record, volunteer)
    stranger = OfficeStaffFactory(office=CommunityFactory()).user

    response = client_for(stranger).post(reverse("hours:correction_decide", args=[request.pk]), {"decision": "approve"})

    assert response.status_code == 404
    assert volunteer.real_name not in client_for(stranger).get(reverse("hours:correction_queue")).content.decode()
    request.refresh_from_db()
    assert request.state == "pending"


def test_staff_do_not_approve_their_own_request(team):
    volunteer = volunteer_in(team)
    OfficeStaffFactory(office=team.office, user=volunteer.user)
    record = post(volunteer, team, key="attendance:1", starts_at=at(DAY), minutes=120, length=180)
    request = ask(record, volunteer)

    with pytest.raises(ValidationError):
        requests.decide_correction(correction=request, by=volunteer.user, approve=True)
    assert not ServiceRecord.objects.filter(reverses=record).exists()


def test_a_request_is_decided_once_and_a_record_corrected_meanwhile_cannot_be_approved(record, volunteer, staff):
    request = ask(record, volunteer)
    ledger.correct_record(record=record, minutes=60, reason="队长更正", by=staff)

    with pytest.raises(ValidationError):
        requests.decide_correction(correction=request, by=staff, approve=True)
    requests.decide_correction(correction=request, by=staff, approve=False, note="已由队长更正")
    with pytest.raises(ValidationError):
        requests.decide_correction(correction=request, by=staff, approve=False, note="again")


def test_corrections_follow_the_teams_unit_whoever_makes_them(record, volunteer, staff):
    with translation.override("en"), pytest.raises(ValidationError, match="steps of 30 minutes"):
        ask(record, volunteer, minutes=45)
    with translation.override("en"), pytest.raises(ValidationError, match="steps of 30 minutes"):
        requests.correct_by_office(record=record, by=staff, minutes=170, reason="按纸质签到表")
    assert not CorrectionRequest.objects.exists()
    assert ServiceRecord.objects.count() == 1
