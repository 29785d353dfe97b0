"""The monthly workbook's points sheet (积分): each volunteer's points movements of the month
and balance at its end, from grouped queries, masked, never a formula."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from civic import points, shop
from civic.models import PointEntry
from hours import exports, ledger
from tests.civic.conftest import give_points
from tests.civic.factories import GoodDeedKindFactory, PointsPolicyFactory, ShopItemFactory
from tests.factories import OfficeStaffFactory, TeamFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def workbook(office, user, *, unmasked=False):
    output = io.BytesIO()
    with translation.override("en"):
        exports.write_workbook(output, office=office, month=MONTH, user=user, unmasked=unmasked)
    return openpyxl.load_workbook(io.BytesIO(output.getvalue()))


def body(sheet):
    return [row for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]


def test_the_sheet_shows_the_months_movements_and_the_balance(policy, team, volunteer, staff, second_staff):
    volunteer.real_name = "=HYPERLINK(1)"
    volunteer.save()
    earlier = give_points(volunteer, team.office, 40, key="old")
    PointEntry.objects.create(
        account=earlier.account,
        points=7,
        kind=PointEntry.Kind.DEED,
        earned_on=MONTH - datetime.timedelta(days=3),
        source_key="test:last-month",
        recorded_at=timezone.now() - datetime.timedelta(days=40),
    )
    credited = post(volunteer, team, key="h", starts_at=at(TODAY), minutes=120)  # 20 points
    ledger.correct_record(record=credited, minutes=60, reason="提前离开", by=staff)  # -20, +10
    deed = points.record_deed(
        office=team.office,
        volunteer=volunteer,
        kind=GoodDeedKindFactory(office=team.office, points=5),
        done_on=TODAY,
        note="",
        by=staff,
    )
    points.decide_deed(deed=deed, approved=True, by=second_staff)
    order = shop.place_order(volunteer=volunteer, item=ShopItemFactory(office=team.office, price=30))
    shop.hand_over(code=order.pickup_code, office=team.office, by=staff)
    quiet = volunteer_in(team)
    PointEntry.objects.create(
        account=points.account_for(office=team.office, volunteer=quiet),
        points=9,
        kind=PointEntry.Kind.DEED,
        earned_on=MONTH - datetime.timedelta(days=3),
        source_key="test:quiet",
        recorded_at=timezone.now() - datetime.timedelta(days=40),
    )

    sheet = workbook(team.office, staff)["Points"]

    (row,) = body(sheet)  # the quiet volunteer's points did not move this month
    balance = earlier.account.balance()
    assert row[2] == "'=HYPERLINK(1)"
    assert row[3] == volunteer.masked_phone
    # hours 20 + 10, deeds 40 (given today) + 5, spent 30, reversed 20, nothing lapsed
    assert row[4:10] == (30, 45, -30, -20, 0, balance)
    assert balance == 7 + 30 + 45 - 30 - 20
    every_cell = [cell for line in sheet.iter_rows() for cell in line]
    assert all(cell.data_type != "f" for cell in every_cell)
    assert not any(volunteer.user.phone[3:] in str(cell.value) for cell in every_cell)


def test_an_office_without_points_rules_gets_no_sheet(team, staff):
    assert "Points" not in workbook(team.office, staff).sheetnames


def test_the_sheet_is_called_jifen_in_chinese(policy, team, staff):
    output = io.BytesIO()
    with translation.override("zh-hans"):
        exports.write_workbook(output, office=team.office, month=MONTH, user=staff)

    assert openpyxl.load_workbook(io.BytesIO(output.getvalue())).sheetnames[-1] == "积分"


def test_staff_of_another_office_see_not_its_points(policy, team, volunteer):
    give_points(volunteer, team.office, 10)
    other = TeamFactory()
    PointsPolicyFactory(office=other.office)
    other_staff = OfficeStaffFactory(office=other.office, user=VolunteerFactory().user).user

    assert body(workbook(other.office, other_staff)["Points"]) == []


def test_the_sheet_takes_the_same_queries_for_one_or_six_volunteers(policy, team, staff):
    def people(count):
        for _number in range(count):
            give_points(volunteer_in(team), team.office, 10)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            exports.write_workbook(io.BytesIO(), office=team.office, month=MONTH, user=staff)
        return len(captured)

    people(1)
    queries()  # warm the per-process caches (translations, content types)
    one = queries()
    people(5)

    assert len(body(workbook(team.office, staff)["Points"])) == 6
    assert queries() == one


def test_an_unmasked_export_shows_the_full_number_to_staff_allowed_to_see_it(policy, team, volunteer):
    give_points(volunteer, team.office, 10)
    allowed = OfficeStaffFactory(office=team.office, user=VolunteerFactory().user, can_view_pii=True).user

    (row,) = body(workbook(team.office, allowed, unmasked=True)["Points"])

    assert row[3] == volunteer.user.phone.removeprefix("+86")
