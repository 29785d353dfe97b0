"""Roster import in the browser: template download, upload → preview → confirm, and who may do it."""

import datetime
import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from teams.models import Membership
from tests.factories import (
    OfficeFactory,
    OfficeStaffFactory,
    TeamFactory,
    VolunteerFactory,
    resident_id,
    volunteer_in,
)
from tests.volunteers.xlsx import CHINESE_HEADER, read_sheet, roster_bytes, workbook_bytes
from volunteers.models import Volunteer
from volunteers.uploads import FOLDER

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BORN = datetime.date(1975, 8, 23)


def zh(message: str, **params) -> str:
    """A message as the site shows it by default (Chinese)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % params if params else text


def person(serial: int, **overrides) -> dict:
    row = {
        "姓名": f"张{serial}",
        "手机号": f"1380000{serial:04d}",
        "证件号码": resident_id(serial, BORN, male=True),
        "所在网格": "第一网格",
    }
    row.update(overrides)
    return row


def good_roster(count: int = 2) -> bytes:
    return roster_bytes([person(n) for n in range(1, count + 1)])


def template_url(team) -> str:
    return reverse("volunteers:roster_template", args=[team.pk])


def import_url(team) -> str:
    return reverse("volunteers:roster_import", args=[team.pk])


def confirm_url(team) -> str:
    return reverse("volunteers:roster_confirm", args=[team.pk])


def upload(client, team, data: bytes, name: str = "roster.xlsx"):
    return client.post(import_url(team), {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def confirm(client, team, key: str | None):
    return client.post(confirm_url(team), {} if key is None else {"upload_key": key})


def shown_messages(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def stored_uploads(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def roster_people() -> int:
    """Users whose number is one of the roster's (138 0000 xxxx); factory users have 137 numbers."""
    return User.objects.filter(phone__startswith="+86138").count()


@pytest.fixture
def staff(team):
    volunteer = VolunteerFactory()
    OfficeStaffFactory(office=team.office, user=volunteer.user)
    return volunteer.user


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)


@pytest.fixture
def previewed(staff_client, team):
    """A good two-person roster uploaded and shown: the key of the pending file."""
    response = upload(staff_client, team, good_roster(2))
    assert response.status_code == 200
    return response.context["upload_key"]


# --- template -------------------------------------------------------------------------------------


def test_the_template_download_is_an_xlsx_whose_first_row_is_the_chinese_headers(staff_client, team):
    response = staff_client.get(template_url(team))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="roster-template.xlsx"'
    assert list(read_sheet(response.content)[0]) == CHINESE_HEADER


def test_the_import_page_links_the_template_and_asks_for_a_file(staff_client, team):
    response = staff_client.get(import_url(team))

    assert response.status_code == 200
    page = response.content.decode()
    assert template_url(team) in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page


def test_staff_of_the_street_office_import_for_its_communities(client_for, team):
    volunteer = VolunteerFactory()
    OfficeStaffFactory(office=team.office.parent, user=volunteer.user)

    response = upload(client_for(volunteer.user), team, good_roster(1))

    assert response.status_code == 200
    assert response.context["roster"].ok


# --- who may import -------------------------------------------------------------------------------


def leader_of(team):
    return volunteer_in(team, role=Membership.Role.LEADER).user


def stranger(team):
    return VolunteerFactory().user


def staff_of_another_office(team):
    volunteer = VolunteerFactory()
    OfficeStaffFactory(office=OfficeFactory(), user=volunteer.user)
    return volunteer.user


@pytest.mark.parametrize("who", [leader_of, stranger, staff_of_another_office])
def test_only_office_staff_may_download_upload_or_confirm(client_for, team, settings, who):
    client = client_for(who(team))

    assert client.get(template_url(team)).status_code == 404
    assert client.get(import_url(team)).status_code == 404
    assert upload(client, team, good_roster(2)).status_code == 404
    assert confirm(client, team, "any-key").status_code == 404
    assert roster_people() == 0
    assert stored_uploads(settings) == []


