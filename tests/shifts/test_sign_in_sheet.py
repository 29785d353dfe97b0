import csv
import datetime
import io
import shutil
import subprocess
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.phones import national_phone
from shifts.models import Signup
from shifts.sheets import WALK_IN_ROWS, sign_in_sheet
from teams.models import Membership
from tests.factories import OfficeStaffFactory, ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://example.com/x","点我")'
# 09:00–11:30 on a Saturday in Shanghai.
STARTS = datetime.datetime(2026, 3, 7, 1, 0, tzinfo=datetime.UTC)
CHINESE_HEADER = ["序号", "姓名", "手机号", "签到时间", "签退时间", "本人签字"]
ENGLISH_HEADER = ["No.", "Name", "Mobile", "Signed in at", "Signed out at", "Signature"]


@pytest.fixture
def shift():
    team = TeamFactory(name="银龄互助志愿服务队")
    shift = ShiftFactory(
        team=team,
        title="周六助老",
        place="甲社区服务中心",
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=2, minutes=30),
        capacity=3,
    )
    for name, status in [
        ("王五", Signup.Status.CONFIRMED),
        (FORMULA_NAME, Signup.Status.CONFIRMED),
        ("李四", Signup.Status.CONFIRMED),
        ("候补甲", Signup.Status.WAITLISTED),
        ("取消乙", Signup.Status.CANCELLED),
        ("移除丙", Signup.Status.REMOVED),
    ]:
        volunteer = volunteer_in(team)
        volunteer.real_name = name
        volunteer.save()
        Signup.objects.create(shift=shift, volunteer=volunteer, status=status)
    return shift


@pytest.fixture
def leader(shift):
    leader = volunteer_in(shift.team, Membership.Role.LEADER)
    leader.real_name = "张队长"
    leader.save()
    return leader


