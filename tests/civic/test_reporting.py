"""在职党员双报到: the card, the receipt, and the community's view of reported members' hours,
which are the ledger's (DESIGN rule 21)."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from civic import feedback, reporting
from civic.models import PartyReport, QuarterComment, ReportingTarget, ServicePost
from hours import ledger
from teams.models import PartnerUnit
from tests.factories import OfficeFactory, OfficeStaffFactory, VolunteerFactory
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def unit(team):
    return PartnerUnit.objects.create(office=team.office, name="市税务局", party_branch="第三党支部")


@pytest.fixture
def posts(team):
    return [ServicePost.objects.create(office=team.office, name=name) for name in ("政策宣传", "助老助残")]


@pytest.fixture
def member(volunteer):
    volunteer.is_party_member = True
    volunteer.employer_unit = "市税务局"
    volunteer.save()
    return volunteer


def report_of(member, team, unit, posts) -> PartyReport:
    return reporting.submit_report(
        volunteer=member, office=team.office, unit=unit, grid="第二网格", skills="法律咨询", posts=posts
    )


def test_a_party_member_reports_and_the_community_confirms(member, team, unit, posts, staff):
    report = report_of(member, team, unit, posts)
    assert report.state == PartyReport.State.PENDING

    reporting.decide_report(report=report, approved=True, by=staff)

    report.refresh_from_db()
    assert report.state == PartyReport.State.APPROVED
    assert report.decided_by == staff
    assert report.receipt_number.startswith("BD")
    assert {post.name for post in report.posts.all()} == {"政策宣传", "助老助残"}


def test_only_party_members_report_and_only_once(volunteer, member, team, unit, posts):
    report_of(member, team, unit, posts)
    with pytest.raises(ValidationError):
        report_of(member, team, unit, posts)

    member.is_party_member = False
    member.save()
    other_office = OfficeFactory()
    with pytest.raises(ValidationError):
        reporting.submit_report(
            volunteer=member,
            office=other_office,
            unit=PartnerUnit.objects.create(office=other_office, name="某单位"),
            grid="",
            skills="",
            posts=[],
        )


def test_a_unit_of_another_community_is_refused(member, team, posts):
    elsewhere = PartnerUnit.objects.create(office=OfficeFactory(), name="外区单位")

    with pytest.raises(ValidationError):
        report_of(member, team, elsewhere, posts)


def test_the_hours_shown_are_the_ledgers(member, team, unit, posts, staff):
    reporting.decide_report(report=report_of(member, team, unit, posts), approved=True, by=staff)
    quarter_start, _end = reporting.quarter_of(TODAY)
    in_quarter = post(member, team, key="q", starts_at=at(quarter_start), minutes=120)
    if quarter_start.month > 1:  # earlier this year, before the quarter
        post(member, team, key="y", starts_at=at(TODAY.replace(month=1, day=2)), minutes=90)
    post(member, team, key="last-year", starts_at=at(TODAY.replace(year=TODAY.year - 1)), minutes=600)
    withdrawn = post(member, team, key="w", starts_at=at(quarter_start + datetime.timedelta(days=1)), minutes=60)
    ledger.correct_record(record=withdrawn, minutes=0, reason="未到场", by=staff)

    served = reporting.served_in(team.office, [member.pk], reporting.quarter_of(TODAY))[member.pk]

    year_records = ledger.credited(member).filter(service_date__year=TODAY.year)
    assert served.quarter_minutes == in_quarter.minutes
    assert served.year_minutes == sum(record.minutes for record in year_records)
    assert served.year_activities == year_records.count()


@pytest.mark.parametrize(("minutes", "met"), [(60, False), (50 * 60, True)])
def test_the_yearly_target_is_activities_or_hours(member, team, minutes, met):
    served = reporting.Served(quarter_minutes=0, year_minutes=minutes, year_activities=1)

    assert reporting.meets_target(served, reporting.target_of(team.office)) is met
    assert reporting.meets_target(reporting.Served(0, 0, 4), reporting.target_of(team.office))


def test_the_card_and_the_receipt_through_the_pages(client, member, team, unit, posts, staff):
    client.force_login(member.user)
    client.post(
        reverse("civic:party_report"),
        {"office": team.office.pk, "unit": unit.pk, "grid": "第二网格", "posts": [posts[0].pk]},
    )
    report = PartyReport.objects.get()

    client.force_login(staff)
    page = client.get(reverse("civic:party_members", args=[team.office.pk])).content.decode()
    assert member.real_name in page
    client.post(reverse("civic:party_report_decide", args=[report.pk]), {"decision": "approve"})

    client.force_login(member.user)
    receipt = client.get(reverse("civic:party_report")).content.decode()
    assert report.receipt_number in receipt
    assert "市税务局" in receipt


def test_staff_of_another_office_see_no_reports(client, member, team, unit, posts):
    report = report_of(member, team, unit, posts)
    client.force_login(OfficeStaffFactory(office=OfficeFactory(), user=VolunteerFactory().user).user)

    assert client.get(reverse("civic:party_members", args=[team.office.pk])).status_code == 404
    assert (
        client.post(reverse("civic:party_report_decide", args=[report.pk]), {"decision": "approve"}).status_code == 404
    )
    assert PartyReport.objects.get().state == PartyReport.State.PENDING


def test_the_quarterly_unit_sheet_shows_the_ledgers_hours(client, member, team, unit, posts, staff):
    reporting.decide_report(report=report_of(member, team, unit, posts), approved=True, by=staff)
    quarter_start, _end = reporting.quarter_of(TODAY)
    post(member, team, key="q", starts_at=at(quarter_start), minutes=150)
    withdrawn = post(member, team, key="w", starts_at=at(quarter_start + datetime.timedelta(days=1)), minutes=60)
    ledger.correct_record(record=withdrawn, minutes=0, reason="未到场", by=staff)
    client.force_login(staff)

    response = client.get(
        reverse("civic:unit_feedback", args=[team.office.pk, unit.pk]),
        {"quarter": f"{quarter_start.year}-{(quarter_start.month - 1) // 3 + 1}"},
    )

    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    header = rows.index(next(row for row in rows if row and row[0] == "姓名"))
    (person,) = [row for row in rows[header + 1 :] if row and row[0] == member.real_name]
    quarter_minutes = sum(record.minutes for record in ledger.credited(member).filter(service_date__gte=quarter_start))
    assert person[3] == quarter_minutes / 60 == 2.5
    assert person[1] == member.masked_phone
    assert set(person[2].split("、")) == {"政策宣传", "助老助残"}
    assert "市税务局" in rows[0][0]


def test_a_member_of_staff_cannot_confirm_their_own_party_report(team, unit, posts, staff):
    own = staff.volunteer
    own.is_party_member = True
    own.save()
    report = report_of(own, team, unit, posts)

    with pytest.raises(ValidationError):
        reporting.decide_report(report=report, approved=True, by=staff)

    report.refresh_from_db()
    assert report.state == PartyReport.State.PENDING


# ---------------------------------------------------------------- the community's comment


def confirmed(member, team, unit, posts, staff) -> PartyReport:
    report = report_of(member, team, unit, posts)
    reporting.decide_report(report=report, approved=True, by=staff)
    return report


def feedback_rows(client, team, unit, quarter_start, name):
    response = client.get(
        reverse("civic:unit_feedback", args=[team.office.pk, unit.pk]),
        {"quarter": f"{quarter_start.year}-{(quarter_start.month - 1) // 3 + 1}"},
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    return [row for row in rows if row and row[0] == name]


def test_the_communitys_comment_is_in_its_quarters_feedback_sheet(client, member, team, unit, posts, staff):
    report = confirmed(member, team, unit, posts, staff)
    this_quarter, _end = reporting.quarter_of(TODAY)
    last_quarter, _end = reporting.quarter_of(this_quarter - datetime.timedelta(days=1))
    client.force_login(staff)

    client.post(reverse("civic:party_comment", args=[report.pk]), {"text": "=积极参加 巡逻"})
    client.post(
        reverse("civic:party_comment", args=[report.pk]),
        {"text": "上季度表现好", "quarter": f"{last_quarter.year}-{(last_quarter.month - 1) // 3 + 1}"},
    )

    (row,) = feedback_rows(client, team, unit, this_quarter, member.real_name)
    assert row[7] == "'=积极参加 巡逻"  # never a formula
    (row,) = feedback_rows(client, team, unit, last_quarter, member.real_name)
    assert row[7] == "上季度表现好"
    assert member.real_name in client.get(reverse("civic:party_members", args=[team.office.pk])).content.decode()


def test_a_comment_written_again_replaces_the_last_and_an_empty_one_removes_it(member, team, unit, posts, staff):
    report = confirmed(member, team, unit, posts, staff)

    reporting.write_comment(report=report, quarter=TODAY, text="按时参加", by=staff)
    reporting.write_comment(report=report, quarter=TODAY, text="  服务  热情 ", by=staff)

    assert reporting.comments_in([report], reporting.quarter_of(TODAY)) == {report.pk: "服务 热情"}
    assert QuarterComment.objects.get().quarter == reporting.quarter_of(TODAY)[0]
    reporting.write_comment(report=report, quarter=TODAY, text="", by=staff)
    assert not QuarterComment.objects.exists()


def test_a_comment_is_short_and_only_on_a_confirmed_report(client, member, team, unit, posts, staff):
    pending = report_of(member, team, unit, posts)
    with pytest.raises(ValidationError):
        reporting.write_comment(report=pending, quarter=TODAY, text="好", by=staff)
    reporting.decide_report(report=pending, approved=True, by=staff)
    with pytest.raises(ValidationError):
        reporting.write_comment(report=pending, quarter=TODAY, text="好" * 101, by=staff)
    client.force_login(staff)

    client.post(reverse("civic:party_comment", args=[pending.pk]), {"text": "好" * 101})

    assert not QuarterComment.objects.exists()
    reporting.write_comment(report=pending, quarter=TODAY, text="好" * 100, by=staff)
    assert QuarterComment.objects.get().text == "好" * 100


def test_staff_of_another_office_cannot_comment(client, member, team, unit, posts, staff):
    report = confirmed(member, team, unit, posts, staff)
    client.force_login(OfficeStaffFactory(office=OfficeFactory(), user=VolunteerFactory().user).user)

    response = client.post(reverse("civic:party_comment", args=[report.pk]), {"text": "好"})

    assert response.status_code == 404
    assert not QuarterComment.objects.exists()


# ---------------------------------------------------------------- the yearly target


def test_staff_set_the_yearly_target_and_the_overview_uses_it(client, member, team, unit, posts, staff):
    confirmed(member, team, unit, posts, staff)
    post(member, team, key="one", starts_at=at(TODAY), minutes=60)
    client.force_login(staff)
    overview = reverse("civic:party_members", args=[team.office.pk])
    assert "badge warn" in client.get(overview).content.decode()  # 1 activity of 4, 1 h of 50

    response = client.post(reverse("civic:party_target", args=[team.office.pk]), {"activities": "1", "hours": "30"})

    assert response.status_code == 302
    target = reporting.target_of(team.office)
    assert (target.activities, target.hours) == (1, 30)
    page = client.get(overview).content.decode()
    assert "badge ok" in page and "badge warn" not in page


@pytest.mark.parametrize("data", [{"activities": "0", "hours": "50"}, {"activities": "4", "hours": ""}])
def test_a_yearly_target_asks_for_something(client, team, staff, data):
    client.force_login(staff)

    response = client.post(reverse("civic:party_target", args=[team.office.pk]), data)

    assert response.status_code == 200
    assert not ReportingTarget.objects.exists()


@pytest.mark.parametrize("text", ["0-1", "99999-2", "2026-5", "-", "", "二〇二六-1"])
def test_a_quarter_out_of_reach_or_garbled_is_the_current_one(text):
    today = datetime.date(2026, 12, 7)
    assert feedback.quarter_from(text, today) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


def test_a_quarter_in_reach_is_read():
    assert feedback.quarter_from("2025-2", datetime.date(2026, 12, 7)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2025, 6, 30),
    )
