"""Requests in any state, built through the services so that their history is real."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from freezegun import freeze_time

from needs import services
from needs.models import Category, Need
from tests.factories import CommunityFactory, OfficeStaffFactory, UserFactory, VolunteerFactory, volunteer_in


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("office", "name")

    office = factory.SubFactory(CommunityFactory)
    name = "理发"
    max_minutes = 120


def staff_of(office):
    return OfficeStaffFactory(office=office, user=VolunteerFactory(real_name="孙干事").user).user


def window(hours_from_now: int = -3, length: int = 6) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.now() + datetime.timedelta(hours=hours_from_now)
    return start, start + datetime.timedelta(hours=length)


def raised(category: Category, *, by=None, **fields) -> Need:
    """A request a resident raised for themselves (by: their account)."""
    by = by or UserFactory()
    starts, ends = window()
    values = {
        "office": category.office,
        "category": category,
        "description": "家里老人行动不便，想请人上门理发",
        "address": "幸福小区3号楼2单元101",
        "grid": "第三网格",
        "window_starts": starts,
        "window_ends": ends,
        "resident_name": "李阿姨",
        "resident_phone": by.phone,
    }
    values.update(fields)
    return services.raise_need(by=by, **values)


def dispatched(category: Category, team, *, staff=None, places: int = 1, **fields) -> Need:
    staff = staff or staff_of(category.office)
    need = raised(category, **fields)
    services.accept(need=need, by=staff)
    return services.dispatch(need=need, by=staff, audience=Need.Audience.TEAM, team=team, places=places)


def taken(category: Category, team, *, hours_ago: float = 0, **fields) -> tuple[Need, object]:
    """Taken now, or `hours_ago` (a fixed clock), so that the service may start after the taking."""
    with freeze_time(timezone.now() - datetime.timedelta(hours=hours_ago)):
        need = dispatched(category, team, **fields)
        volunteer = volunteer_in(team)
        services.take(need=need, volunteer=volunteer)
    return need, volunteer


def done(category: Category, team, *, minutes: int = 90, **fields) -> tuple[Need, object]:
    need, volunteer = taken(category, team, hours_ago=5, **fields)
    started = timezone.now() - datetime.timedelta(hours=4)
    services.finish(need=need, volunteer=volunteer, started_at=started, minutes=minutes, note="理完发，打扫干净")
    need.refresh_from_db()
    return need, volunteer
