"""A resident's request served with a partner unit (共建单位): chosen among the units of the
request's office when it is dispatched, shown on its page, and listed for the unit, once
confirmed, with the people and hours the ledger credits, naming no resident."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import ledger
from needs import services
from needs.models import Need
from needs.partners import requests_served_with
from teams.partners import work_of
from tests.factories import PartnerUnitFactory, TeamFactory
from tests.needs.factories import CategoryFactory, done, raised, staff_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = (TODAY - datetime.timedelta(days=30), TODAY)


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def category(team):
    return CategoryFactory(office=team.office, max_minutes=120)


@pytest.fixture
def staff(team):
    return staff_of(team.office)


@pytest.fixture
def unit(team):
    return PartnerUnitFactory(office=team.office, name="区税务局")


def served_with(category, team, staff, unit, minutes=90):
    """Dispatched with the unit, done by a volunteer and confirmed (and credited) by the office."""
    need, volunteer = done(category, team, minutes=minutes)
    Need.objects.filter(pk=need.pk).update(partner_unit=unit)
    services.confirm(need=need, by=staff, rating=5)
    return need, volunteer


def test_staff_dispatch_a_request_with_a_unit_of_its_office_only(client, category, team, staff, unit):
    elsewhere = PartnerUnitFactory(name="外区医院")
    need = services.accept(need=raised(category), by=staff)
    client.force_login(staff)

    page = client.get(need.get_absolute_url()).content.decode()
    client.post(
        reverse("needs:dispatch", args=[need.pk]),
        {"audience": "team", "team": team.pk, "places": "1", "partner_unit": elsewhere.pk},
    )
    refused_state = Need.objects.get().state
    client.post(
        reverse("needs:dispatch", args=[need.pk]),
        {"audience": "team", "team": team.pk, "places": "1", "partner_unit": unit.pk},
    )

    assert "区税务局" in page and "外区医院" not in page
    assert refused_state == Need.State.ACCEPTED
    need.refresh_from_db()
    assert need.state == Need.State.DISPATCHED and need.partner_unit == unit
    assert 'data-testid="partner-unit">区税务局<' in client.get(need.get_absolute_url()).content.decode()


def test_the_service_refuses_a_unit_of_another_office(category, team, staff):
    need = services.accept(need=raised(category), by=staff)

    with pytest.raises(ValidationError):
        services.dispatch(
            need=need, by=staff, audience=Need.Audience.TEAM, team=team, partner_unit=PartnerUnitFactory()
        )
    assert Need.objects.get().state == Need.State.ACCEPTED


def test_a_confirmed_request_is_the_units_work_with_the_ledgers_people_and_hours(category, team, staff, unit):
    need, _volunteer = served_with(category, team, staff, unit, minutes=90)

    [work] = work_of(unit, *THIS_MONTH)

    assert (work.title, work.details, work.people, work.minutes) == ("理发", need.grid, 1, 90)
    assert work.date == timezone.localdate(need.closed_at)
    described = f"{work.title} {work.details}"
    assert need.resident_name not in described and need.address not in described


def test_a_correction_of_the_credited_time_is_what_the_unit_is_credited(category, team, staff, unit):
    need, _volunteer = served_with(category, team, staff, unit, minutes=90)
    record = need.takers.get().posted_record

    ledger.correct_record(record=record, minutes=60, by=staff, reason="按实际服务时长")

    [work] = requests_served_with(unit, *THIS_MONTH)
    assert work.minutes == 60


def test_requests_not_confirmed_of_another_unit_or_outside_the_period_are_not_listed(category, team, staff, unit):
    under_way, _volunteer = done(category, team)
    Need.objects.filter(pk=under_way.pk).update(partner_unit=unit)
    served_with(category, team, staff, PartnerUnitFactory(office=team.office, name="区医院"))
    served_with(category, team, staff, unit)

    assert len(requests_served_with(unit, *THIS_MONTH)) == 1
    last_year = (TODAY - datetime.timedelta(days=400), TODAY - datetime.timedelta(days=370))
    assert requests_served_with(unit, *last_year) == []


def test_the_query_count_does_not_grow_with_the_requests(category, team, staff, unit):
    served_with(category, team, staff, unit)
    with CaptureQueriesContext(connection) as one:
        requests_served_with(unit, *THIS_MONTH)
    for _n in range(2):
        served_with(category, team, staff, unit)
    with CaptureQueriesContext(connection) as three:
        listed = requests_served_with(unit, *THIS_MONTH)

    assert len(listed) == 3
    assert len(three) == len(one)
