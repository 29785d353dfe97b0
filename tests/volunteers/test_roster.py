"""Reading an .xlsx roster (read_roster), the downloadable template, and writing a checked roster (import_roster)."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Notification, User
from teams.models import AuditEntry, Membership
from tests.factories import MembershipFactory, TeamFactory, UserFactory, VolunteerFactory, resident_id
from tests.volunteers.xlsx import CHINESE_HEADER, ENGLISH_HEADER, read_sheet, roster_bytes, workbook_bytes
from volunteers import roster as roster_module
from volunteers import services
from volunteers.models import Volunteer
from volunteers.roster import RosterFileError, RowError, read_roster, template_workbook

pytestmark = pytest.mark.django_db

# Roster people are born in 1975 (factory volunteers in 1960), so their ID numbers never collide.
BORN = datetime.date(1975, 8, 23)


@pytest.fixture(autouse=True)
def _untranslated():
    """Messages as written in the code, whatever the catalogues say."""
    with translation.override(None):
        yield


def person(serial: int = 1, **overrides) -> dict:
    """A good roster row, keyed by the Chinese header."""
    row = {
        "姓名": f"张{serial}",
        "手机号": f"1380000{serial:04d}",
        "证件类型": "身份证",
        "证件号码": resident_id(serial, BORN, male=True),
        "所在网格": "第一网格",
        "是否党员": "否",
        "技能特长": "理发,维修",
    }
    row.update(overrides)
    return row


def wrong_check_digit(id_number: str) -> str:
    return id_number[:17] + ("1" if id_number[17] != "1" else "2")


def rezipped(data: bytes, change) -> bytes:
    """The same archive with every member's content passed through change(name, content)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return buffer.getvalue()


# --- the template ---------------------------------------------------------------------------------


def test_template_is_an_xlsx_whose_first_row_is_the_chinese_headers():
    data = template_workbook()

    rows = read_sheet(data)

    assert list(rows[0]) == CHINESE_HEADER
    assert all(value is None for row in rows[1:] for value in row)


def test_template_keeps_mobile_and_id_columns_as_text_and_explains_itself():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))

    sheet, notes = workbook.worksheets
    assert sheet["B2"].number_format == "@"
    assert sheet["D2"].number_format == "@"
    assert sheet.freeze_panes == "A2"
    assert any("Name and mobile number are required" in (row[0] or "") for row in notes.iter_rows(values_only=True))


def test_the_template_filled_in_reads_back():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    sheet = workbook.worksheets[0]
    sheet["A2"], sheet["B2"], sheet["D2"] = "王芳", "13900001111", resident_id(7, BORN, male=False)
    buffer = io.BytesIO()
    workbook.save(buffer)

    roster = read_roster(buffer.getvalue())

    assert roster.ok
    [row] = roster.rows
    assert (row.real_name, row.phone, row.gender, row.birth_date) == ("王芳", "+8613900001111", "female", BORN)


# --- good files -----------------------------------------------------------------------------------


def test_a_good_row_is_read_with_every_field():
    roster = read_roster(roster_bytes([person(1, 是否党员="是")]))

    assert roster.ok
    assert roster.errors == []
    [row] = roster.rows
    assert row.row == 2
    assert row.real_name == "张1"
    assert row.phone == "+8613800000001"
    assert row.id_type == Volunteer.IdType.RESIDENT
    assert row.id_number == resident_id(1, BORN, male=True)
    assert row.gender == Volunteer.Gender.MALE
    assert row.birth_date == BORN
    assert row.grid == "第一网格"
    assert row.is_party_member is True
    assert row.skills == "理发,维修"
    assert row.is_new_person
    assert row.masked_phone == "138****0001"
    assert (roster.new_people, roster.existing_people) == (1, 0)


