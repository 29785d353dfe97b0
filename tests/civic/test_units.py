"""Partner units register themselves (共建单位自行登记), their page and their projects (共建项目)."""

import datetime
import io
import itertools

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civic import reporting, units
from civic.models import ServicePost, UnitProject, UnitRegistration
from needs import wishes
from teams.models import PartnerUnit
from tests.factories import CommunityFactory, OfficeFactory, OfficeStaffFactory, VolunteerFactory
from tests.shifts.test_partners import finished_with

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def contact():
    return VolunteerFactory(real_name="钱联络员").user


def register(office, by, *, name="区税务局", phone=PHONE) -> UnitRegistration:
    return units.submit_registration(
        office=office, name=name, party_branch="第二党支部", contact_name="钱联络员", contact_phone=phone, by=by
    )


# ---------------------------------------------------------------- services


def test_a_registration_waits_then_approval_makes_the_unit_with_its_contact(team, contact, staff):
    registration = register(team.office, contact)
    assert registration.state == UnitRegistration.State.PENDING
    assert registration.contact_phone == f"+86{PHONE}"
    assert not PartnerUnit.objects.exists()

    units.decide_registration(registration=registration, approved=True, by=staff)

    registration.refresh_from_db()
    unit = PartnerUnit.objects.get()
    assert registration.state == UnitRegistration.State.APPROVED and registration.unit == unit
    assert (unit.office, unit.name, unit.party_branch, unit.contact_user) == (
        team.office,
        "区税务局",
        "第二党支部",
        contact,
    )


def test_approving_a_unit_the_community_listed_already_takes_it_over(team, contact, staff):
    listed = PartnerUnit.objects.create(office=team.office, name="区税务局", contact_name="旧联络人")

    units.decide_registration(registration=register(team.office, contact), approved=True, by=staff)

    assert list(PartnerUnit.objects.all()) == [listed]
    listed.refresh_from_db()
    assert (listed.contact_name, listed.contact_user, listed.party_branch) == ("钱联络员", contact, "第二党支部")


def test_a_refusal_needs_a_reason_and_makes_no_unit(team, contact, staff):
    registration = register(team.office, contact)
    with pytest.raises(ValidationError):
        units.decide_registration(registration=registration, approved=False, by=staff, note="  ")

    units.decide_registration(registration=registration, approved=False, by=staff, note="不在本社区")

    registration.refresh_from_db()
    assert (registration.state, registration.decision_note) == (UnitRegistration.State.REFUSED, "不在本社区")
    assert not PartnerUnit.objects.exists()
    with pytest.raises(ValidationError):  # decided once
        units.decide_registration(registration=registration, approved=True, by=staff)
    register(team.office, contact)  # and it can be sent again


def test_one_waiting_registration_per_unit_and_a_real_phone(team, contact):
    register(team.office, contact)
    with pytest.raises(ValidationError):
        register(team.office, VolunteerFactory().user)
    with pytest.raises(ValidationError):
        register(team.office, contact, name="区统计局", phone="12345")
    with pytest.raises(ValidationError):  # a street office takes no registrations
        register(OfficeFactory(), contact, name="区统计局")


def test_the_one_who_sent_it_does_not_decide_it(team, staff):
    registration = register(team.office, staff)

    with pytest.raises(ValidationError):
        units.decide_registration(registration=registration, approved=True, by=staff)


# ---------------------------------------------------------------- pages


def test_the_submitter_registers_on_the_page_and_sees_the_state_and_the_reason(client, team, contact, staff):
    client.force_login(contact)
    response = client.post(
        reverse("civic:unit_registration"),
        {
            "office": team.office.pk,
            "name": "区税务局",
            "party_branch": "第二党支部",
            "contact_name": "钱联络员",
            "contact_phone": PHONE,
        },
    )
    assert response.status_code == 302
    registration = UnitRegistration.objects.get()
    assert registration.requested_by == contact
    page = client.get(reverse("civic:unit_registration")).content.decode()
    assert 'data-state="pending"' in page
    assert PHONE not in page and "139****5678" in page

    units.decide_registration(registration=registration, approved=False, by=staff, note="请补充党支部信息")

    page = client.get(reverse("civic:unit_registration")).content.decode()
    assert 'data-state="refused"' in page and "请补充党支部信息" in page


