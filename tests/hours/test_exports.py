import csv
import datetime
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from accounts.phones import mask_phone, national_phone
from hours import exports, ledger, months
from hours.models import ExportLog, ServiceRecord
from tests.factories import (
    CommunityFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import at, post
from volunteers.identity import mask_id_number

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2027, 3, 1)
FEBRUARY = datetime.date(2027, 2, 1)
# The last sheet is the residents' requests app's (needs.reports), added to the ledger's four.
SHEETS_EN = ["Summary", "Details", "By team", "Backfills and corrections", "Resident requests"]
SHEETS_ZH = ["汇总", "明细", "按服务队", "补录及更正", "服务需求"]
FORMULA_NAME = '=HYPERLINK("x")'


@pytest.fixture
def month_world():
    """A street office with two communities; records in February (then closed) and March."""
    community = CommunityFactory(name="阳光社区")
    street = community.parent
    other_community = CommunityFactory(parent=street, name="月亮社区")
    team = TeamFactory(office=community, name="银龄服务队")
    other_team = TeamFactory(office=other_community, name="=cmd|' /C calc'!A0")
    elsewhere = TeamFactory()  # another street: never in the workbook
    alice = volunteer_in(team)
    sneaky = volunteer_in(other_team)
    sneaky.real_name = FORMULA_NAME
    sneaky.save()
    post(alice, team, key="a1", starts_at=at(datetime.date(2027, 3, 6)), minutes=150)
    post(alice, other_team, key="a2", starts_at=at(datetime.date(2027, 3, 7)), minutes=61)
    post(sneaky, other_team, key="s1", starts_at=at(datetime.date(2027, 3, 8)), minutes=47)
    post(alice, elsewhere, key="e1", starts_at=at(datetime.date(2027, 3, 9)), minutes=600)
    february = post(alice, team, key="f1", starts_at=at(datetime.date(2027, 2, 10)), minutes=120)
    months.close_month(office=community, month=FEBRUARY, by=None, today=datetime.date(2027, 3, 2))
    # A correction of a closed month is reported in March.
    ledger.correct_record(record=february, minutes=90, reason="签退漏扫", by=UserFactory())
    return {
        "street": street,
        "community": community,
        "team": team,
        "other_team": other_team,
        "alice": alice,
        "sneaky": sneaky,
    }


def ledger_minutes(office_ids, month=MARCH):
    return ServiceRecord.objects.filter(office_id__in=office_ids, reported_month=month).aggregate(
        total=Sum("minutes", default=0)
    )["total"]


def workbook_for(office, *, user=None, unmasked=False, month=MARCH, language="en"):
    stream = io.BytesIO()
    with translation.override(language):
        exports.write_workbook(
            stream, office=office, month=month, user=user, unmasked=unmasked, today=datetime.date(2027, 4, 2)
        )
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def body_rows(sheet):
    """Rows between the header and the totals row."""
    rows = []
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] in ("Total", "合计"):
            return rows, row
        rows.append(row)
    raise AssertionError("no totals row")


def test_sheets_titles_and_footer(month_world):
    book = workbook_for(month_world["street"])

    assert book.sheetnames == SHEETS_EN
    for sheet in book.worksheets:
        assert month_world["street"].name in sheet["A1"].value
        assert "2027-03" in sheet["A1"].value
        assert sheet.freeze_panes == "A3"
        labels = [cell.value for row in sheet.iter_rows(min_row=sheet.max_row - 1) for cell in row]
        assert {"Compiled by:", "Reviewed by:", "Date:"} <= set(labels)
        assert datetime.datetime(2027, 4, 2) in labels


def test_sheet_names_are_chinese_by_default(month_world):
    book = workbook_for(month_world["street"], language="zh-hans")

    assert book.sheetnames == SHEETS_ZH
    assert "制表人" in str(list(book["汇总"].iter_rows(values_only=True))[-1])