def test_a_leader_cannot_confirm_a_roster_staff_previewed(client_for, team, staff_client, previewed):
    leader = client_for(leader_of(team))

    assert confirm(leader, team, previewed).status_code == 404
    assert roster_people() == 0


def test_visitors_are_sent_to_log_in(client, team):
    for response in (client.get(template_url(team)), client.get(import_url(team)), confirm(client, team, "k")):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_unknown_team_is_not_found(staff_client):
    assert staff_client.get(reverse("volunteers:roster_import", args=[999999])).status_code == 404


# --- upload → preview → confirm -------------------------------------------------------------------


def test_the_preview_shows_masked_numbers_and_writes_nothing(staff_client, team, settings):
    response = upload(staff_client, team, good_roster(2))

    assert response.status_code == 200
    page = response.content.decode()
    assert "138****0001" in page
    assert "138****0002" in page
    assert "13800000001" not in page
    assert resident_id(1, BORN, male=True) not in page
    assert confirm_url(team) in page
    assert f'name="upload_key" value="{response.context["upload_key"]}"' in page
    assert response.context["roster"].new_people == 2
    assert roster_people() == 0
    assert not Membership.objects.filter(team=team).exists()
    assert len(stored_uploads(settings)) == 1


def test_confirming_imports_everyone_as_a_member_who_can_log_in_with_a_code(
    staff_client, team, staff, previewed, settings
):
    response = confirm(staff_client, team, previewed)

    assert response.status_code == 302
    assert response.url == team.get_absolute_url()
    assert shown_messages(response) == [
        (
            SUCCESS,
            zh(
                "Imported: %(created)d new volunteers joined; %(invited)d already registered were invited "
                "and join when they say yes.",
                created=2,
                invited=0,
            ),
        )
    ]
    user = User.objects.get(phone="+8613800000001")
    assert not user.has_usable_password()  # no password was chosen: the first login is by texted code
    assert User.objects.get_by_natural_key("138 0000 0001") == user
    volunteer = user.volunteer
    assert (volunteer.real_name, volunteer.id_number) == ("张1", resident_id(1, BORN, male=True))
    assert (volunteer.gender, volunteer.birth_date, volunteer.grid) == ("male", BORN, "第一网格")
    membership = Membership.objects.get(team=team, user=user)
    assert (membership.status, membership.role, membership.decided_by) == ("active", "member", staff)
    assert Membership.objects.filter(team=team, status="active").count() == 2
    assert stored_uploads(settings) == []


def test_a_registered_person_is_invited_and_joins_only_by_saying_yes(staff_client, team, client_for):
    registered = VolunteerFactory(user__phone="+8613800000002", real_name="李二", id_number="")

    preview = upload(staff_client, team, good_roster(3))
    assert (preview.context["roster"].new_people, preview.context["roster"].existing_people) == (2, 1)
    assert zh("will be invited") in preview.content.decode()

    response = confirm(staff_client, team, preview.context["upload_key"])

    assert shown_messages(response)[0][1] == zh(
        "Imported: %(created)d new volunteers joined; %(invited)d already registered were invited "
        "and join when they say yes.",
        created=2,
        invited=1,
    )
    assert User.objects.filter(phone="+8613800000002").count() == 1
    registered.refresh_from_db()
    assert registered.real_name == "李二"
    invitation = Membership.objects.get(team=team, user=registered.user)
    assert invitation.status == "invited"
    # The leader's member list shows nothing of the person before they say yes.
    assert "李二" not in staff_client.get(team.get_absolute_url()).content.decode()

    person_client = client_for(registered.user)
    home = person_client.get(reverse("volunteers:home")).content.decode()
    assert f'data-testid="invitation-{invitation.pk}"' in home
    person_client.post(reverse("teams:invitation_answer", args=[invitation.pk, "accept"]))
    assert Membership.objects.get(pk=invitation.pk).status == "active"
    assert roster_people() == 3


