import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.phones import national_phone
from hours import certificates, ledger
from hours.models import Certificate
from teams.models import Membership
from teams.permissions import may_see_person
from tests.factories import (
    CommunityFactory,
    LeaderFactory,
    OfficeStaffFactory,
    TeamFactory,
    VolunteerFactory,
    resident_id,
    volunteer_in,
)
from tests.hours.ledger_helpers import at, post
from volunteers.identity import mask_id_number

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

    hours = client.get(reverse("hours:my_hours")).content.decode()
    response = client.post(reverse("hours:my_certificate"), {"from": "2026-01-01", "to": "2026-06-30"})

    assert reverse("hours:my_certificate") in hours
    certificate = Certificate.objects.get(volunteer=person)
    assert response["Location"] == certificate.get_absolute_url()
    assert (
        client.post(reverse("hours:my_certificate"), {"from": "2026-01-01", "to": "2026-06-30"})["Location"]
        == certificate.get_absolute_url()
    )
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert person.real_name in html
    assert mask_id_number(person.id_number) in html
    assert person.id_number not in html
    assert national_phone(person.user.phone) not in html
    assert certificate.number in html
    assert "<svg" in html
    assert f"http://testserver{reverse('hours:verify', args=[certificate.verify_code])}" in html
    assert "3.5" in html and "13.5" in html  # 210 min in the period, 810 min all time


def test_a_certificate_is_never_issued_by_a_get(person, client_for):
    response = client_for(person.user).get(reverse("hours:my_certificate"), {"from": "2026-01-01", "to": "2026-06-30"})

    assert response.status_code == 405
    assert not Certificate.objects.exists()


def test_bad_dates_go_back_to_my_hours_with_a_message(person, client_for):
    response = client_for(person.user).post(reverse("hours:my_certificate"), {"from": "yesterday"})

    assert response["Location"] == reverse("hours:my_hours")
    assert not Certificate.objects.exists()