def workbook_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def header_row_of(sheet, first_header: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_header:
            return row[0].row
    raise AssertionError(f"no header row starting with {first_header}")


def table_rows(sheet, first_header: str) -> list[tuple]:
    start = header_row_of(sheet, first_header)
    return list(sheet.iter_rows(min_row=start + 1, max_col=6, values_only=True))


def download(client, shift, **extra):
    response = client.get(reverse("shifts:sign_in_sheet", args=[shift.pk]), **extra)
    assert response.status_code == 200
    return response


def test_a_leader_downloads_the_sheet_with_one_row_per_confirmed_person(client_for, shift, leader):
    response = download(client_for(leader.user), shift, HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = workbook_of(response.content).active
    header = header_row_of(sheet, "序号")
    assert [cell.value for cell in sheet[header]] == CHINESE_HEADER
    rows = table_rows(sheet, "序号")
    assert len(rows) == 3 + WALK_IN_ROWS
    assert [row[0] for row in rows] == list(range(1, 3 + WALK_IN_ROWS + 1))
    names = [row[1] for row in rows[:3]]
    assert {name.lstrip("'") for name in names} == {"王五", "李四", FORMULA_NAME}
    assert names.index("李四") < names.index("王五")  # ordered by name
    assert all(row[1:] == (None,) * 5 for row in rows[3:])  # walk-ins write by hand
    assert all(row[3:] == (None, None, None) for row in rows)  # sign-in, sign-out, signature are empty
    everything = " ".join(str(cell.value) for line in sheet.iter_rows() for cell in line if cell.value is not None)
    for hidden in ("候补甲", "取消乙", "移除丙"):
        assert hidden not in everything


def test_the_title_rows_name_team_shift_shanghai_time_place_and_leader(client_for, shift, leader):
    sheet = workbook_of(download(client_for(leader.user), shift, HTTP_ACCEPT_LANGUAGE="zh-CN").content).active

    titles = [sheet.cell(row=number, column=1).value for number in range(1, header_row_of(sheet, "序号"))]
    text = "\n".join(titles)
    assert "周六助老" in titles[0] and "签到表" in titles[0]
    assert "银龄互助志愿服务队" in text
    assert "2026年3月7日" in text and "09:00–11:30" in text  # 01:00 UTC is 09:00 in Shanghai
    assert "甲社区服务中心" in text
    assert "张队长" in text
    assert any(str(merged).startswith("A1:") for merged in sheet.merged_cells.ranges)


def test_the_time_row_names_the_break(client_for, shift, leader):
    shift.break_starts_at = STARTS + datetime.timedelta(hours=1)
    shift.break_ends_at = STARTS + datetime.timedelta(hours=1, minutes=30)
    shift.save()
    sheet = workbook_of(download(client_for(leader.user), shift, HTTP_ACCEPT_LANGUAGE="en").content).active

    titles = [sheet.cell(row=number, column=1).value for number in range(1, header_row_of(sheet, "No."))]

    assert any("09:00–11:30 (break 10:00–10:30, not service time)" in title for title in titles), titles


def test_phones_are_masked(client_for, shift, leader):
    sheet = workbook_of(download(client_for(leader.user), shift).content).active

    confirmed = shift.signups.confirmed().select_related("volunteer__user")
    by_name = {row[1].lstrip("'"): row[2] for row in table_rows(sheet, "序号")[:3]}
    everything = " ".join(str(cell.value) for line in sheet.iter_rows() for cell in line if cell.value is not None)
    for signup in confirmed:
        user = signup.volunteer.user
        assert by_name[signup.volunteer.real_name] == user.masked_phone
        assert "****" in user.masked_phone
        assert national_phone(user.phone) not in everything


def test_text_that_looks_like_a_formula_stays_inert_text(client_for, shift, leader):
    shift.title = "=1+2"
    shift.place = "@SUM(A1)"
    shift.save()

    sheet = workbook_of(download(client_for(leader.user), shift).content).active

    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    name_cell = next(cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value)
    assert name_cell.data_type == "s"
    assert name_cell.value == "'" + FORMULA_NAME
    title_cell = sheet["A1"]
    assert title_cell.data_type == "s" and title_cell.value.startswith("'=1+2")


def test_a_control_character_in_a_name_or_title_is_dropped_not_a_server_error(client_for, shift, leader):
    shift.title = "敬老\x07服务"
    shift.save()
    person = Signup.objects.filter(shift=shift).select_related("volunteer").first().volunteer
    person.real_name = "王\x1b秀英"
    person.save()

    response = download(client_for(leader.user), shift)

    assert response.status_code == 200
    values = [cell.value for line in workbook_of(response.content).active.iter_rows() for cell in line]
    assert "王秀英" in values
    assert any(isinstance(value, str) and "敬老服务" in value for value in values)


def test_the_page_is_a4_portrait_fit_to_width_with_repeated_titles(shift):
    with translation.override("zh-hans"):
        sheet = workbook_of(sign_in_sheet(shift)).active

    header = header_row_of(sheet, "序号")
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"$1:${header}"
    assert sheet.row_dimensions[header + 1].height >= 28  # room to sign
    assert sheet.column_dimensions["F"].width >= 20
    assert sheet.cell(row=header + 1, column=6).border.bottom.style == "thin"
    assert sheet.cell(row=header, column=2).font.name == "宋体"


def test_the_sheet_speaks_english_too(shift):
    with translation.override("en"):
        sheet = workbook_of(sign_in_sheet(shift, leaders=[])).active

    assert [cell.value for cell in sheet[header_row_of(sheet, "No.")]] == ENGLISH_HEADER
    assert sheet["A1"].value == "周六助老 · sign-in sheet"
    assert "Saturday, March 7, 2026 09:00–11:30" in sheet["A3"].value


def test_the_download_has_an_ascii_name_and_the_chinese_title(client_for, shift, leader):
    shift.title = '周六/助老 "特别"'
    shift.save()

    disposition = download(client_for(leader.user), shift, HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Disposition"]

    ascii_part, utf8_part = disposition.split("; filename*=")
    assert ascii_part == f'attachment; filename="sign-in-{shift.pk}-20260307.xlsx"'
    assert utf8_part == "UTF-8''" + quote("周六_助老 _特别_-签到表-20260307.xlsx", safe="")
    assert disposition.isascii()


def test_the_sheet_asks_a_fixed_number_of_queries(client_for, shift, leader):
    client = client_for(leader.user)
    url = reverse("shifts:sign_in_sheet", args=[shift.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        Signup.objects.create(shift=shift, volunteer=volunteer_in(shift.team), status=Signup.Status.CONFIRMED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(table_rows(workbook_of(response.content).active, "序号")) == 23 + WALK_IN_ROWS
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["member", "other_leader", "outsider"])
def test_only_those_who_run_the_team_get_the_sheet(client_for, shift, who):
    if who == "member":
        user = shift.signups.confirmed().first().volunteer.user
    elif who == "other_leader":
        user = volunteer_in(TeamFactory(), Membership.Role.LEADER).user
    else:
        shift.is_public = True
        shift.save()
        user = VolunteerFactory().user

    response = client_for(user).get(reverse("shifts:sign_in_sheet", args=[shift.pk]))

    assert response.status_code == 404


def test_office_staff_above_the_team_get_the_sheet(client_for, shift):
    staff = OfficeStaffFactory(office=shift.team.office).user

    assert client_for(staff).get(reverse("shifts:sign_in_sheet", args=[shift.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, shift):
    response = client.get(reverse("shifts:sign_in_sheet", args=[shift.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_shift_page_links_to_the_sheet_for_leaders_only(client_for, shift, leader):
    url = reverse("shifts:sign_in_sheet", args=[shift.pk])
    member = shift.signups.confirmed().first().volunteer.user

    assert url in client_for(leader.user).get(shift.get_absolute_url()).content.decode()
    assert url not in client_for(member).get(shift.get_absolute_url()).content.decode()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_sheet(shift, leader, tmp_path):
    """A tool check: the file opens in another spreadsheet program and the text stays text."""
    path = tmp_path / "sheet.xlsx"
    with translation.override("zh-hans"):
        path.write_bytes(sign_in_sheet(shift))

    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    with open(tmp_path / "sheet.csv", encoding="utf-8", newline="") as converted:
        rows = list(csv.reader(converted))
    header = rows.index(CHINESE_HEADER)
    people = rows[header + 1 : header + 4]
    assert {row[1].lstrip("'") for row in people} == {"王五", "李四", FORMULA_NAME}
    assert all("****" in row[2] for row in people)
    assert "周六助老" in rows[0][0]