def test_english_headers_are_accepted():
    values = ["Li Lei", "13800000002", "passport", "E12345678", "male", "1980-02-03", "Grid 2", "yes", "Chess"]

    roster = read_roster(workbook_bytes(ENGLISH_HEADER, [values]))

    assert roster.ok
    [row] = roster.rows
    assert row.real_name == "Li Lei"
    assert row.phone == "+8613800000002"
    assert row.id_type == Volunteer.IdType.PASSPORT
    assert row.id_number == "E12345678"
    assert row.gender == Volunteer.Gender.MALE
    assert row.birth_date == datetime.date(1980, 2, 3)
    assert row.grid == "Grid 2"
    assert row.is_party_member is True
    assert row.skills == "Chess"


def test_columns_may_come_in_any_order_and_mix_languages():
    header = ["Skills", "证件号码", "Mobile", "是否党员", "姓名", "Grid"]
    values = ["唱歌", resident_id(3, BORN, male=False), "13800000003", "是", "李3", "二网格"]

    roster = read_roster(workbook_bytes(header, [values]))

    [row] = roster.rows
    assert (row.real_name, row.phone, row.skills, row.grid) == ("李3", "+8613800000003", "唱歌", "二网格")
    assert (row.gender, row.birth_date, row.is_party_member) == ("female", BORN, True)


def test_header_names_may_be_marked_required_and_written_in_any_case():
    roster = read_roster(workbook_bytes(["姓名*", "MOBILE*", " id number "], [["王五", "13800000005", ""]]))

    assert roster.ok
    assert roster.rows[0].phone == "+8613800000005"


def test_name_and_mobile_are_enough():
    roster = read_roster(workbook_bytes(["姓名", "手机号"], [["赵六", "13800000006"]]))

    [row] = roster.rows
    assert (row.id_type, row.id_number, row.gender, row.birth_date) == (Volunteer.IdType.RESIDENT, "", "", None)
    assert row.is_party_member is False


@pytest.mark.parametrize(
    "written",
    ["138 0000 0007", "138-0000-0007", "+86 13800000007", "008613800000007", "１３８００００００07", 13800000007],
)
def test_mobile_numbers_are_read_in_the_forms_people_write_them(written):
    roster = read_roster(workbook_bytes(["姓名", "手机号"], [["钱七", written]]))

    assert roster.rows[0].phone == "+8613800000007"


def test_the_resident_id_decides_gender_and_birth_date():
    female_id = resident_id(8, datetime.date(1948, 12, 31), male=False)

    roster = read_roster(roster_bytes([person(8, 证件号码=female_id.lower(), 性别="男", 出生日期="1950-01-01")]))

    [row] = roster.rows
    assert row.id_number == female_id
    assert (row.gender, row.birth_date) == ("female", datetime.date(1948, 12, 31))


@pytest.mark.parametrize(
    "written",
    ["1961-04-09", "1961/4/9", "1961.04.09", "1961年4月9日", "19610409", datetime.datetime(1961, 4, 9)],
)
def test_without_a_resident_id_the_written_birth_date_and_gender_are_used(written):
    roster = read_roster(roster_bytes([person(9, 证件类型="护照", 证件号码="G1234567", 性别="女", 出生日期=written)]))

    [row] = roster.rows
    assert (row.id_type, row.gender, row.birth_date) == (Volunteer.IdType.PASSPORT, "female", datetime.date(1961, 4, 9))


@pytest.mark.parametrize(
    ("written", "id_type"),
    [
        ("港澳通行证", Volunteer.IdType.HK_MACAO),
        ("台胞证", Volunteer.IdType.TAIWAN),
        ("永居证", Volunteer.IdType.FOREIGN_PR),
        ("其他", Volunteer.IdType.OTHER),
        ("Passport", Volunteer.IdType.PASSPORT),
    ],
)
def test_id_types_are_read_by_their_common_names(written, id_type):
    roster = read_roster(roster_bytes([person(10, 证件类型=written, 证件号码="X1234567")]))

    assert roster.rows[0].id_type == id_type


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    rows = [
        [person(1).get(name) for name in CHINESE_HEADER],
        [None] * 9,
        ["   "],
        [person(2).get(name) for name in CHINESE_HEADER],
    ]

    roster = read_roster(workbook_bytes(CHINESE_HEADER, rows))

    assert [row.row for row in roster.rows] == [2, 5]