def test_every_total_equals_the_ledger(month_world):
    street, community = month_world["street"], month_world["community"]
    office_ids = exports.office_and_below(street)
    expected = ledger_minutes(office_ids)
    assert expected == 150 + 61 + 47 - 120 + 90  # the elsewhere record is not counted

    book = workbook_for(street)

    detail, detail_total = body_rows(book["Details"])
    assert len(detail) == ServiceRecord.objects.filter(office_id__in=office_ids, reported_month=MARCH).count() == 5
    assert detail_total[8] == expected / 60
    assert round(sum(row[8] for row in detail) * 60) == expected
    summary, summary_total = body_rows(book["Summary"])
    assert summary_total[3] == expected / 60
    assert round(sum(row[3] for row in summary) * 60) == expected
    _team_rows, team_total = body_rows(book["By team"])
    assert team_total[4] == expected / 60
    assert team_total[2] == 2  # alice served in two teams: one person
    corrections, corrections_total = body_rows(book["Backfills and corrections"])
    assert [row[6] * 60 for row in corrections] == [-120, 90]
    assert corrections_total[6] == -30 / 60
    assert corrections_total[1] == f"{len(corrections)} records"  # the count of the rows it lists
    # The community's own workbook holds only its own records.
    assert body_rows(workbook_for(community)["Details"])[1][8] == ledger_minutes([community.pk]) / 60


# The ledger's four sheets ask 11; the residents' requests sheet (needs.reports) one more, and
# the points sheet (civic.workbook) one to learn that these offices give no points.
WORKBOOK_QUERIES = 13


def test_the_workbook_takes_the_same_queries_whatever_the_records(month_world, django_assert_num_queries, monkeypatch):
    # Chunks far smaller than the month: reading on from chunk to chunk must not query again.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    street = month_world["street"]

    def export():
        exports.write_workbook(io.BytesIO(), office=street, month=MARCH, user=None)

    with django_assert_num_queries(WORKBOOK_QUERIES):
        export()
    # More records, volunteers, teams and a community more: every sheet grows.
    third = TeamFactory(office=CommunityFactory(parent=street, name="星星社区"), name="护河队")
    for team in (month_world["team"], month_world["other_team"], third):
        for number in range(3):
            volunteer = volunteer_in(team)
            for day in (11, 12, 13):
                key = f"more-{team.pk}-{number}-{day}"
                post(volunteer, team, key=key, starts_at=at(datetime.date(2027, 3, day)), minutes=60 + number)
            # February is closed for this community: reported in March, under corrections.
            late = at(datetime.date(2027, 2, 20 + number))
            post(volunteer, month_world["team"], key=f"late-{team.pk}-{number}", starts_at=late, minutes=30)
    march = ServiceRecord.objects.filter(office__in=[street, *street.children.all()], reported_month=MARCH)
    assert (march.count(), march.filter(service_date__lt=MARCH).count()) == (5 + 27 + 9, 2 + 9)

    with django_assert_num_queries(WORKBOOK_QUERIES):
        export()
    assert ExportLog.objects.order_by("pk").last().rows == 5 + 27 + 9


def test_hours_are_numbers_and_numbers_are_text(month_world):
    book = workbook_for(month_world["street"])
    sheet = book["Details"]
    alice = month_world["alice"]

    # Ordered by service date: February's reversal and correction come first.
    first = next(row for row in sheet.iter_rows(min_row=3) if row[8].value == 150 / 60)
    assert first[0].is_date
    assert first[8].data_type == "n" and first[8].number_format == "0.00"
    assert first[8].value == 150 / 60
    assert first[2].data_type == "s" and first[2].value == mask_id_number(alice.id_number)
    assert first[3].data_type == "s" and first[3].value == mask_phone(alice.user.phone)
    assert "*" in first[2].value and "****" in first[3].value
    summary = book["Summary"]
    assert summary["D3"].number_format == "0.00"
    assert summary["C3"].data_type == "s"