def test_staff_issue_one_for_someone_in_their_offices(person, team, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    other_staff = OfficeStaffFactory().user
    url = reverse("hours:certificate_issue", args=[person.pk])
    data = {"from": "2026-01-01", "to": "2026-06-30"}

    profile = client_for(staff).get(person.get_absolute_url()).content.decode()
    assert f'action="{url}"' in profile
    today = timezone.localdate()
    # The form offers this year so far, as the volunteer's own does.
    assert f'name="from" value="{today:%Y}-01-01"' in profile and f'name="to" value="{today:%Y-%m-%d}"' in profile
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
    url = reverse("hours:verify", args=[certificate.verify_code])

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="valid"' in html
    assert "欧*" in html and certificate.number in html and team.office.name in html
    assert person.real_name not in html
    assert person.id_number not in html
    assert mask_id_number(person.id_number) not in html
    assert national_phone(person.user.phone) not in html


def test_a_certificate_says_what_it_said_when_issued_after_the_profile_changes(person, team, client, client_for):
    certificate = issue(person, team)
    issued_id = mask_id_number(person.id_number)
    person.real_name = "王小明"
    person.id_number = resident_id(77, datetime.date(1960, 5, 1), male=True)
    person.save()

    page = client_for(person.user).get(certificate.get_absolute_url()).content.decode()
    verify = client.get(reverse("hours:verify", args=[certificate.verify_code])).content.decode()

    assert "欧阳明" in page and issued_id in page
    assert "王小明" not in page and mask_id_number(person.id_number) not in page
    assert "欧*" in verify and "王*" not in verify


def test_the_verification_page_for_an_unknown_or_withdrawn_certificate(person, team, client):
    certificate = issue(person, team)
    certificates.withdraw_certificate(certificate=certificate, by=None, reason="时长登记有误")

    unknown = client.get(reverse("hours:verify", args=["not-a-code"]))
    withdrawn = client.get(reverse("hours:verify", args=[certificate.verify_code]))

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


# ---------------------------------------------------------------- withdrawal


REASON = "欧阳明的3月记录重复登记"
WITHDRAW = {"reason": REASON, "confirm": "on"}


def withdraw_url(certificate: Certificate) -> str:
    return reverse("hours:certificate_withdraw", args=[certificate.pk])


def test_withdrawing_needs_a_reason_and_happens_once(person, team):
    staff = OfficeStaffFactory(office=team.office).user
    certificate = issue(person, team)

    with pytest.raises(ValidationError):
        certificates.withdraw_certificate(certificate=certificate, by=staff, reason="  ")
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None

    first = certificates.withdraw_certificate(certificate=certificate, by=staff, reason=f" {REASON} ")
    again = certificates.withdraw_certificate(certificate=certificate, by=OfficeStaffFactory().user, reason="另一个")

    assert (first.withdrawn_by, first.withdrawn_reason) == (staff, REASON)
    assert (again.withdrawn_at, again.withdrawn_by, again.withdrawn_reason) == (first.withdrawn_at, staff, REASON)
    assert Notification.objects.filter(user=person.user).count() == 1


def test_staff_withdraw_a_certificate_from_its_page(person, team, client, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    staff_client = client_for(staff)
    certificate = issue(person, team)
    verify_url = reverse("hours:verify", args=[certificate.verify_code])
    page = staff_client.get(certificate.get_absolute_url()).content.decode()
    before = client.get(verify_url).content.decode()

    assert f'action="{withdraw_url(certificate)}"' in page and "csrfmiddlewaretoken" in page
    assert 'name="confirm"' in page and 'name="reason"' in page
    assert 'data-testid="valid"' in before

    # Neither without a reason nor without ticking the confirmation.
    for data in ({"confirm": "on"}, {"reason": REASON}, {"reason": "   ", "confirm": "on"}):
        response = staff_client.post(withdraw_url(certificate), data)
        assert response["Location"] == certificate.get_absolute_url()
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None
    assert not Notification.objects.filter(user=person.user).exists()

    response = staff_client.post(withdraw_url(certificate), WITHDRAW)

    assert response["Location"] == certificate.get_absolute_url()
    certificate.refresh_from_db()
    assert (certificate.withdrawn_by, certificate.withdrawn_reason) == (staff, REASON)
    withdrawn_on = f"{timezone.localtime(certificate.withdrawn_at):%Y-%m-%d}"
    after = client.get(verify_url).content.decode()
    assert 'data-testid="withdrawn"' in after and 'data-testid="valid"' not in after
    assert withdrawn_on in after and REASON not in after
    notification = Notification.objects.get(user=person.user)
    assert certificate.number in notification.message and REASON not in notification.message
    assert notification.link == certificate.get_absolute_url()
    # The holder sees it withdrawn, not why; the staff see why, and no second withdrawal form.
    own = client_for(person.user).get(certificate.get_absolute_url()).content.decode()
    assert 'data-testid="withdrawn"' in own and withdrawn_on in own
    assert REASON not in own and 'data-testid="withdraw-form"' not in own
    staff_page = staff_client.get(certificate.get_absolute_url()).content.decode()
    assert REASON in staff_page and 'data-testid="withdraw-form"' not in staff_page

    # Withdrawing twice is harmless: nothing changes, nobody is told again.
    assert staff_client.post(withdraw_url(certificate), {**WITHDRAW, "reason": "再撤一次"}).status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).withdrawn_reason == REASON
    assert Notification.objects.filter(user=person.user).count() == 1


def test_the_holder_sees_no_withdrawal_form(person, team, client_for):
    certificate = issue(person, team)

    page = client_for(person.user).get(certificate.get_absolute_url()).content.decode()

    assert withdraw_url(certificate) not in page and 'data-testid="withdrawn"' not in page


@pytest.mark.parametrize("who", ["holder", "leader", "member", "other_office_staff", "sister_community_staff"])
def test_only_staff_of_the_recording_office_or_above_may_withdraw(person, team, client_for, who):
    certificate = issue(person, team)
    user = {
        "holder": lambda: person.user,
        "leader": lambda: volunteer_in(team, role=Membership.Role.LEADER).user,
        "member": lambda: volunteer_in(team).user,
        "other_office_staff": lambda: OfficeStaffFactory().user,
        "sister_community_staff": lambda: OfficeStaffFactory(office=CommunityFactory(parent=team.office.parent)).user,
    }[who]()

    # Not found rather than forbidden, as everywhere in the site (teams/mixins.py).
    assert client_for(user).post(withdraw_url(certificate), WITHDRAW).status_code == 404
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None
    assert not Notification.objects.filter(user=person.user).exists()


def test_staff_of_the_street_above_may_withdraw(person, team, client_for):
    certificate = issue(person, team)
    street_staff = OfficeStaffFactory(office=team.office.parent).user

    assert client_for(street_staff).post(withdraw_url(certificate), WITHDRAW).status_code == 302
    certificate.refresh_from_db()
    assert certificate.withdrawn_by == street_staff


def test_withdrawal_is_post_only(person, team, client_for):
    certificate = issue(person, team)

    assert client_for(OfficeStaffFactory(office=team.office).user).get(withdraw_url(certificate)).status_code == 405


# ---------------------------------------------------------------- the staff list


LIST_URL = reverse("hours:certificate_list")


def _certify(team, how_many: int, start: int = 0) -> list[Certificate]:
    issued = []
    for number in range(start, start + how_many):
        volunteer = volunteer_in(team)
        post(
            volunteer,
            team,
            key=f"list{team.pk}-{number}",
            starts_at=at(datetime.date(2026, 3, 1 + number % 28)),
            minutes=60,
        )
        issued.append(issue(volunteer, team))
    return issued


def _listed(response) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', response.content.decode())


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("street", [False, True], ids=["community", "street"])
def test_the_list_asks_the_same_number_of_queries_for_3_or_30_certificates(team, client_for, street):
    staff = OfficeStaffFactory(office=team.office.parent if street else team.office).user
    client = client_for(staff)
    _certify(team, 3)
    client.get(LIST_URL)  # warm the per-process caches (content types, templates)

    few = _queries(client)
    issued = _certify(team, 27, start=3)
    issued[0].volunteer.user.memberships.update(status=Membership.Status.LEFT)  # one masked name among them
    many = _queries(client)

    assert many == few
    assert len(_listed(client.get(LIST_URL))) == 25  # a page
    assert few == _queries(client, {"number": issued[5].number[-4:]})


def test_the_list_shows_my_offices_certificates_newest_first_with_their_state(person, team, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    mine = issue(person, team)
    withdrawn = issue(person, team, period_from=datetime.date(2026, 2, 1))
    certificates.withdraw_certificate(certificate=withdrawn, by=staff, reason=REASON)
    other_team = TeamFactory()
    elsewhere = _certify(other_team, 1)[0]
    sister = TeamFactory(office=CommunityFactory(parent=team.office.parent))
    in_sister = _certify(sister, 1)[0]

    community = client_for(staff).get(LIST_URL)
    street = client_for(OfficeStaffFactory(office=team.office.parent).user).get(LIST_URL)

    html = community.content.decode()
    assert _listed(community) == [withdrawn.number, mine.number]
    assert person.real_name in html and team.office.name in html
    assert "2026-02-01 – 2026-06-30" in html and "3.5" in html
    assert f"{timezone.localtime(withdrawn.withdrawn_at):%Y-%m-%d}" in html
    assert REASON not in html
    assert mine.get_absolute_url() in html
    assert elsewhere.number not in html and in_sister.number not in html
    assert set(_listed(street)) == {mine.number, withdrawn.number, in_sister.number}


def test_the_list_masks_names_of_people_outside_the_staffs_teams(person, team, client_for):
    certificate = issue(person, team)
    staff = OfficeStaffFactory(office=team.office).user
    person.user.memberships.update(status=Membership.Status.LEFT)

    html = client_for(staff).get(LIST_URL).content.decode()

    assert certificate.number in html
    assert person.real_name not in html and person.public_name in html
    assert national_phone(person.user.phone) not in html and person.id_number not in html


def test_name_visible_follows_may_see_person(person, team):
    """The list asks may_see_person's rule once a page instead of once a row: both must agree."""
    issue(person, team)
    sister_team = TeamFactory(office=CommunityFactory(parent=team.office.parent))
    moved, gone, staff_holder = (_certify(team, 1, start=number)[0].volunteer for number in range(3))
    for volunteer in (moved, gone, staff_holder):
        volunteer.user.memberships.update(status=Membership.Status.LEFT)
    LeaderFactory(team=sister_team, user=moved.user, role=Membership.Role.MEMBER)  # moved to the sister team
    community_staff = OfficeStaffFactory(office=team.office).user
    leader_of_sister = OfficeStaffFactory(office=team.office).user
    LeaderFactory(team=sister_team, user=leader_of_sister)
    OfficeStaffFactory(office=team.office, user=staff_holder.user)
    street_staff = OfficeStaffFactory(office=team.office.parent).user

    seen = {}
    for user in (community_staff, leader_of_sister, staff_holder.user, street_staff):
        rows = list(certificates.certificates_for_staff(user))
        assert len(rows) == 4
        for row in rows:
            assert row.name_visible is may_see_person(user, row.volunteer.user)
        seen[user] = {row.volunteer for row in rows if row.name_visible}

    assert seen[community_staff] == {person}
    assert seen[leader_of_sister] == {person, moved}
    assert seen[staff_holder.user] == {person, staff_holder}
    assert seen[street_staff] == {person, moved}


def test_search_by_number(person, team, client_for):
    wanted = issue(person, team)
    others = _certify(team, 3)
    client = client_for(OfficeStaffFactory(office=team.office).user)

    exact = client.get(LIST_URL, {"number": wanted.number})
    typed = client.get(LIST_URL, {"number": f" {wanted.number[:6].lower()} {wanted.number[6:].lower()} "})
    nothing = client.get(LIST_URL, {"number": "ZY1999AAAA"})

    assert _listed(exact) == [wanted.number]
    assert _listed(typed) == [wanted.number]
    assert _listed(nothing) == []
    assert all(other.number not in exact.content.decode() for other in others)


def test_the_list_is_for_office_staff_and_linked_from_their_home(person, team, client_for):
    staff = OfficeStaffFactory(office=team.office).user
    leader = volunteer_in(team, role=Membership.Role.LEADER).user

    assert LIST_URL in client_for(staff).get(reverse("volunteers:home")).content.decode()
    assert LIST_URL not in client_for(person.user).get(reverse("volunteers:home")).content.decode()
    assert client_for(person.user).get(LIST_URL).status_code == 404
    assert client_for(leader).get(LIST_URL).status_code == 404
