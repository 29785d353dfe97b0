"""Time limits with a fixed clock: untaken requests go back to the office, late ones are flagged."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification
from needs import services
from needs.deadlines import check_deadlines
from needs.models import Need, NeedEvent
from tests.factories import TeamFactory, volunteer_in
from tests.needs.factories import CategoryFactory, dispatched, staff_of

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def staff(team):
    return staff_of(team.office)


@pytest.fixture
def need(team, staff):
    """Dispatched now, wanted within the next two days."""
    starts = timezone.now() + HOUR
    return dispatched(
        CategoryFactory(office=team.office), team, staff=staff, window_starts=starts, window_ends=starts + 48 * HOUR
    )


def test_an_untaken_request_goes_back_to_the_office_after_the_limit(need, staff):
    before = check_deadlines(now=need.dispatched_at + 23 * HOUR, within=24 * HOUR)
    assert before.sent_back == 0

    run = check_deadlines(now=need.dispatched_at + 25 * HOUR, within=24 * HOUR)

    need.refresh_from_db()
    assert run.sent_back == 1
    assert need.state == Need.State.ACCEPTED
    assert need.escalated_at == need.dispatched_at + 25 * HOUR
    assert NeedEvent.objects.filter(need=need, action=NeedEvent.Action.ESCALATED, by=None).exists()
    assert Notification.objects.filter(user=staff, message__contains="请重新派单").exists()


def test_it_is_sent_back_once_and_may_be_dispatched_again(need, staff, team):
    later = need.dispatched_at + 25 * HOUR
    check_deadlines(now=later, within=24 * HOUR)
    assert check_deadlines(now=later + HOUR, within=24 * HOUR).sent_back == 0

    services.dispatch(need=need, by=staff, audience=Need.Audience.BOARD)

    need.refresh_from_db()
    assert need.state == Need.State.DISPATCHED
    assert need.escalated_at is None
    services.take(need=need, volunteer=volunteer_in(team))


def test_a_partly_taken_request_stays_with_its_volunteers(team, staff):
    need = dispatched(CategoryFactory(office=team.office), team, staff=staff, places=2)
    services.take(need=need, volunteer=volunteer_in(team))

    run = check_deadlines(now=need.dispatched_at + 25 * HOUR, within=24 * HOUR)

    need.refresh_from_db()
    assert run.sent_back == 1
    assert need.state == Need.State.DISPATCHED
    assert need.takers.count() == 1


def test_a_taken_request_not_done_in_its_window_is_flagged_once(need, team):
    services.take(need=need, volunteer=volunteer_in(team))
    assert check_deadlines(now=need.window_ends - HOUR).overdue == 0

    run = check_deadlines(now=need.window_ends + HOUR)
    again = check_deadlines(now=need.window_ends + 2 * HOUR)

    need.refresh_from_db()
    assert (run.overdue, again.overdue) == (1, 0)
    assert need.overdue_at == need.window_ends + HOUR
    assert NeedEvent.objects.filter(need=need, action=NeedEvent.Action.OVERDUE).count() == 1


def test_the_command_takes_the_limit_in_hours(need, settings):
    settings.NEEDS_TAKE_WITHIN_HOURS = 1000
    out = StringIO()
    call_command("check_need_deadlines", stdout=out)
    need.refresh_from_db()
    assert need.state == Need.State.DISPATCHED

    call_command("check_need_deadlines", "--hours", "0", stdout=out)

    need.refresh_from_db()
    assert need.state == Need.State.ACCEPTED
    assert "1" in out.getvalue()