def test_user_text_never_becomes_a_formula(month_world):
    book = workbook_for(month_world["street"])

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    names = [row[1] for row in body_rows(book["Details"])[0]]
    assert "'" + FORMULA_NAME in names
    teams = [row[0] for row in body_rows(book["By team"])[0]]
    assert "'=cmd|' /C calc'!A0" in teams


def test_unmasked_only_with_permission(month_world):
    street = month_world["street"]
    alice = month_world["alice"]
    plain = OfficeStaffFactory(office=street, can_view_pii=False).user
    pii = OfficeStaffFactory(office=street, can_view_pii=True).user
    outsider = OfficeStaffFactory(can_view_pii=True).user

    with pytest.raises(PermissionDenied):
        workbook_for(street, user=plain, unmasked=True)
    with pytest.raises(PermissionDenied):
        workbook_for(street, user=outsider)
    with pytest.raises(PermissionDenied):
        workbook_for(street, user=None, unmasked=True)
    masked = workbook_for(street, user=pii)["Details"]
    assert masked["C3"].value == mask_id_number(alice.id_number)
    full = workbook_for(street, user=pii, unmasked=True)["Details"]
    assert full["C3"].value == alice.id_number
    assert full["D3"].value == national_phone(alice.user.phone)
    assert full["D3"].data_type == "s"
    assert list(ExportLog.objects.filter(user=pii).values_list("unmasked", flat=True).order_by("pk")) == [
        False,
        True,
    ]


def test_ids_keep_their_final_x_and_leading_zeros(month_world):
    team = month_world["team"]
    volunteer = VolunteerFactory(id_number="11010519491231002X", user=UserFactory(phone="+8613800000001"))
    post(volunteer, team, key="x1", starts_at=at(datetime.date(2027, 3, 20)))
    pii = OfficeStaffFactory(office=month_world["street"], can_view_pii=True).user

    rows = body_rows(workbook_for(month_world["street"], user=pii, unmasked=True)["Details"])[0]

    assert ("11010519491231002X", "13800000001") in {(row[2], row[3]) for row in rows}


def test_every_export_is_logged(month_world):
    street = month_world["street"]
    staff = OfficeStaffFactory(office=street).user

    workbook_for(street, user=staff)
    exports.write_csv(io.BytesIO(), office=street, month=MARCH, user=staff)

    logs = list(ExportLog.objects.order_by("pk").values_list("user", "office", "month", "unmasked", "kind", "rows"))
    assert logs == [
        (staff.pk, street.pk, MARCH, False, "xlsx", 5),
        (staff.pk, street.pk, MARCH, False, "csv", 5),
    ]


def test_csv_is_the_detail_sheet_with_a_bom(month_world):
    stream = io.BytesIO()
    with translation.override("zh-hans"):
        exports.write_csv(stream, office=month_world["street"], month=MARCH, user=None)
    raw = stream.getvalue()

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1 + 5
    assert "'" + FORMULA_NAME in [row[1] for row in rows]
    alice = month_world["alice"]
    assert mask_phone(alice.user.phone) in raw.decode()
    assert alice.id_number not in raw.decode()
    assert national_phone(alice.user.phone) not in raw.decode()
    assert round(sum(float(row[8]) for row in rows[1:]) * 60) == ledger_minutes(
        exports.office_and_below(month_world["street"])
    )


def test_the_unmasked_csv_keeps_every_digit_of_id_and_mobile_numbers_for_excel(month_world):
    pii = OfficeStaffFactory(office=month_world["street"], can_view_pii=True).user
    stream = io.BytesIO()
    exports.write_csv(stream, office=month_world["street"], month=MARCH, user=pii, unmasked=True)

    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    alice = month_world["alice"]
    mine = next(row for row in rows if row[1] == alice.real_name)
    assert mine[2] == "\t" + alice.id_number  # text to Excel, not 4.10102E+17
    assert mine[3].startswith("\t")


