"""The office dashboard's shift figures: shifts held, attendance rate, no-shows, attendance waiting for review."""

import datetime

import pytest
from django.template import Context, Template

from shifts.dashboard import ShiftFigures, shift_figures
from shifts.models import Attendance, Signup
from tests.factories import CommunityFactory, ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MARCH = datetime.date(2026, 3, 1)
LATER = datetime.datetime(2026, 4, 15, 12, tzinfo=SHANGHAI)
Status = Attendance.Status
Review = Attendance.Review


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def shift_at(team, starts_at: datetime.datetime, hours: int = 2, **fields):
    return ShiftFactory(team=team, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours), **fields)


def signed_up(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def attend(shift, status, *, review=Review.POSTED, walk_in=False) -> Attendance:
    return Attendance.objects.create(
        shift=shift,
        volunteer=volunteer_in(shift.team) if walk_in else signed_up(shift),
        status=status,
        review_state=review,
        is_walk_in=walk_in,
    )


@pytest.fixture
def office_month():
    """阳光社区 in March 2026, by hand:

    shift A (5 March):  present, late, absent, on leave, a walk-in present
    shift B (31 March, 23:00–01:00): left early (needs review), not signed out (needs review)
    held: A and B = 2; came: present, late, left early, not signed out = 4 (the walk-in aside);
    no-shows: 1; rate 4 / (4 + 1) = 80 %; waiting for review: 2.
    Left out: a cancelled March shift, a shift on 1 April at 00:00, a shift on 28 February,
    and a March shift of the sibling community 月亮社区.
    """
    sunshine = CommunityFactory(name="阳光社区")
    moon = CommunityFactory(name="月亮社区", parent=sunshine.parent)
    team = TeamFactory(office=sunshine)
    other_team = TeamFactory(office=moon)

    a = shift_at(team, local(3, 5, 9))
    attend(a, Status.PRESENT)
    attend(a, Status.LATE)
    attend(a, Status.ABSENT, review=Review.OPEN)
    attend(a, Status.ON_LEAVE, review=Review.OPEN)
    attend(a, Status.PRESENT, walk_in=True)
    b = shift_at(team, local(3, 31, 23))
    attend(b, Status.LEFT_EARLY, review=Review.NEEDS_REVIEW)
    attend(b, Status.NOT_SIGNED_OUT, review=Review.NEEDS_REVIEW)

    cancelled = shift_at(team, local(3, 10, 9), is_cancelled=True)
    attend(cancelled, Status.ABSENT)
    april = shift_at(team, local(4, 1, 0))
    attend(april, Status.ABSENT)
    attend(april, Status.PRESENT, review=Review.NEEDS_REVIEW)
    february = shift_at(team, local(2, 28, 23, 30))
    attend(february, Status.ABSENT)
    sibling = shift_at(other_team, local(3, 12, 9))
    attend(sibling, Status.ABSENT)
    attend(sibling, Status.PRESENT, review=Review.NEEDS_REVIEW)
    return {"sunshine": sunshine, "moon": moon, "street": sunshine.parent, "b": b}


def test_figures_of_the_month_by_hand(office_month):
    figures = shift_figures(office_ids=[office_month["sunshine"].pk], month=MARCH, now=LATER)

    assert figures == ShiftFigures(held=2, came=4, no_shows=1, waiting_for_review=2)
    assert figures.attendance_rate == 80


def test_the_sibling_community_has_its_own_figures(office_month):
    figures = shift_figures(office_ids=[office_month["moon"].pk], month=MARCH, now=LATER)

    assert figures == ShiftFigures(held=1, came=1, no_shows=1, waiting_for_review=1)
    assert figures.attendance_rate == 50


def test_the_street_office_counts_both_communities(office_month):
    ids = [office_month["street"].pk, office_month["sunshine"].pk, office_month["moon"].pk]

    assert shift_figures(office_ids=ids, month=MARCH, now=LATER) == ShiftFigures(
        held=3, came=5, no_shows=2, waiting_for_review=3
    )


def test_a_shift_not_yet_ended_is_not_held(office_month):
    # On 31 March at 23:30 shift B is still running: only shift A counts.
    figures = shift_figures(office_ids=[office_month["sunshine"].pk], month=MARCH, now=local(3, 31, 23, 30))

    assert figures == ShiftFigures(held=1, came=2, no_shows=1, waiting_for_review=0)


def test_the_boundary_months(office_month):
    ids = [office_month["sunshine"].pk]

    assert shift_figures(office_ids=ids, month=datetime.date(2026, 4, 1), now=LATER) == ShiftFigures(
        held=1, came=1, no_shows=1, waiting_for_review=1
    )
    assert shift_figures(office_ids=ids, month=datetime.date(2026, 2, 1), now=LATER) == ShiftFigures(
        held=1, came=0, no_shows=1, waiting_for_review=0
    )


def test_no_one_to_count_has_no_rate():
    team = TeamFactory()
    shift_at(team, local(3, 5, 9))  # held, but nobody signed up
    on_leave = shift_at(team, local(3, 6, 9))
    attend(on_leave, Status.ON_LEAVE)

    figures = shift_figures(office_ids=[team.office_id], month=MARCH, now=LATER)

    assert figures == ShiftFigures(held=2, came=0, no_shows=0, waiting_for_review=0)
    assert figures.attendance_rate is None


def test_signed_up_people_never_marked_are_no_shows_too():
    """A sheet confirmed before the check-out window closed, or a shift nobody scanned at:
    no absent rows were made for those who stayed away, and they still count."""
    team = TeamFactory()
    confirmed_early = shift_at(team, local(3, 5, 9))
    attend(confirmed_early, Status.PRESENT)
    signed_up(confirmed_early)
    nobody_scanned = shift_at(team, local(3, 6, 9))
    for _ in range(3):
        signed_up(nobody_scanned)
    cancelled_place = signed_up(nobody_scanned)
    Signup.objects.filter(shift=nobody_scanned, volunteer=cancelled_place).update(status=Signup.Status.CANCELLED)

    figures = shift_figures(office_ids=[team.office_id], month=MARCH, now=LATER)

    assert figures == ShiftFigures(held=2, came=1, no_shows=4, waiting_for_review=0)
    assert figures.attendance_rate == 20


def test_the_figures_are_two_aggregate_queries_at_any_size(office_month, django_assert_num_queries):
    more = shift_at(office_month["b"].team, local(3, 20, 9))
    for status in (Status.PRESENT, Status.ABSENT, Status.LATE):
        attend(more, status)
    for _ in range(5):
        signed_up(more)
    with django_assert_num_queries(2):
        shift_figures(office_ids=[office_month["sunshine"].pk], month=MARCH, now=LATER)


def test_the_template_tag_shows_the_figures(office_month, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATER)
    template = Template("{% load shift_tags %}{% dashboard_shift_figures office_ids month %}")

    html = template.render(Context({"office_ids": [office_month["sunshine"].pk], "month": MARCH}))

    assert 'data-testid="shifts-held"><strong class="figure-value">2<' in html
    assert "80%" in html
    assert 'data-testid="no-shows"><strong class="figure-value">1<' in html
    assert 'data-testid="attendance-review"><strong class="figure-value">2<' in html
