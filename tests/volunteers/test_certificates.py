import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.phones import national_phone
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.volunteers.ledger_helpers import at, post
from volunteers import certificates, ledger
from volunteers.identity import mask_id_number
from volunteers.models import Certificate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def team():
    return TeamFactory(name="阳光助老队")


@pytest.fixture
def person(team):
    volunteer = volunteer_in(team)
    volunteer.real_name = "欧阳明"
    volunteer.save()
    post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    post(volunteer, team, key="b", starts_at=at(datetime.date(2026, 4, 2)), minutes=90)
    post(volunteer, team, key="c", starts_at=at(datetime.date(2025, 4, 2)), minutes=600)
    return volunteer


def issue(person, team, **kwargs) -> Certificate:
    options = {"period_from": datetime.date(2026, 1, 1), "period_to": datetime.date(2026, 6, 30), "today": TODAY}
    return certificates.issue_certificate(volunteer=person, office=team.office, by=None, **{**options, **kwargs})


def test_a_certificate_freezes_the_periods_totals_by_team_and_activity(person, team):
    certificate = issue(person, team)

    assert (certificate.total_minutes_period, certificate.total_minutes_all) == (210, 810)
    assert certificate.by_team == [{"team": team.name, "minutes": 210}]
    assert certificate.by_activity == [{"activity": "独居老人探访", "minutes": 210}]
    assert re.fullmatch(r"ZY2026[A-Z2-9]{8}", certificate.number)
    assert len(certificate.verify_code) >= 20


def test_asking_again_returns_the_same_certificate_until_the_totals_change(person, team):
    first = issue(person, team)

    assert issue(person, team) == first
    record = person.service_records.get(source_key="a")
    ledger.correct_record(record=record, minutes=60, reason="签退时间有误", by=person.user)
    second = issue(person, team)
    assert second != first
    assert second.total_minutes_period == 150


def test_numbers_and_codes_are_unique(person, team):
    issued = [issue(person, team, period_from=datetime.date(2026, 1, day)) for day in range(1, 29)]

    assert len({c.number for c in issued}) == len({c.verify_code for c in issued}) == 28
    assert len({certificates.new_number(2026) for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    ("period_from", "period_to"),
    [(datetime.date(2026, 5, 1), datetime.date(2026, 4, 1)), (datetime.date(2026, 1, 1), datetime.date(2026, 12, 1))],
)
def test_a_period_backwards_or_in_the_future_is_refused(person, team, period_from, period_to):
    with pytest.raises(ValidationError):
        issue(person, team, period_from=period_from, period_to=period_to)


def test_nobody_without_service_gets_a_certificate(team):
    with pytest.raises(ValidationError):
        issue(volunteer_in(team), team)


def test_a_volunteer_downloads_their_certificate_from_my_hours(person, client_for):
    client = client_for(person.user)

    hours = client.get(reverse("volunteers:hours")).content.decode()
    response = client.get(reverse("volunteers:certificate"), {"from": "2026-01-01", "to": "2026-06-30"})

    assert reverse("volunteers:certificate") in hours
    certificate = Certificate.objects.get(volunteer=person)
    assert response["Location"] == certificate.get_absolute_url()
    assert (
        client.get(reverse("volunteers:certificate"), {"from": "2026-01-01", "to": "2026-06-30"})["Location"]
        == certificate.get_absolute_url()
    )
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert person.real_name in html
    assert mask_id_number(person.id_number) in html
    assert person.id_number not in html
    assert national_phone(person.user.phone) not in html
    assert certificate.number in html
    assert "<svg" in html
    assert f"http://testserver{reverse('volunteers:verify', args=[certificate.verify_code])}" in html
    assert "3.5" in html and "13.5" in html  # 210 min in the period, 810 min all time


def test_bad_dates_go_back_to_my_hours_with_a_message(person, client_for):
    response = client_for(person.user).get(reverse("volunteers:certificate"), {"from": "yesterday"})

    assert response["Location"] == reverse("volunteers:hours")
    assert not Certificate.objects.exists()


def test_staff_issue_one_for_someone_in_their_offices(person, team, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    other_staff = OfficeStaffFactory().user
    url = reverse("volunteers:certificate_issue", args=[person.pk])
    data = {"from": "2026-01-01", "to": "2026-06-30"}

    assert f'action="{url}"' in client_for(staff).get(person.get_absolute_url()).content.decode()
    assert client_for(other_staff).post(url, data).status_code == 404
    response = client_for(staff).post(url, data)

    certificate = Certificate.objects.get(volunteer=person)
    assert response["Location"] == certificate.get_absolute_url()
    assert certificate.issued_by == staff
    assert client_for(staff).get(certificate.get_absolute_url()).status_code == 200
    assert client_for(other_staff).get(certificate.get_absolute_url()).status_code == 404
    assert client_for(volunteer_in(team).user).get(certificate.get_absolute_url()).status_code == 404


def test_the_verification_page_is_public_and_masked(person, team, client):
    certificate = issue(person, team)
    url = reverse("volunteers:verify", args=[certificate.verify_code])

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="valid"' in html
    assert "欧*" in html and certificate.number in html and team.office.name in html
    assert person.real_name not in html
    assert person.id_number not in html
    assert mask_id_number(person.id_number) not in html
    assert national_phone(person.user.phone) not in html


def test_the_verification_page_for_an_unknown_or_withdrawn_certificate(person, team, client):
    certificate = issue(person, team)
    certificates.withdraw_certificate(certificate=certificate)

    unknown = client.get(reverse("volunteers:verify", args=["not-a-code"]))
    withdrawn = client.get(reverse("volunteers:verify", args=[certificate.verify_code]))

    assert unknown.status_code == 404 and 'data-testid="unknown"' in unknown.content.decode()
    assert withdrawn.status_code == 200 and 'data-testid="withdrawn"' in withdrawn.content.decode()
    assert person.real_name not in withdrawn.content.decode()
    # Asked again, a withdrawn certificate is not handed out: a new one is issued.
    assert issue(person, team) != certificate


def test_a_staff_certificate_office_needs_a_team_of_theirs(person, team):
    assert certificates.staff_certificate_office(OfficeStaffFactory(office=team.office).user, person) == team.office
    assert certificates.staff_certificate_office(OfficeStaffFactory().user, person) is None
    assert certificates.own_certificate_office(person) == team.office
    assert certificates.own_certificate_office(VolunteerFactory()) is None