def test_masked_and_unmasked_files_have_different_names(month_world):
    office = month_world["street"]
    masked = exports.export_filename(office, MARCH, "xlsx")
    unmasked = exports.export_filename(office, MARCH, "xlsx", unmasked=True)
    assert masked != unmasked and "full-numbers" in unmasked


def test_the_command_writes_the_workbook(month_world, tmp_path):
    output = tmp_path / "march.xlsx"
    out = io.StringIO()

    call_command("export_hours", office=str(month_world["street"].pk), month="2027-03", output=str(output), stdout=out)

    assert "记录 5 条" in out.getvalue()
    assert len(openpyxl.load_workbook(output).sheetnames) == len(SHEETS_ZH)
    assert ExportLog.objects.get().user is None
    call_command(
        "export_hours", "--csv", office="阳光社区", month="2027-03", output=str(tmp_path / "m.csv"), stdout=out
    )
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"office": "99999", "month": "2027-03"}, "没有 id 或名称为“99999”的机构。"),
        ({"office": "阳光社区", "month": "2027-13"}, "YYYY-MM"),
        ({"office": "阳光社区", "month": "March"}, "YYYY-MM"),
        ({"office": "阳光社区", "month": "2027-03", "unmasked": True}, "--user"),
        ({"office": "阳光社区", "month": "2027-03", "user": "13900000000"}, "没有使用手机号“13900000000”的在用账号"),
    ],
)
def test_the_command_refuses_bad_input(month_world, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):  # exits with status 1
        call_command("export_hours", output=str(tmp_path / "x.xlsx"), **options)
    assert not ExportLog.objects.exists()


def test_the_command_checks_the_user(month_world, tmp_path):
    plain = OfficeStaffFactory(office=month_world["community"], can_view_pii=False).user

    with pytest.raises(CommandError):
        call_command(
            "export_hours",
            "--unmasked",
            office="阳光社区",
            month="2027-03",
            output=str(tmp_path / "x.xlsx"),
            user=national_phone(plain.phone),
        )


def test_staff_download_the_workbook(month_world, client):
    staff = OfficeStaffFactory(office=month_world["street"], can_view_pii=False).user
    client.force_login(staff)
    url = reverse("hours:export_xlsx", args=[month_world["street"].pk, "2027-03"])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == len(SHEETS_ZH)
    assert client.post(url, {"unmasked": "1"}).status_code == 404  # no PII permission
    assert client.get(url + "?unmasked=1").status_code == 405  # full numbers only by POST
    assert client.get(url.replace("2027-03", "2027-3x")).status_code == 404
    assert ExportLog.objects.get().user == staff


def test_the_export_page_posts_for_the_file(month_world, client):
    staff = OfficeStaffFactory(office=month_world["street"], can_view_pii=True).user
    client.force_login(staff)
    office = month_world["community"].pk

    response = client.post(reverse("hours:exports"), {"office": office, "month": "2027-03", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    response = client.post(
        reverse("hours:exports"), {"office": office, "month": "2027-03", "format": "xlsx", "unmasked": "on"}
    )
    assert "attachment" in response["Content-Disposition"]
    assert list(ExportLog.objects.order_by("pk").values_list("kind", "unmasked")) == [("csv", False), ("xlsx", True)]
    # A GET of the page only shows the form: it exports nothing.
    client.get(reverse("hours:exports"), {"office": office, "month": "2027-03", "format": "csv"})
    assert ExportLog.objects.count() == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_workbook(month_world, tmp_path):
    path = tmp_path / "march.xlsx"
    with translation.override("en"):
        exports.write_workbook(str(path), office=month_world["street"], month=MARCH, user=None)

    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    rows = list(csv.reader((tmp_path / "march.csv").read_text(encoding="utf-8").splitlines()))
    assert month_world["street"].name in rows[0][0]
    total = next(row for row in rows if row and row[0] == "Total")
    assert float(total[3]) == pytest.approx(ledger_minutes(exports.office_and_below(month_world["street"])) / 60)
    assert any(row[1] == "'" + FORMULA_NAME for row in rows if len(row) > 1)
