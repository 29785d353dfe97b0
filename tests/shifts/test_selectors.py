"""Reads about shifts written out in SQL give what the ORM would."""

import datetime

import pytest

from shifts.attendance import schedule_of
from shifts.models import Shift
from shifts.selectors import shift_to_scan
from teams.models import Team
from tests.factories import ShiftFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_shift_to_scan_is_what_the_orm_reads_in_one_query(django_assert_num_queries, cancelled):
    team = TeamFactory(rounding_minutes=Team.Rounding.MIN_30, checkin_opens_minutes=45, checkout_closes_minutes=90)
    made = ShiftFactory(team=team, is_cancelled=cancelled, is_public=not cancelled)
    expected = Shift.objects.select_related("team").get(pk=made.pk)

    with django_assert_num_queries(1):
        shift = shift_to_scan(made.pk)
        read = (shift.starts_at, shift.ends_at, shift.is_cancelled, shift.is_public)
        team_read = (shift.team.pk, shift.team.office_id, shift.team.rounding_minutes)
        windows = (shift.team.checkin_opens_minutes, shift.team.checkout_closes_minutes)

    assert read == (expected.starts_at, expected.ends_at, cancelled, not cancelled)
    assert shift.starts_at.tzinfo is not None and isinstance(shift.starts_at, datetime.datetime)
    assert type(shift.is_cancelled) is bool
    assert team_read == (team.pk, team.office_id, Team.Rounding.MIN_30) and windows == (45, 90)
    # Anything else still loads when asked for.
    with django_assert_num_queries(2):
        assert (shift.title, shift.team.name) == (expected.title, team.name)


def test_no_shift_to_scan_for_an_unknown_id():
    assert shift_to_scan(ShiftFactory().pk + 1) is None


@pytest.mark.parametrize("with_break", [False, True])
def test_the_shift_to_scan_carries_the_break_and_the_service_flag(django_assert_num_queries, with_break):
    """Everything schedule_of reads (rule 6 too) comes with the one query: a scan asks no more."""
    made = ShiftFactory(is_service=not with_break)
    if with_break:
        made.break_starts_at = made.starts_at + datetime.timedelta(minutes=30)
        made.break_ends_at = made.starts_at + datetime.timedelta(minutes=45)
        made.save()
    expected = Shift.objects.select_related("team").get(pk=made.pk)

    with django_assert_num_queries(1):
        shift = shift_to_scan(made.pk)
        schedule = schedule_of(shift)

    assert schedule == schedule_of(expected)
    assert (shift.break_starts_at, shift.break_ends_at) == (expected.break_starts_at, expected.break_ends_at)
    assert shift.is_service is (not with_break)
    assert schedule.minutes == (105 if with_break else 120)