def test_staff_decide_on_the_party_page_masked_without_the_pii_permission(client, team, contact, staff):
    registration = register(team.office, contact)
    client.force_login(staff)
    page = client.get(reverse("civic:party_members", args=[team.office.pk])).content.decode()
    assert "区税务局" in page and "139****5678" in page and PHONE not in page

    response = client.post(
        reverse("civic:unit_registration_decide", args=[registration.pk]), {"decision": "approve", "note": ""}
    )

    assert response["Location"] == reverse("civic:party_members", args=[team.office.pk])
    registration.refresh_from_db()
    assert registration.state == UnitRegistration.State.APPROVED and registration.decided_by == staff


def test_staff_with_the_pii_permission_see_the_full_number(client, team, contact):
    register(team.office, contact)
    pii_staff = OfficeStaffFactory(office=team.office, can_view_pii=True).user
    client.force_login(pii_staff)

    assert PHONE in client.get(reverse("civic:party_members", args=[team.office.pk])).content.decode()


def test_a_refusal_without_a_reason_is_refused_on_the_page(client, team, contact, staff):
    registration = register(team.office, contact)
    client.force_login(staff)

    client.post(reverse("civic:unit_registration_decide", args=[registration.pk]), {"decision": "refuse"})

    registration.refresh_from_db()
    assert registration.state == UnitRegistration.State.PENDING


@pytest.mark.parametrize("who", ["other_office_staff", "contact", "volunteer"])
def test_only_the_offices_staff_decide(client, team, contact, who):
    registration = register(team.office, contact)
    user = {
        "other_office_staff": lambda: OfficeStaffFactory(office=CommunityFactory()).user,
        "contact": lambda: contact,
        "volunteer": lambda: VolunteerFactory().user,
    }[who]()
    client.force_login(user)

    response = client.post(reverse("civic:unit_registration_decide", args=[registration.pk]), {"decision": "approve"})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.state == UnitRegistration.State.PENDING


# ---------------------------------------------------------------- the unit's page and projects