# --- bad rows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"姓名": ""}, "姓名", "The name is missing."),
        ({"姓名": "长" * 51}, "姓名", "longer than 50 characters"),
        ({"手机号": None}, "手机号", "The mobile number is missing."),
        ({"手机号": "12345678901"}, "手机号", "12345678901 is not a mainland mobile number."),
        ({"手机号": "010-12345678"}, "手机号", "is not a mainland mobile number"),
        ({"证件号码": wrong_check_digit(resident_id(4, BORN))}, "证件号码", "does not match (check digit)"),
        ({"证件号码": "41010219750823"}, "证件号码", "18 characters"),
        ({"证件号码": "410102197502300012"}, "证件号码", "not a real date"),
        ({"证件类型": "驾驶证"}, "证件类型", "Unknown ID type 驾驶证."),
        ({"证件类型": "护照", "证件号码": "P" * 31}, "证件号码", "at most 30 characters (it has 31)"),
        ({"证件类型": "护照", "证件号码": "P1", "性别": "未知"}, "性别", "Gender must be 男 or 女."),
        ({"证件类型": "护照", "证件号码": "P1", "出生日期": "May 1st"}, "出生日期", "1960-05-01"),
        ({"证件类型": "护照", "证件号码": "P1", "出生日期": "1960-13-01"}, "出生日期", "1960-05-01"),
        ({"是否党员": "也许"}, "是否党员", "Write 是 or 否."),
    ],
)
def test_a_bad_row_is_reported_with_row_column_and_reason(change, column, reason):
    roster = read_roster(roster_bytes([person(1), person(4, **change)]))

    assert not roster.ok
    [error] = roster.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.message
    assert [row.row for row in roster.rows] == [2]


def test_every_bad_row_and_every_bad_cell_is_reported_in_row_order():
    people = [
        person(1, 手机号="123"),
        person(2),
        person(3, 姓名=None, 是否党员="?"),
        person(4, 证件号码=wrong_check_digit(resident_id(4, BORN))),
    ]

    roster = read_roster(roster_bytes(people))

    assert [(error.row, error.column) for error in roster.errors] == [
        (2, "手机号"),
        (4, "姓名"),
        (4, "是否党员"),
        (5, "证件号码"),
    ]
    assert not roster.ok


def test_a_mobile_number_twice_in_the_file_is_reported_on_the_second_row():
    roster = read_roster(roster_bytes([person(1), person(2), person(3, 手机号="+86 138-0000-0001")]))

    assert roster.errors == [RowError(4, "手机号", "The same number is on row 2.")]


def test_an_id_number_twice_in_the_file_is_reported_on_the_second_row():
    same_id = resident_id(1, BORN, male=True)

    roster = read_roster(roster_bytes([person(1), person(2, 证件号码=same_id.lower())]))

    assert roster.errors == [RowError(3, "证件号码", "The same ID number is on row 2.")]


def test_the_same_number_under_different_id_types_is_not_a_duplicate():
    roster = read_roster(
        roster_bytes([person(1, 证件类型="护照", 证件号码="E1"), person(2, 证件类型="台胞证", 证件号码="E1")])
    )

    assert roster.ok


def test_an_id_number_held_by_someone_else_is_not_told_and_left_out_of_the_new_profile():
    """No oracle: the preview never says an ID number is registered, or to whom."""
    holder = VolunteerFactory(id_number=resident_id(2, BORN, male=True))
    team = TeamFactory()

    roster = read_roster(roster_bytes([person(1), person(2)]))
    services.import_roster(team=team, roster=roster, by=None)

    assert roster.ok and roster.rows[1].existing_user is None
    assert User.objects.get(phone="+8613800000002").volunteer.id_number == ""
    assert Volunteer.objects.get(pk=holder.pk).id_number == resident_id(2, BORN, male=True)


