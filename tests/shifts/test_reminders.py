import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Notification
from shifts.models import Signup
from shifts.services import cancel_shift, cancel_signup, send_due_reminders, sign_up
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2031, 6, 1, 8, 0, tzinfo=datetime.UTC)  # 16:00 in Shanghai


def shift_in(hours: float, **fields):
    starts = NOW + datetime.timedelta(hours=hours)
    return ShiftFactory(starts_at=starts, signup_closes_at=starts, cancel_deadline=starts, **fields)


def confirmed(shift):
    return Signup.objects.create(shift=shift, volunteer=volunteer_in(shift.team), status=Signup.Status.CONFIRMED)


def phones(outbox) -> list[str]:
    return [phone for phone, _text in outbox]


def test_a_reminder_goes_out_once_with_title_local_time_and_place(sms_outbox):
    shift = shift_in(20, title="六点半课堂", place="社区活动室")
    signup = confirmed(shift)

    assert send_due_reminders(now=NOW) == 1
    assert send_due_reminders(now=NOW + datetime.timedelta(minutes=5)) == 0

    assert phones(sms_outbox) == [signup.volunteer.user.phone]
    text = sms_outbox[0][1]
    assert "六点半课堂" in text and "社区活动室" in text
    # 04:00 UTC is noon in Shanghai; written in the site's language though the sender's is English.
    assert "6月2日 12:00" in text
    assert Notification.objects.filter(user=signup.volunteer.user, link=shift.get_absolute_url()).count() == 1
    signup.refresh_from_db()
    assert signup.reminded_at == NOW


def test_only_confirmed_sign_ups_on_live_shifts_within_24_hours_are_reminded(sms_outbox):
    due = confirmed(shift_in(23.9))
    waitlisted = Signup.objects.create(
        shift=shift_in(2), volunteer=volunteer_in(TeamFactory()), status=Signup.Status.WAITLISTED
    )
    cancelled_signup = Signup.objects.create(
        shift=shift_in(2), volunteer=volunteer_in(TeamFactory()), status=Signup.Status.CANCELLED
    )
    on_cancelled_shift = confirmed(shift_in(2, is_cancelled=True))
    already_started = confirmed(shift_in(-0.5))
    too_early = confirmed(shift_in(25))

    assert send_due_reminders(now=NOW) == 1

    assert phones(sms_outbox) == [due.volunteer.user.phone]
    for signup in (waitlisted, cancelled_signup, on_cancelled_shift, already_started, too_early):
        signup.refresh_from_db()
        assert signup.reminded_at is None


def test_a_shift_25_hours_away_is_reminded_once_it_comes_within_24(sms_outbox):
    signup = confirmed(shift_in(25))

    assert send_due_reminders(now=NOW) == 0
    assert send_due_reminders(now=NOW + datetime.timedelta(hours=1, minutes=5)) == 1

    assert phones(sms_outbox) == [signup.volunteer.user.phone]


def test_someone_promoted_from_the_waitlist_is_reminded(sms_outbox):
    shift = shift_in(10, capacity=1)
    first, second = volunteer_in(shift.team), volunteer_in(shift.team)
    first_signup = sign_up(shift=shift, volunteer=first, now=NOW)
    sign_up(shift=shift, volunteer=second, now=NOW)
    send_due_reminders(now=NOW)
    sms_outbox.clear()

    cancel_signup(signup=first_signup, now=NOW)  # second moves up; the promotion is an in-site notice
    assert send_due_reminders(now=NOW + datetime.timedelta(minutes=5)) == 1

    assert phones(sms_outbox) == [second.user.phone]


def test_a_shift_cancelled_after_sign_up_gets_no_reminder(sms_outbox):
    shift = shift_in(5)
    confirmed(shift)
    cancel_shift(shift=shift, reason="")
    sms_outbox.clear()

    assert send_due_reminders(now=NOW) == 0
    assert sms_outbox == []


def test_a_second_run_with_the_same_now_sends_nothing(sms_outbox):
    signups = [confirmed(shift_in(3)) for _ in range(3)]

    assert send_due_reminders(now=NOW) == 3
    assert send_due_reminders(now=NOW) == 0

    assert sorted(phones(sms_outbox)) == sorted(signup.volunteer.user.phone for signup in signups)


def test_a_run_that_loses_the_claim_to_an_overlapping_run_sends_nothing(sms_outbox, monkeypatch):
    """The other run claims the sign-up after this run read it as due, before this run's claim."""
    signup = confirmed(shift_in(3))
    update = QuerySet.update

    def other_run_claims_first(queryset, **fields):
        update(Signup.objects.filter(pk=signup.pk), reminded_at=NOW)
        return update(queryset, **fields)

    monkeypatch.setattr(QuerySet, "update", other_run_claims_first)

    assert send_due_reminders(now=NOW) == 0
    assert sms_outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_share_the_reminders_without_doubles(sms_outbox):
    signups = [confirmed(shift_in(3)) for _ in range(20)]
    start_together = threading.Barrier(2)

    def run() -> int:
        try:
            start_together.wait()
            return send_due_reminders(now=NOW)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(lambda _: run(), range(2)))

    assert sum(sent) == 20
    assert sorted(phones(sms_outbox)) == sorted(signup.volunteer.user.phone for signup in signups)


def test_the_command_prints_how_many_were_sent(sms_outbox, capsys):
    confirmed(ShiftFactory(starts_at=timezone.now() + datetime.timedelta(hours=3)))

    call_command("send_reminders")
    call_command("send_reminders")

    assert capsys.readouterr().out.splitlines() == ["已发送提醒 1 条。", "已发送提醒 0 条。"]
    assert len(sms_outbox) == 1