Q3 = (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


@pytest.fixture
def unit(team, contact, staff):
    registration = register(team.office, contact)
    return units.decide_registration(registration=registration, approved=True, by=staff).unit


def project(unit, staff, title, starts_on, ends_on, description="") -> UnitProject:
    return units.add_project(
        unit=unit, title=title, starts_on=starts_on, ends_on=ends_on, description=description, by=staff
    )


def test_a_projects_dates_are_in_order_and_only_staff_add_projects(unit, staff, contact):
    with pytest.raises(ValidationError):
        project(unit, staff, "清洁家园", datetime.date(2026, 8, 2), datetime.date(2026, 8, 1))
    with pytest.raises(ValidationError):
        project(unit, contact, "清洁家园", datetime.date(2026, 8, 1), datetime.date(2026, 8, 1))
    assert not UnitProject.objects.exists()


def test_the_quarters_projects_are_those_running_in_it(unit, staff):
    before = project(unit, staff, "春季义诊", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    across = project(unit, staff, "暑期托管", datetime.date(2026, 6, 15), datetime.date(2026, 7, 15))
    inside = project(unit, staff, "敬老院慰问", datetime.date(2026, 9, 30), datetime.date(2026, 9, 30))
    after = project(unit, staff, "国庆巡逻", datetime.date(2026, 10, 1), datetime.date(2026, 10, 7))

    assert list(units.projects_in(unit, Q3)) == [across, inside]
    assert before not in units.projects_in(unit, Q3) and after not in units.projects_in(unit, Q3)


def feedback_rows(client, unit, quarter: str):
    response = client.get(reverse("civic:unit_feedback", args=[unit.office_id, unit.pk]), {"quarter": quarter})
    return [row for row in openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values]


def section_rows(rows, first_heading: str):
    """The rows under the header row that starts with `first_heading`, up to the blank row."""
    header = rows.index(next(row for row in rows if row and row[0] == first_heading))
    return list(itertools.takewhile(any, rows[header + 1 :]))


def project_rows(rows):
    return section_rows(rows, "项目")


def test_the_feedback_sheet_lists_the_quarters_projects_only_and_never_a_formula(client, unit, staff):
    project(unit, staff, "春季义诊", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    project(unit, staff, '=HYPERLINK("http://x")', datetime.date(2026, 8, 1), datetime.date(2026, 8, 1), "+1 巡逻")
    project(unit, staff, "敬老院慰问", datetime.date(2026, 9, 30), datetime.date(2026, 9, 30), "@每季度一次")
    client.force_login(staff)

    rows = project_rows(feedback_rows(client, unit, "2026-3"))

    assert [row[:4] for row in rows] == [
        ('\'=HYPERLINK("http://x")', "2026-08-01", "2026-08-01", "'+1 巡逻"),
        ("敬老院慰问", "2026-09-30", "2026-09-30", "'@每季度一次"),
    ]
    assert [row[0] for row in project_rows(feedback_rows(client, unit, "2026-2"))] == ["春季义诊"]


def test_a_quarter_without_projects_says_so(client, unit, staff):
    client.force_login(staff)

    rows = feedback_rows(client, unit, "2026-1")

    header = rows.index(next(row for row in rows if row and row[0] == "项目"))
    assert [value for value in rows[header + 1] if value] == ["本季度没有项目。"]


def test_the_unit_page_lists_reported_members_and_projects_for_staff_and_the_contact(client, unit, staff, contact):
    member = VolunteerFactory(real_name="孙党员", is_party_member=True)
    post = ServicePost.objects.create(office=unit.office, name="政策宣传")
    report = reporting.submit_report(
        volunteer=member, office=unit.office, unit=unit, grid="第一网格", skills="", posts=[post]
    )
    waiting = VolunteerFactory(real_name="周待确认", is_party_member=True)
    reporting.submit_report(volunteer=waiting, office=unit.office, unit=unit, grid="第二网格", skills="", posts=[post])
    reporting.decide_report(report=report, approved=True, by=staff)
    project(unit, staff, "敬老院慰问", datetime.date(2026, 9, 30), datetime.date(2026, 9, 30))

    for user in (staff, contact):
        client.force_login(user)
        page = client.get(unit.get_absolute_url()).content.decode()
        assert "孙党员" in page and "周待确认" not in page
        assert "敬老院慰问" in page
        assert (reverse("civic:unit_project_add", args=[unit.pk]) in page) is (user == staff)

    client.force_login(contact)
    page = client.get(unit.get_absolute_url()).content.decode()
    assert PHONE in page and f"+86{PHONE}" not in page  # their own number, as people write it
    client.force_login(staff)
    assert PHONE not in client.get(unit.get_absolute_url()).content.decode()
    assert "139****5678" in client.get(unit.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["other_office_staff", "volunteer"])
def test_others_get_a_404_on_the_unit_page(client, unit, who):
    other_staff = who == "other_office_staff"
    user = OfficeStaffFactory(office=CommunityFactory()).user if other_staff else VolunteerFactory().user
    client.force_login(user)

    assert client.get(unit.get_absolute_url()).status_code == 404


def test_staff_add_a_project_on_the_page_the_contact_may_not(client, unit, staff, contact):
    data = {"title": "清洁家园", "starts_on": "2026-08-01", "ends_on": "2026-08-02", "description": "周六上午"}
    url = reverse("civic:unit_project_add", args=[unit.pk])
    client.force_login(contact)
    assert client.post(url, data).status_code == 404
    assert not UnitProject.objects.exists()
    client.force_login(staff)

    response = client.post(url, data)

    assert response["Location"] == unit.get_absolute_url()
    assert UnitProject.objects.get().title == "清洁家园"


def test_the_contact_finds_the_units_page_from_their_registrations(client, unit, contact):
    client.force_login(contact)

    page = client.get(reverse("civic:unit_registration")).content.decode()

    assert 'data-state="approved"' in page
    assert f'href="{unit.get_absolute_url()}"' in page


def test_the_unit_page_asks_as_many_queries_for_many_members_and_projects(client, unit, staff):
    post = ServicePost.objects.create(office=unit.office, name="政策宣传")

    def add_member_and_project(number):
        member = VolunteerFactory(is_party_member=True)
        report = reporting.submit_report(
            volunteer=member, office=unit.office, unit=unit, grid="第一网格", skills="", posts=[post]
        )
        reporting.decide_report(report=report, approved=True, by=staff)
        project(unit, staff, f"项目{number}", datetime.date(2026, 8, 1), datetime.date(2026, 8, 1))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(unit.get_absolute_url()).status_code == 200
        return len(captured)

    client.force_login(staff)
    add_member_and_project(0)
    few = queries()
    for number in range(1, 4):
        add_member_and_project(number)

    assert queries() == few


# ---------------------------------------------------------------- the shifts it ran and the wishes it fulfilled


def fulfilled_wish(unit, staff, title="一台助听器", note="上门调试") -> None:
    wish = wishes.post_wish(by=staff, office=unit.office, title=title, beneficiary="赵大爷")
    wishes.claim_wish(wish=wish, by=staff, unit=unit)
    wishes.fulfil_wish(wish=wish, by=staff, note=note)


def quarter_text(day: datetime.date) -> str:
    return f"{day.year}-{(day.month - 1) // 3 + 1}"


def test_the_feedback_sheet_lists_the_shifts_and_wishes_from_their_records_never_a_formula(client, unit, staff):
    shift = finished_with(unit, people=2, days_ago=0, title='=HYPERLINK("http://x")')
    fulfilled_wish(unit, staff, title="+一台助听器", note="上门调试")
    day, today = timezone.localdate(shift.starts_at), timezone.localdate()
    client.force_login(staff)

    rows = section_rows(feedback_rows(client, unit, quarter_text(today)), "日期")

    assert sorted(row[:6] for row in rows) == sorted(
        [
            (f"{day:%Y-%m-%d}", "班次", '\'=HYPERLINK("http://x")', f"{shift.team.name} · 社区服务中心", 2, 4),
            (f"{today:%Y-%m-%d}", "微心愿", "'+一台助听器", "已实现", None, None),
        ]
    )
    earlier = section_rows(feedback_rows(client, unit, quarter_text(today - datetime.timedelta(days=100))), "日期")
    assert [value for value in earlier[0] if value] == ["本季度没有共建服务、居民需求或微心愿。"]


def test_the_unit_page_lists_its_shifts_and_wishes_in_a_fixed_number_of_queries(client, unit, staff, contact):
    finished_with(unit, people=1, days_ago=1, title="共建清扫")
    fulfilled_wish(unit, staff)
    client.force_login(contact)
    with CaptureQueriesContext(connection) as few:
        page = client.get(unit.get_absolute_url()).content.decode()
    for days_ago in (2, 3):
        finished_with(unit, people=2, days_ago=days_ago)
        fulfilled_wish(unit, staff)
    with CaptureQueriesContext(connection) as many:
        client.get(unit.get_absolute_url())

    assert "共建清扫" in page and "一台助听器" in page
    assert 'data-testid="unit-work"' in page
    assert len(many) == len(few)