def test_every_bad_row_is_listed_and_nothing_can_be_confirmed(staff_client, team, settings):
    VolunteerFactory(user__phone="+8613800000008", id_number=resident_id(80, BORN, male=True))
    VolunteerFactory(id_number=resident_id(7, BORN, male=True))
    good_id = resident_id(2, BORN, male=True)
    people = [
        person(1, 姓名=""),  # row 2: missing name
        person(2),  # row 3: good
        person(3, 手机号="1380000"),  # row 4: bad phone
        person(4, 证件号码=good_id[:17] + ("1" if good_id[17] != "1" else "2")),  # row 5: bad check digit
        person(5, 手机号="13800000002"),  # row 6: the number of row 3
        person(6, 证件号码=good_id),  # row 7: the ID number of row 3
        person(7),  # row 8: the ID number of a registered person: not told, left out
        person(8),  # row 9: the number of a registered person with another ID number: invited, not told
    ]

    response = upload(staff_client, team, roster_bytes(people))

    assert response.status_code == 200
    errors = response.context["roster"].errors
    assert [(error.row, error.column) for error in errors] == [
        (2, "姓名"),
        (4, "手机号"),
        (5, "证件号码"),
        (6, "手机号"),
        (7, "证件号码"),
    ]
    page = response.content.decode()
    for error in errors:
        assert f"<td>{error.row}</td><td>{error.column}</td>" in page
    assert "upload_key" not in response.context
    assert confirm_url(team) not in page
    assert stored_uploads(settings) == []
    assert User.objects.filter(phone__in=["+8613800000001", "+8613800000003"]).count() == 0
    assert not Membership.objects.filter(team=team).exists()


def too_large(settings) -> bytes:
    settings.ROSTER_IMPORT_MAX_BYTES = 1024 * 1024
    return good_roster(1) + b"\0" * settings.ROSTER_IMPORT_MAX_BYTES


