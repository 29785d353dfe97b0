import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from hours import exports, ledger, months, requests
from hours.models import MonthClose, ServiceRecord
from tests.factories import CommunityFactory, OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
MAY = datetime.date(2026, 5, 1)


@pytest.fixture
def office(team):
    return team.office


@pytest.fixture
def staff(office):
    return OfficeStaffFactory(office=office).user


def test_closing_freezes_the_months_totals_and_ranking(team, office):
    first, second = volunteer_in(team), volunteer_in(team)
    post(first, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    post(first, team, key="b", starts_at=at(datetime.date(2026, 2, 2)), minutes=60)
    post(second, team, key="c", starts_at=at(datetime.date(2026, 3, 9)), minutes=180)
    post(second, team, key="d", starts_at=at(datetime.date(2026, 4, 9)), minutes=30)  # after the month

    closed = months.close_month(office=office, month=MARCH, by=None, today=datetime.date(2026, 4, 20))

    snapshot = closed.snapshot
    assert (snapshot["month"], snapshot["volunteers"], snapshot["total_minutes"]) == ("2026-03", 2, 300)
    assert [row["volunteer"] for row in snapshot["top"]] == [second.pk, first.pk]
    assert snapshot["top"][0]["public_name"] == f"{second.real_name[0]}*"
    totals = {row["volunteer"]: row for row in snapshot["totals"]}
    assert (totals[first.pk]["month_minutes"], totals[first.pk]["year_minutes"]) == (120, 180)
    assert totals[first.pk]["all_time_minutes"] == 180


def test_the_command_closes_by_id_or_name_and_refuses_twice(office, capsys):
    call_command("close_month", office=str(office.pk), month="2026-03")
    assert "2026-03" in capsys.readouterr().out
    call_command("close_month", office=office.name, month="2026-02")
    assert set(MonthClose.objects.values_list("month", flat=True)) == {MARCH, datetime.date(2026, 2, 1)}

    with pytest.raises(CommandError, match="2026-03"):
        call_command("close_month", office=office.name, month="2026-03")


@pytest.mark.parametrize("month", ["2099-01", "not-a-month"])
def test_the_command_refuses_a_future_month_or_a_bad_one(office, month):
    with pytest.raises(CommandError):
        call_command("close_month", office=str(office.pk), month=month)
    assert not MonthClose.objects.exists()


def test_the_command_refuses_an_unknown_or_ambiguous_office():
    first = CommunityFactory(name="幸福社区")
    CommunityFactory(name="幸福社区")
    with pytest.raises(CommandError, match="有多个机构名为“幸福社区”：请改用 id"):
        call_command("close_month", office="幸福社区", month="2026-03")
    with pytest.raises(CommandError, match="没有 id 或名称为“没有这个社区”的机构。"):
        call_command("close_month", office="没有这个社区", month="2026-03")
    call_command("close_month", office=str(first.pk), month="2026-03")


def test_the_current_month_cannot_be_closed_yet(office):
    with pytest.raises(ValidationError):
        months.close_month(office=office, month=APRIL, by=None, today=datetime.date(2026, 4, 30))


def test_a_late_correction_in_a_closed_month_is_reported_in_the_next_open_month(team, office, staff):
    volunteer = volunteer_in(team)
    record = post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120, length=180)
    assert record.reported_month == MARCH
    frozen = months.close_month(office=office, month=MARCH, by=staff, today=datetime.date(2026, 4, 2)).snapshot

    reversal, replacement = ledger.correct_record(record=record, minutes=180, reason="漏记一小时", by=staff)

    assert (reversal.reported_month, replacement.reported_month) == (APRIL, APRIL)
    assert reversal.service_date == datetime.date(2026, 3, 2)  # the record still says when it was served
    assert MonthClose.objects.get(month=MARCH).snapshot == frozen


def test_a_late_backfill_skips_every_closed_month(team, office, staff):
    volunteer, leader = volunteer_in(team), VolunteerFactory()
    OfficeStaffFactory(office=office, user=leader.user)
    for month in (MARCH, APRIL):
        months.close_month(office=office, month=month, by=staff, today=datetime.date(2026, 5, 3))
    backfill = requests.ask_backfill(
        team=team,
        volunteer=volunteer,
        by=leader.user,
        starts_at=at(datetime.date(2026, 3, 20)),
        ends_at=at(datetime.date(2026, 3, 20), 11),
        activity="垃圾分类宣传",
        minutes=120,
        reason="纸质签到表迟交",
    )
    requests.decide_backfill(backfill=backfill, by=staff, approve=True)

    record = ServiceRecord.objects.get(source_key=f"backfill:{backfill.pk}")
    assert (record.service_date, record.reported_month) == (datetime.date(2026, 3, 20), MAY)


def test_a_close_of_another_office_changes_nothing_here(team):
    volunteer = volunteer_in(team)
    months.close_month(office=CommunityFactory(), month=MARCH, by=None, today=datetime.date(2026, 4, 2))
    record = post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 2)))
    assert record.reported_month == MARCH


def test_staff_close_a_month_with_the_button(client_for, office, staff):
    client = client_for(staff)
    page = client.get(reverse("hours:months")).content.decode()
    assert office.name in page
    # The phone asks before the month is closed for good (issue 14; static/js/page.js).
    assert 'data-testid="close-month"\n      data-confirm="确定为本机构及所有下级机构结算该月吗？' in page

    response = client.post(reverse("hours:month_close"), {"office": office.pk, "month": "2026-03", "confirm": "on"})

    assert response["Location"] == reverse("hours:months")
    assert MonthClose.objects.get().closed_by == staff
    page = client.get(reverse("hours:months")).content.decode()
    assert "2026-03" in page
    client.post(reverse("hours:month_close"), {"office": office.pk, "month": "2026-03", "confirm": "on"})
    assert MonthClose.objects.count() == 1


