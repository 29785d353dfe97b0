import datetime

import pytest
from django.urls import reverse

from teams.models import Membership
from tests.factories import (
    OfficeStaffFactory,
    ShiftFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    resident_id,
    volunteer_in,
)
from volunteers.cards import card_token
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_a_new_account_must_complete_the_profile_first(client_for):
    client = client_for(UserFactory())
    for url in (reverse("volunteers:home"), reverse("teams:list"), reverse("volunteers:card")):
        assert client.get(url).url == reverse("volunteers:profile")
    assert client.get(reverse("volunteers:profile")).status_code == 200


def test_a_resident_id_fills_in_birth_date_and_gender(client_for):
    user = UserFactory()
    number = resident_id(3, birth=datetime.date(1955, 10, 1), male=True)
    response = client_for(user).post(
        reverse("volunteers:profile"),
        {"real_name": "张建国", "id_type": "resident", "id_number": number.lower(), "gender": "female"},
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=user)
    assert volunteer.id_number == number
    assert volunteer.birth_date == datetime.date(1955, 10, 1)
    assert volunteer.gender == Volunteer.Gender.MALE


def test_a_bad_check_digit_is_shown_next_to_the_field(client_for):
    number = resident_id(3)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client_for(UserFactory()).post(
        reverse("volunteers:profile"), {"real_name": "张建国", "id_type": "resident", "id_number": wrong}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not Volunteer.objects.exists()


def test_a_passport_is_accepted_without_the_check_digit_rule(client_for):
    user = UserFactory()
    client_for(user).post(
        reverse("volunteers:profile"),
        {"real_name": "Anna Schmidt", "id_type": "passport", "id_number": "c01234567", "gender": "female"},
    )
    assert Volunteer.objects.get(user=user).id_number == "C01234567"


def test_one_id_number_belongs_to_one_volunteer(client_for):
    taken = VolunteerFactory()
    response = client_for(UserFactory()).post(
        reverse("volunteers:profile"),
        {"real_name": "李四", "id_type": "resident", "id_number": taken.id_number},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert Volunteer.objects.count() == 1
    page = response.content.decode()
    # A plain message that neither names the constraint nor confirms whose the number is.
    assert "This ID number cannot be saved. Check it; if it is right, ask your community office." in page
    assert "one_volunteer_per_id_number" not in page and taken.real_name not in page


def test_my_card_shows_the_code_and_reissuing_replaces_it(client_for):
    volunteer = VolunteerFactory()
    client = client_for(volunteer.user)
    page = client.get(reverse("volunteers:card"))
    assert card_token(volunteer).encode() in page.content
    assert b"<svg" in page.content
    client.post(reverse("volunteers:card_reissue"))
    volunteer.refresh_from_db()
    assert volunteer.card_version == 2
    assert card_token(volunteer).encode() in client.get(reverse("volunteers:card")).content


def test_reissue_needs_post(client_for):
    volunteer = VolunteerFactory()
    assert client_for(volunteer.user).get(reverse("volunteers:card_reissue")).status_code == 405


def test_the_card_sheet_lists_active_members_with_their_codes(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    members = [volunteer_in(team) for _ in range(3)]
    outsider = VolunteerFactory()
    page = client_for(leader.user).get(reverse("volunteers:card_sheet", args=[team.pk]))
    for volunteer in [leader, *members]:
        assert card_token(volunteer).encode() in page.content
    assert card_token(outsider).encode() not in page.content
    sheet = page.content.split(b'<div class="sheet">', 1)[1]
    assert sheet.count(b"<svg") == 4


def test_the_home_page_lists_my_teams(client_for):
    team = TeamFactory(name="银龄互助队")
    volunteer = volunteer_in(team)
    assert "银龄互助队" in client_for(volunteer.user).get(reverse("volunteers:home")).content.decode()


def test_office_staff_work_without_a_volunteer_profile(client_for):
    staff = OfficeStaffFactory()
    team = TeamFactory(office=staff.office)
    response = client_for(staff.user).get(reverse("volunteers:roster_import", args=[team.pk]))
    assert response.status_code == 200


def test_the_scanners_json_endpoint_is_not_sent_to_the_profile_form(client_for):
    """A machine endpoint answers for itself: no redirect to an HTML form for someone
    signed in without a profile (who runs no team, so is simply not found)."""
    client = client_for(UserFactory())
    shift = ShiftFactory()

    response = client.post(reverse("shifts:scan", args=[shift.pk]), data="{}", content_type="application/json")

    assert response.status_code == 404
    assert client.get(reverse("shifts:mine")).url == reverse("volunteers:profile")