def damaged_sheet(settings) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(good_roster(30)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content[: len(content) // 2] if name.endswith("sheet1.xml") else content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("roster.csv", lambda settings: "姓名,手机号\n张三,13800001234\n".encode(), None),
        ("roster.xlsx", lambda settings: bytes(range(256)) * 8, None),
        ("roster.xlsx", lambda settings: b"", None),
        ("roster.xlsx", lambda settings: workbook_bytes(CHINESE_HEADER), "The file has column names but no people."),
        ("roster.xlsx", lambda settings: workbook_bytes(["Name", "Phone"], [["张三", "13800001234"]]), None),
        ("roster.xlsx", too_large, None),
        ("roster.xlsx", lambda settings: good_roster(3)[:-200], None),
        ("roster.xlsx", damaged_sheet, "The Excel file is damaged and cannot be read. Save it again as .xlsx."),
    ],
    ids=["csv", "random bytes", "empty", "no people", "wrong headers", "too large", "cut short", "damaged sheet"],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(staff_client, team, settings, name, make, message):
    response = upload(staff_client, team, make(settings), name=name)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error
    if message:
        assert error == zh(message)
    assert error in response.content.decode()
    assert "roster" not in response.context
    assert stored_uploads(settings) == []
    assert roster_people() == 0


def test_wrong_headers_name_the_missing_column(staff_client, team):
    response = upload(staff_client, team, workbook_bytes(["Name", "Phone"], [["张三", "13800001234"]]))

    [error] = response.context["form"].errors["file"]
    assert "手机号" in error
    assert "姓名" not in error


def test_a_file_over_the_limit_is_refused_with_the_limit_named(staff_client, team, settings):
    response = upload(staff_client, team, too_large(settings))

    [error] = response.context["form"].errors["file"]
    assert error == zh("The file is larger than %(size)d MB. Split it into smaller files.", size=1)


# --- the key of the pending upload ----------------------------------------------------------------


def expired(response, team) -> bool:
    return (
        response.status_code == 302
        and response.url == import_url(team)
        and (ERROR, zh("The uploaded file has expired. Upload it again.")) in shown_messages(response)
    )


@pytest.mark.parametrize("key", [None, "", "wrong-key", "键" * 22, "x" * 5000], ids=repr)
def test_confirm_needs_the_key_of_the_pending_upload(staff_client, team, previewed, key):
    response = confirm(staff_client, team, key)

    assert expired(response, team)
    assert roster_people() == 0
    assert confirm(staff_client, team, previewed).status_code == 302  # the real key still works
    assert roster_people() == 2


def test_confirm_without_a_preview_imports_nothing(staff_client, team):
    assert expired(confirm(staff_client, team, "made-up"), team)
    assert roster_people() == 0


def test_the_key_works_only_in_the_session_that_uploaded(client_for, staff, team, previewed):
    other_session = client_for(staff)

    assert expired(confirm(other_session, team, previewed), team)
    assert roster_people() == 0


def test_the_key_works_only_for_the_team_it_was_uploaded_for(staff_client, staff, team, previewed):
    sister_team = TeamFactory(office=team.office)

    assert expired(confirm(staff_client, sister_team, previewed), team=sister_team)
    assert roster_people() == 0
    assert not Membership.objects.filter(team=sister_team).exists()


def test_a_roster_is_imported_once_even_if_confirmed_twice(staff_client, team, previewed):
    confirm(staff_client, team, previewed)

    assert expired(confirm(staff_client, team, previewed), team)
    assert roster_people() == 2
    assert Membership.objects.filter(team=team).count() == 2


def test_a_new_upload_replaces_the_pending_one(staff_client, team, previewed, settings):
    second = upload(staff_client, team, roster_bytes([person(5)])).context["upload_key"]

    assert len(stored_uploads(settings)) == 1
    assert expired(confirm(staff_client, team, previewed), team)
    confirm(staff_client, team, second)
    assert list(User.objects.filter(phone__startswith="+86138").values_list("phone", flat=True)) == ["+8613800000005"]


def test_confirm_only_accepts_post(staff_client, team, previewed):
    assert staff_client.get(confirm_url(team), {"upload_key": previewed}).status_code == 405
    assert roster_people() == 0


# --- the database changed between preview and confirm ---------------------------------------------


def test_someone_registering_between_preview_and_confirm_is_invited_not_created_twice(staff_client, team, previewed):
    meanwhile = VolunteerFactory(user__phone="+8613800000002", id_number=resident_id(60, BORN, male=True))

    response = confirm(staff_client, team, previewed)

    assert response.url == team.get_absolute_url()
    assert User.objects.filter(phone="+8613800000002").count() == 1
    assert Membership.objects.get(team=team, user=meanwhile.user).status == "invited"
    assert Volunteer.objects.get(user=meanwhile.user).id_number == resident_id(60, BORN, male=True)


def test_uploads_left_unconfirmed_for_a_day_are_swept_away(staff_client, team, settings, client_for):
    abandoned = upload(staff_client, team, good_roster(2)).context["upload_key"]
    (old_file,) = stored_uploads(settings)
    a_day_and_more_ago = time.time() - 25 * 60 * 60
    os.utime(old_file, (a_day_and_more_ago, a_day_and_more_ago))

    other_staff = client_for(OfficeStaffFactory(office=team.office).user)
    upload(other_staff, team, good_roster(1))

    assert old_file not in stored_uploads(settings)
    assert len(stored_uploads(settings)) == 1
    assert expired(confirm(staff_client, team, abandoned), team)


def test_the_preview_says_which_row_held_the_column_names(staff_client, team):
    titled = workbook_bytes(["东风社区志愿者花名册（2026年11月）"], [CHINESE_HEADER, ["张三", "13800000001"]])

    page = upload(staff_client, team, titled).content.decode()

    assert 'data-testid="header-row"' in page and "2" in page
