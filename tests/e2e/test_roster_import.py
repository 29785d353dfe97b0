"""Office staff import a team roster from Excel: every mistake listed first, nothing written until confirmed."""

import datetime
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from teams.models import Membership
from tests.e2e.steps import log_in
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, resident_id
from volunteers.models import Volunteer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = ["姓名", "手机号", "证件类型", "证件号码", "所在网格", "是否党员"]
BIRTH = datetime.date(1958, 3, 2)
PEOPLE = [
    ("张建国", "13911110001", "身份证", resident_id(401, birth=BIRTH, male=True), "一网格", "是"),
    ("李桂兰", "13911110002", "身份证", resident_id(402, birth=BIRTH, male=False), "二网格", "否"),
]


def wrong_check_digit(id_number: str) -> str:
    return id_number[:17] + ("1" if id_number[17] != "1" else "2")


def workbook(path: Path, rows) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def submit(page: Page, form_selector: str) -> None:
    page.locator(form_selector).locator("button[type=submit]").first.click()


def upload(page: Page, path: Path) -> None:
    page.set_input_files("input[name=file]", str(path))
    submit(page, "main form[enctype='multipart/form-data']")


def test_staff_fixes_a_bad_roster_and_imports_it(page: Page, live_server, tmp_path, assert_no_sideways_scroll):
    team = TeamFactory(name="六点半课堂")
    staff = VolunteerFactory(real_name="街道干部").user
    OfficeStaffFactory(office=team.office, user=staff)
    phones = [f"+86{person[1]}" for person in PEOPLE]

    log_in(page, staff)
    page.locator("main").get_by_role("link", name=team.name).click()
    expect(page).to_have_url(re.compile(rf"/teams/{team.pk}/$"))
    page.locator(f"main a[href='/teams/{team.pk}/roster/import/']").click()
    expect(page).to_have_url(re.compile(rf"/teams/{team.pk}/roster/import/$"))

    # Row 3 has a resident ID whose check digit is wrong: the row and the column are named.
    bad = [PEOPLE[0], (*PEOPLE[1][:3], wrong_check_digit(PEOPLE[1][3]), *PEOPLE[1][4:])]
    upload(page, workbook(tmp_path / "bad.xlsx", bad))
    errors = page.get_by_test_id("roster-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(0)).to_have_text("3")
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("证件号码")
    expect(page.locator(f"form[action='/teams/{team.pk}/roster/confirm/']")).to_have_count(0)
    assert_no_sideways_scroll(page)
    assert not User.objects.filter(phone__in=phones).exists()
    assert not Volunteer.objects.filter(real_name__in=[person[0] for person in PEOPLE]).exists()
    assert not Membership.objects.filter(team=team).exists()

    # The corrected file is previewed, then imported on confirmation.
    upload(page, workbook(tmp_path / "fixed.xlsx", PEOPLE))
    preview = page.get_by_test_id("roster-preview")
    expect(preview).to_be_visible()
    expect(page.get_by_test_id("roster-errors")).to_have_count(0)
    expect(preview.locator("tbody tr")).to_have_count(2)
    for name, phone, *_rest in PEOPLE:
        row = preview.locator("tbody tr", has_text=name)
        expect(row).to_contain_text(f"{phone[:3]}****{phone[-4:]}")
    assert_no_sideways_scroll(page)
    assert not User.objects.filter(phone__in=phones).exists(), "the preview wrote to the database"

    submit(page, f"form[action='/teams/{team.pk}/roster/confirm/']")
    expect(page).to_have_url(re.compile(rf"/teams/{team.pk}/$"))
    expect(page.locator(".messages .success")).to_be_visible()
    for name, *_rest in PEOPLE:
        expect(page.locator("main table")).to_contain_text(name)

    members = Membership.objects.filter(team=team, status=Membership.Status.ACTIVE).select_related("user__volunteer")
    assert sorted((m.user.phone, m.user.volunteer.real_name, m.role) for m in members) == [
        (phones[0], PEOPLE[0][0], Membership.Role.MEMBER),
        (phones[1], PEOPLE[1][0], Membership.Role.MEMBER),
    ]
    first = Volunteer.objects.get(user__phone=phones[0])
    assert (first.id_number, first.gender, first.birth_date, first.grid, first.is_party_member) == (
        PEOPLE[0][3],
        Volunteer.Gender.MALE,
        BIRTH,
        "一网格",
        True,
    )
