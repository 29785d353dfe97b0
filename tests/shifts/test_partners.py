"""A shift run with a partner unit (共建单位): chosen among the units of the team's office, shown
on the shift's page, and listed for the unit with the people and hours the ledger credits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import ledger
from hours.models import ServiceRecord
from shifts.marks import mark_present
from shifts.models import Shift, Signup
from shifts.partners import shifts_run_with
from shifts.posting import post_attendance
from shifts.services import create_shift
from teams.models import Membership
from teams.partners import work_of
from tests.factories import PartnerUnitFactory, ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = (TODAY - datetime.timedelta(days=30), TODAY)


def shift_form_data(start: datetime.datetime, **fields) -> dict:
    return {
        "title": "共建清扫",
        "place": "小区东门",
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:00"),
        "capacity": 5,
        **fields,
    }


def test_a_leader_runs_a_shift_with_a_unit_of_the_teams_office_only(client_for, team):
    leader = volunteer_in(team, Membership.Role.LEADER)
    ours, elsewhere = PartnerUnitFactory(office=team.office, name="区税务局"), PartnerUnitFactory(name="外区医院")
    client = client_for(leader.user)
    start = timezone.localtime() + datetime.timedelta(days=3)

    form_page = client.get(reverse("shifts:create", args=[team.pk])).content.decode()
    refused = client.post(reverse("shifts:create", args=[team.pk]), shift_form_data(start, partner_unit=elsewhere.pk))
    client.post(reverse("shifts:create", args=[team.pk]), shift_form_data(start, partner_unit=ours.pk))

    assert "区税务局" in form_page and "外区医院" not in form_page
    assert refused.status_code == 200 and "partner_unit" in refused.context["form"].errors
    assert Shift.objects.get().partner_unit == ours
    page = client.get(Shift.objects.get().get_absolute_url()).content.decode()
    assert 'data-testid="partner-unit">区税务局<' in page


def test_the_service_refuses_a_unit_of_another_office(team):
    shift = ShiftFactory.build(team=team, partner_unit=PartnerUnitFactory())

    with pytest.raises(ValidationError) as refused:
        create_shift(shift=shift)

    assert "partner_unit" in refused.value.message_dict
    assert not Shift.objects.exists()


def test_a_shift_without_a_unit_shows_none_and_credits_no_unit(client_for, team):
    leader = volunteer_in(team, Membership.Role.LEADER)
    shift = ShiftFactory(team=team)

    page = client_for(leader.user).get(shift.get_absolute_url()).content.decode()

    assert 'data-testid="partner-unit"' not in page
    assert shift.partner_unit is None


def finished_with(unit, *, people: int, days_ago: int = 1, title: str = "共建清扫") -> Shift:
    """A two-hour shift of the unit's office that ended `days_ago` days ago, `people` of its
    team marked present throughout and posted to the ledger."""
    team = TeamFactory(office=unit.office)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago, hours=3)
    shift = ShiftFactory(
        team=team, title=title, starts_at=start, ends_at=start + datetime.timedelta(hours=2), partner_unit=unit
    )
    leader = volunteer_in(team, Membership.Role.LEADER).user
    for _n in range(people):
        volunteer = volunteer_in(team)
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
        mark_present(shift=shift, volunteer=volunteer, checked_in=shift.starts_at, checked_out=shift.ends_at, by=leader)
    post_attendance(shift=shift, by=leader, include_reviewed=True)
    return shift


def test_the_unit_is_credited_with_the_people_and_hours_the_ledger_holds_after_corrections():
    unit = PartnerUnitFactory()
    shift = finished_with(unit, people=3)
    first, second, _third = ServiceRecord.objects.filter(team=shift.team).order_by("pk")
    leader = shift.team.memberships.get(role=Membership.Role.LEADER).user
    ledger.correct_record(record=first, minutes=60, reason="提前一小时离开", by=leader)
    _reversal, replacement = ledger.correct_record(record=second, minutes=90, reason="迟到半小时", by=leader)
    ledger.correct_record(record=replacement, minutes=0, reason="未实际到场", by=leader)

    [work] = shifts_run_with(unit, *THIS_YEAR)

    # 60 + 0 + 120: the second person's time was corrected twice, to nothing.
    assert (work.title, work.people, work.minutes) == ("共建清扫", 2, 180)
    assert work.date == timezone.localdate(shift.starts_at)
    assert work.details == f"{shift.team.name} · {shift.place}"


def test_only_the_units_shifts_in_the_period_not_cancelled_are_listed():
    unit = PartnerUnitFactory()
    listed = finished_with(unit, people=1, title="本月的")
    finished_with(unit, people=0, days_ago=60, title="两个月前的")
    finished_with(PartnerUnitFactory(office=unit.office), people=1, title="别的单位的")
    cancelled = ShiftFactory(team=listed.team, partner_unit=unit, starts_at=listed.starts_at, is_cancelled=True)

    titles = [work.title for work in work_of(unit, *THIS_YEAR)]

    assert titles == ["本月的"]
    assert cancelled.title not in titles


def test_listing_a_units_shifts_asks_a_fixed_number_of_queries():
    unit = PartnerUnitFactory()
    finished_with(unit, people=1)
    with CaptureQueriesContext(connection) as one:
        shifts_run_with(unit, *THIS_YEAR)
    for days_ago in (2, 3):
        finished_with(unit, people=3, days_ago=days_ago)
    with CaptureQueriesContext(connection) as three:
        listed = shifts_run_with(unit, *THIS_YEAR)

    assert len(listed) == 3
    assert len(three) == len(one) <= 4