def test_a_registered_mobile_is_never_compared_with_the_files_id_number():
    """Staff cannot guess a person's ID number 40 candidates at a time: whatever the file
    says, a registered number is "will be invited"."""
    VolunteerFactory(user__phone="+8613800000001", id_number=resident_id(99, BORN, male=True))

    guesses = read_roster(roster_bytes([person(1)]))
    right = read_roster(roster_bytes([person(1, 证件号码=resident_id(99, BORN, male=True))]))

    assert guesses.ok and right.ok
    assert guesses.rows[0].existing_user == right.rows[0].existing_user is not None


def test_a_registered_person_with_the_same_mobile_and_id_is_recognised_not_refused():
    registered = VolunteerFactory(user__phone="+8613800000001", id_number=resident_id(1, BORN, male=True))
    UserFactory(phone="+8613800000002")  # signed up, no profile yet

    roster = read_roster(roster_bytes([person(1), person(2), person(3)]))

    assert roster.ok
    assert [row.existing_user for row in roster.rows] == [
        registered.user,
        User.objects.get(phone="+8613800000002"),
        None,
    ]
    assert (roster.new_people, roster.existing_people) == (1, 2)


def test_a_registered_person_without_an_id_number_is_recognised_by_mobile():
    registered = VolunteerFactory(user__phone="+8613800000001", id_type=Volunteer.IdType.PASSPORT, id_number="")

    roster = read_roster(roster_bytes([person(1)]))

    assert roster.ok
    assert roster.rows[0].existing_user == registered.user


# --- file-level problems --------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    with pytest.raises(RosterFileError, match=r"The file is empty\."):
        read_roster(b"")


@pytest.mark.parametrize(
    "data",
    [
        "姓名,手机号\n张三,13800001234\n".encode(),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"<html><table><tr><td>1</td></tr></table></html>",
    ],
    ids=["csv", "random bytes", "html saved as xls"],
)
def test_a_file_that_is_not_xlsx_is_refused(data):
    with pytest.raises(RosterFileError, match=r"not an Excel \.xlsx file"):
        read_roster(data)


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1024 * 1024
    data = roster_bytes([person(1)])
    assert len(data) < settings.ROSTER_IMPORT_MAX_BYTES
    read_roster(data)  # under the limit: fine

    with pytest.raises(RosterFileError, match="larger than 1 MB"):
        read_roster(data + b"\0" * settings.ROSTER_IMPORT_MAX_BYTES)


def test_a_workbook_with_column_names_but_no_people_is_refused():
    with pytest.raises(RosterFileError, match="column names but no people"):
        read_roster(workbook_bytes(CHINESE_HEADER, [[None] * 9, [" "] * 9]))


def test_a_workbook_with_nothing_in_it_is_refused():
    with pytest.raises(RosterFileError, match=r"The file is empty\."):
        read_roster(workbook_bytes(None))


def test_wrong_headers_name_the_missing_columns():
    with pytest.raises(RosterFileError, match="missing: 姓名、手机号"):
        read_roster(workbook_bytes(["名字", "电话"], [["张三", "13800001234"]]))


def test_a_title_above_the_column_names_is_skipped_and_the_header_row_told():
    """Offices keep rosters with a title row (merged across the columns) above the header."""
    roster = read_roster(
        workbook_bytes(
            ["东风社区志愿者花名册（2026年11月）"],
            [[], CHINESE_HEADER, [person(1).get(name) for name in CHINESE_HEADER]],
        )
    )

    assert roster.ok and roster.header_row == 3
    assert [(row.row, row.real_name) for row in roster.rows] == [(4, "张1")]


def test_a_roster_without_column_names_in_its_first_rows_is_refused():
    rows = [["说明"]] * 4 + [CHINESE_HEADER, [person(1).get(name) for name in CHINESE_HEADER]]

    with translation.override("en"), pytest.raises(RosterFileError, match="first 5 holds the column names"):
        read_roster(workbook_bytes(["某某社区志愿者名册"], rows))