def test_a_volunteer_has_no_months_page_and_cannot_close(client_for, office):
    client = client_for(VolunteerFactory().user)
    assert client.get(reverse("hours:months")).status_code == 404
    data = {"office": office.pk, "month": "2026-03", "confirm": "on"}
    assert client.post(reverse("hours:month_close"), data).status_code == 404
    assert not MonthClose.objects.exists()


def test_staff_cannot_close_another_offices_month(client_for, staff):
    other = CommunityFactory()
    client_for(staff).post(reverse("hours:month_close"), {"office": other.pk, "month": "2026-03", "confirm": "on"})
    assert not MonthClose.objects.exists()


@pytest.mark.parametrize("text", ["1999-12", "2100-01", "9999-12", "0001-01"])
def test_months_far_outside_use_are_refused(text):
    with pytest.raises(ValidationError):
        months.parse_month(text)


@pytest.mark.parametrize("text", ["2000-01", "2099-12"])
def test_months_at_the_edges_are_accepted(text):
    assert months.parse_month(text).strftime("%Y-%m") == text


@pytest.mark.parametrize(
    ("day", "first_of_next"),
    [
        ("2027-01-01", "2027-02-01"),
        ("2027-01-31", "2027-02-01"),
        ("2028-02-29", "2028-03-01"),
        ("2027-12-15", "2028-01-01"),
        ("2099-12-31", "2100-01-01"),
    ],
)
def test_the_month_after(day, first_of_next):
    assert months.next_month(datetime.date.fromisoformat(day)) == datetime.date.fromisoformat(first_of_next)


@pytest.mark.parametrize(
    ("day", "first_of_previous"),
    [("2027-03-31", "2027-02-01"), ("2027-03-01", "2027-02-01"), ("2028-01-15", "2027-12-01")],
)
def test_the_month_before(day, first_of_previous):
    assert months.previous_month(datetime.date.fromisoformat(day)) == datetime.date.fromisoformat(first_of_previous)


def test_a_month_starts_at_local_midnight():
    start = months.month_start(datetime.date(2027, 3, 20))
    assert timezone.localtime(start).isoformat() == "2027-03-01T00:00:00+08:00"


def test_the_ranking_list_and_the_export_answer_a_far_off_month_without_error(client_for, office, staff):
    client = client_for(staff)
    listing = client.get(reverse("hours:recognition", args=[office.pk]), {"period": "month", "month": "9999-12"})
    assert listing.status_code == 200
    export = client.get(reverse("hours:export_xlsx", args=[office.pk, "9999-12"]))
    assert export.status_code == 404


def test_a_close_is_never_deleted_so_the_month_stays_closed(team, office, staff):
    close = months.close_month(office=office, month=MARCH, by=staff, today=datetime.date(2026, 4, 2))

    with pytest.raises(PermissionError):
        close.delete()
    with pytest.raises(PermissionError):
        MonthClose.objects.filter(pk=close.pk).delete()
    with pytest.raises(PermissionError):
        MonthClose.objects.all().delete()

    assert MonthClose.objects.get().snapshot == close.snapshot
    late = post(volunteer_in(team), team, key="late", starts_at=at(datetime.date(2026, 3, 20)))
    assert late.reported_month == APRIL


def test_closing_a_street_closes_its_communities_and_its_totals_equal_its_workbook():
    team = TeamFactory()
    community, street = team.office, team.office.parent
    sibling_team = TeamFactory(office=CommunityFactory(parent=street))
    for each in (team, sibling_team):
        post(volunteer_in(each), each, key=f"a-{each.pk}", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)

    closed = months.close_month(office=street, month=MARCH, by=None, today=datetime.date(2026, 4, 5))

    offices = {street.pk, community.pk, sibling_team.office_id}
    assert set(MonthClose.objects.values_list("office_id", flat=True)) == offices
    workbook = exports.MonthExport(office=street, month=MARCH)
    total = sum(row[8] for row in exports.detail_rows(workbook))
    assert (closed.snapshot["volunteers"], closed.snapshot["total_minutes"]) == (2, total) == (2, 240)
    community_close = MonthClose.objects.get(office=community)
    assert community_close.snapshot["total_minutes"] == 120


def test_a_month_before_anything_was_recorded_is_refused(team, office):
    post(volunteer_in(team), team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    with translation.override("en"), pytest.raises(ValidationError, match=r"Nothing was recorded .* before 2026-03"):
        months.close_month(office=office, month=datetime.date(2026, 1, 1), by=None, today=datetime.date(2026, 4, 5))
    with translation.override("en"), pytest.raises(ValidationError, match="between 2000 and 2099"):
        months.close_month(office=office, month=datetime.date(1900, 1, 1), by=None, today=datetime.date(2026, 4, 5))
    assert not MonthClose.objects.exists()


def test_the_button_asks_for_a_confirmation(client_for, office, staff):
    response = client_for(staff).post(
        reverse("hours:month_close"), {"office": office.pk, "month": "2026-03"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Tick the box to confirm" in response.content.decode()
    assert not MonthClose.objects.exists()
