import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Notification
from shifts.models import Shift, Signup
from shifts.services import cancel_signup, sign_up, update_shift, waitlist_position
from tests.factories import ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in

pytestmark = pytest.mark.django_db


def members(team, count):
    return [volunteer_in(team) for _ in range(count)]


def test_places_are_confirmed_until_full_then_the_waitlist_takes_people_in_order():
    shift = ShiftFactory(capacity=2)
    people = members(shift.team, 4)
    results = [sign_up(shift=shift, volunteer=person) for person in people]
    assert [signup.status for signup in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [waitlist_position(signup) for signup in results] == [None, None, 1, 2]
    assert shift.state(confirmed=2) == Shift.State.FULL


def test_a_cancellation_promotes_the_first_on_the_waitlist_and_tells_them():
    shift = ShiftFactory(capacity=1)
    first, second, third = members(shift.team, 3)
    held = sign_up(shift=shift, volunteer=first)
    waiting = sign_up(shift=shift, volunteer=second)
    later = sign_up(shift=shift, volunteer=third)

    cancel_signup(signup=held)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == Signup.Status.CONFIRMED
    assert later.status == Signup.Status.WAITLISTED and waitlist_position(later) == 1
    notice = Notification.objects.get(user=second.user)
    assert shift.title in notice.message
    assert not Notification.objects.filter(user=third.user).exists()


def test_leaving_the_waitlist_promotes_nobody():
    shift = ShiftFactory(capacity=1)
    first, second = members(shift.team, 2)
    sign_up(shift=shift, volunteer=first)
    waiting = sign_up(shift=shift, volunteer=second)
    cancel_signup(signup=waiting)
    assert Signup.objects.confirmed().filter(shift=shift).count() == 1
    assert not Notification.objects.exists()


def test_a_shift_overlapping_one_i_hold_is_refused():
    team = TeamFactory()
    volunteer = volunteer_in(team)
    start = timezone.now() + datetime.timedelta(days=3)
    held = ShiftFactory(team=team, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    sign_up(shift=held, volunteer=volunteer)
    clash = ShiftFactory(team=team, starts_at=start + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="overlaps"):
        sign_up(shift=clash, volunteer=volunteer)
    back_to_back = ShiftFactory(team=team, starts_at=start + datetime.timedelta(hours=2))
    assert sign_up(shift=back_to_back, volunteer=volunteer).status == Signup.Status.CONFIRMED


def test_a_cancelled_sign_up_no_longer_blocks_an_overlapping_shift():
    team = TeamFactory()
    volunteer = volunteer_in(team)
    held = ShiftFactory(team=team)
    cancel_signup(signup=sign_up(shift=held, volunteer=volunteer))
    assert sign_up(shift=ShiftFactory(team=team, starts_at=held.starts_at), volunteer=volunteer)


def test_shifts_past_midnight_overlap_the_next_mornings_shift():
    team = TeamFactory()
    volunteer = volunteer_in(team)
    night = timezone.now().replace(hour=22, minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    sign_up(
        shift=ShiftFactory(team=team, starts_at=night, ends_at=night + datetime.timedelta(hours=4)), volunteer=volunteer
    )
    early = ShiftFactory(team=team, starts_at=night + datetime.timedelta(hours=3))
    with pytest.raises(ValidationError):
        sign_up(shift=early, volunteer=volunteer)


def test_only_members_sign_up_unless_the_shift_is_public():
    shift = ShiftFactory()
    outsider = VolunteerFactory()
    with pytest.raises(ValidationError, match="members"):
        sign_up(shift=shift, volunteer=outsider)
    public = ShiftFactory(is_public=True)
    assert sign_up(shift=public, volunteer=outsider).status == Signup.Status.CONFIRMED


def test_sign_up_after_it_closed_or_on_a_cancelled_shift_is_refused():
    shift = ShiftFactory()
    volunteer = volunteer_in(shift.team)
    with pytest.raises(ValidationError, match="closed"):
        sign_up(shift=shift, volunteer=volunteer, now=shift.signup_closes_at)
    Shift.objects.filter(pk=shift.pk).update(is_cancelled=True)
    with pytest.raises(ValidationError, match="cancelled"):
        sign_up(shift=shift, volunteer=volunteer)


def test_signing_up_twice_is_refused():
    shift = ShiftFactory()
    volunteer = volunteer_in(shift.team)
    sign_up(shift=shift, volunteer=volunteer)
    with pytest.raises(ValidationError, match="already"):
        sign_up(shift=shift, volunteer=volunteer)


def test_cancelling_a_place_after_the_deadline_is_refused_but_a_waitlist_place_may_go():
    shift = ShiftFactory(capacity=1)
    first, second = members(shift.team, 2)
    held = sign_up(shift=shift, volunteer=first)
    waiting = sign_up(shift=shift, volunteer=second)
    with pytest.raises(ValidationError, match="too late"):
        cancel_signup(signup=held, now=shift.cancel_deadline)
    assert cancel_signup(signup=waiting, now=shift.cancel_deadline).status == Signup.Status.CANCELLED


def test_shift_state_follows_time():
    shift = ShiftFactory(capacity=1)
    assert shift.state(0, now=shift.starts_at - datetime.timedelta(days=1)) == Shift.State.OPEN
    assert shift.state(0, now=shift.signup_closes_at) == Shift.State.RUNNING
    early_close = ShiftFactory(signup_closes_at=shift.starts_at - datetime.timedelta(hours=5))
    assert early_close.state(0, now=early_close.starts_at - datetime.timedelta(hours=1)) == Shift.State.CLOSED
    assert shift.state(0, now=shift.ends_at) == Shift.State.FINISHED
    shift.is_cancelled = True
    assert shift.state(0) == Shift.State.CANCELLED


def test_an_edit_cannot_take_confirmed_places_away_but_more_places_promote_the_waitlist():
    shift = ShiftFactory(capacity=2)
    people = members(shift.team, 3)
    for person in people:
        sign_up(shift=shift, volunteer=person)
    shift.capacity = 1
    with pytest.raises(ValidationError, match="already confirmed"):
        update_shift(shift=shift, changed=["capacity"])
    shift.capacity = 3
    update_shift(shift=shift, changed=["capacity"])
    assert Signup.objects.confirmed().filter(shift=shift).count() == 3