def test_a_truncated_download_is_refused():
    data = roster_bytes([person(1)])

    with pytest.raises(RosterFileError):
        read_roster(data[: len(data) // 2])


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(RosterFileError, match="damaged"):
        read_roster(buffer.getvalue())


def test_a_workbook_with_a_damaged_sheet_is_refused():
    def cut_sheet(name: str, content: bytes) -> bytes:
        return content[: len(content) // 2] if name == "xl/worksheets/sheet1.xml" else content

    data = rezipped(roster_bytes([person(n) for n in range(1, 20)]), cut_sheet)

    with pytest.raises(RosterFileError, match="damaged"):
        read_roster(data)


def test_a_workbook_with_corrupted_compressed_data_is_refused():
    data = roster_bytes([person(n) for n in range(1, 200)])
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    for offset in range(data_start + 5, data_start + info.compress_size - 5, 97):
        damaged[offset] ^= 0xFF

    with pytest.raises(RosterFileError, match="damaged"):
        read_roster(bytes(damaged))


def test_a_roster_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(roster_module, "MAX_ROWS", 3)
    read_roster(roster_bytes([person(n) for n in range(1, 4)]))  # at the limit: fine

    with pytest.raises(RosterFileError, match="at most 3 people"):
        read_roster(roster_bytes([person(n) for n in range(1, 5)]))


def test_a_small_file_that_unpacks_to_a_huge_cell_is_refused_before_it_is_unpacked(settings):
    """The field's bomb was 0.9 MB unpacking to one 900 MB cell: here 1 MB stands for the limit."""
    settings.ROSTER_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024

    def add_a_huge_cell(name, content):
        if name != "xl/worksheets/sheet1.xml":
            return content
        cell = '<row r="3"><c r="I3" t="inlineStr"><is><t>' + "理发" * (1024 * 1024) + "</t></is></c></row>"
        return content.replace(b"</sheetData>", cell.encode() + b"</sheetData>")

    data = rezipped(roster_bytes([person(1)]), add_a_huge_cell)
    assert len(data) < 200_000

    with translation.override("en"), pytest.raises(RosterFileError, match="unpacks to more than 1 MB"):
        read_roster(data)


def test_empty_rows_count_towards_the_row_limit(monkeypatch):
    """Millions of blank rows once took minutes of CPU: reading stops at the limit, whatever the rows hold."""
    monkeypatch.setattr(roster_module, "MAX_ROWS", 50)
    pulled = []
    real_lines = roster_module._sheet_lines

    def counted(sheet):
        for line in real_lines(sheet):
            pulled.append(line)
            yield line

    monkeypatch.setattr(roster_module, "_sheet_lines", counted)

    def add_blank_rows(name, content):
        if name != "xl/worksheets/sheet1.xml":
            return content
        blank = "".join(f'<row r="{number}"/>' for number in range(3, 100_003))
        content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I100002"', content)
        return content.replace(b"</sheetData>", blank.encode() + b"</sheetData>")

    data = rezipped(roster_bytes([person(1)]), add_blank_rows)

    with translation.override("en"), pytest.raises(RosterFileError, match="at most 50 people"):
        read_roster(data)
    assert len(pulled) <= 52


def test_reading_a_roster_writes_nothing():
    read_roster(roster_bytes([person(1), person(2)]))

    assert not User.objects.exists()
    assert not Volunteer.objects.exists()


# --- writing a checked roster (services.import_roster) --------------------------------------------


def test_import_creates_people_with_a_profile_and_an_active_membership():
    team = TeamFactory()
    by = UserFactory()
    roster = read_roster(roster_bytes([person(1, 是否党员="是"), person(2, 证件类型="护照", 证件号码="e777")]))

    result = services.import_roster(team=team, roster=roster, by=by)

    assert (result.created, result.invited) == (2, 0)
    user = User.objects.get(phone="+8613800000001")
    assert not user.has_usable_password()
    volunteer = user.volunteer
    assert (volunteer.real_name, volunteer.id_number) == ("张1", resident_id(1, BORN, male=True))
    assert (volunteer.gender, volunteer.birth_date) == ("male", BORN)
    assert (volunteer.grid, volunteer.is_party_member, volunteer.skills) == ("第一网格", True, "理发,维修")
    assert User.objects.get(phone="+8613800000002").volunteer.id_number == "E777"
    memberships = Membership.objects.filter(team=team)
    assert memberships.count() == 2
    assert all(
        (m.status, m.role, m.decided_by, m.joined_on is not None) == ("active", "member", by, True) for m in memberships
    )


def test_import_invites_registered_people_and_never_writes_on_their_accounts():
    team = TeamFactory()
    registered = VolunteerFactory(user__phone="+8613800000001", real_name="原名", id_number="")
    signed_up = UserFactory(phone="+8613800000002")  # an account with no profile
    MembershipFactory(team=team, user=signed_up, status=Membership.Status.PENDING)
    admin = UserFactory(phone="+8613800000004", is_staff=True, is_superuser=True)
    by = UserFactory()
    roster = read_roster(roster_bytes([person(1), person(2), person(3), person(4)]))

    result = services.import_roster(team=team, roster=roster, by=by)

    assert (result.created, result.invited) == (1, 1)
    registered.refresh_from_db()
    assert registered.real_name == "原名"  # the registered person's own profile is kept
    assert not Volunteer.objects.filter(user=signed_up).exists()  # nothing written onto an account
    assert not Volunteer.objects.filter(user=admin).exists()
    assert set(Membership.objects.filter(team=team).values_list("user__phone", "status")) == {
        ("+8613800000001", "invited"),  # joins when they say yes
        ("+8613800000002", "active"),  # asked to join already: that was their yes
        ("+8613800000003", "active"),  # new: registered by this import
    }
    assert Notification.objects.filter(user=registered.user).exists()
    kinds = sorted(AuditEntry.objects.values_list("action", "subject__phone"))
    assert kinds == [("invited", "+8613800000001"), ("roster_import", None)]


def test_importing_a_roster_twice_adds_nobody_twice():
    team = TeamFactory()
    services.import_roster(team=team, roster=read_roster(roster_bytes([person(1), person(2)])), by=None)

    result = services.import_roster(team=team, roster=read_roster(roster_bytes([person(1), person(2)])), by=None)

    assert (result.created, result.invited) == (0, 0)  # members already: left alone
    assert User.objects.count() == 2
    assert Membership.objects.filter(team=team).count() == 2


def test_import_refuses_a_roster_with_mistakes():
    team = TeamFactory()
    roster = read_roster(roster_bytes([person(1), person(2, 手机号="123")]))

    with pytest.raises(ValidationError):
        services.import_roster(team=team, roster=roster, by=None)

    assert not User.objects.exists()


def test_someone_who_registered_since_the_check_is_invited_not_created_twice():
    team = TeamFactory()
    roster = read_roster(roster_bytes([person(1), person(2), person(3)]))
    meanwhile = VolunteerFactory(user__phone="+8613800000002", id_number=resident_id(50, BORN, male=True))

    result = services.import_roster(team=team, roster=roster, by=None)

    assert (result.created, result.invited) == (2, 1)
    assert User.objects.filter(phone="+8613800000002").count() == 1
    assert Membership.objects.get(user=meanwhile.user).status == Membership.Status.INVITED
    assert Volunteer.objects.get(user=meanwhile.user).id_number == resident_id(50, BORN, male=True)


@pytest.mark.django_db(transaction=True)
def test_a_failure_midway_leaves_no_people_and_no_memberships(monkeypatch):
    """People and profiles are written before the memberships: a failure there undoes them all."""
    team = TeamFactory()
    registered = VolunteerFactory(user__phone="+8613800000002", id_number="")
    roster = read_roster(roster_bytes([person(1), person(2), person(3), person(4)]))
    calls = []

    def add_members_failing(**kwargs):
        calls.append(len(kwargs["users"]))
        assert User.objects.count() == 4  # the three new people exist at this point
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "add_members", add_members_failing)

    with pytest.raises(RuntimeError):
        services.import_roster(team=team, roster=roster, by=None)

    assert calls == [3]
    assert list(User.objects.values_list("phone", flat=True)) == [registered.user.phone]
    assert list(Volunteer.objects.all()) == [registered]
    assert not Membership.objects.exists()
