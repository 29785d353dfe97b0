"""Office staff are reminded of attendance sheets still unconfirmed as the 10-working-day
limit nears (shifts/deadlines.py): the right people, on the right days, once a sheet a day,
never for a posted sheet, never for another office's."""

import datetime

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import Notification
from shifts.deadlines import last_posting_day, remind_unconfirmed_sheets
from shifts.marks import mark_present
from shifts.models import Signup
from shifts.posting import confirm_sheet
from tests.factories import CommunityFactory, OfficeStaffFactory, ShiftFactory, TeamFactory, UserFactory, volunteer_in
from tests.hours.ledger_helpers import at

pytestmark = pytest.mark.django_db

# A Friday in ordinary weeks: its 10th working day after is Friday 20 March.
SHIFT_DAY = datetime.date(2026, 3, 6)
LAST_DAY = datetime.date(2026, 3, 20)


def morning(day: datetime.date) -> datetime.datetime:
    return at(day, 8)


def sheet_of(team, people: int = 1, title: str = "周五探访"):
    """A finished shift of the team with `people` marked present, not confirmed."""
    shift = ShiftFactory(team=team, title=title, starts_at=at(SHIFT_DAY, 9), ends_at=at(SHIFT_DAY, 11), capacity=9)
    leader = volunteer_in(team, role="leader").user
    for _ in range(people):
        volunteer = volunteer_in(team)
        Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
        mark_present(
            shift=shift,
            volunteer=volunteer,
            checked_in=shift.starts_at,
            checked_out=shift.ends_at,
            by=leader,
            now=at(SHIFT_DAY, 12),
        )
    return shift, leader


def staff_of(office, **kwargs):
    return OfficeStaffFactory(office=office, user=UserFactory(**kwargs)).user


def test_the_last_posting_day_is_the_tenth_working_day_after():
    assert last_posting_day(SHIFT_DAY) == LAST_DAY
    # National Day: 1–7 October off, Saturday the 10th worked in lieu.
    assert last_posting_day(datetime.date(2026, 9, 30)) == datetime.date(2026, 10, 20)


def test_the_staff_of_the_teams_office_are_told_and_no_one_else(client_for, sms_outbox):
    community = CommunityFactory(name="阳光社区")
    team = TeamFactory(office=community, name="银龄服务队")
    shift, leader = sheet_of(team, people=2)
    staff = staff_of(community)
    admin = staff_of(community)
    gone = staff_of(community, is_active=False)
    above = staff_of(community.parent)  # a street office sees the sheet, but is not flooded
    neighbour = staff_of(CommunityFactory())

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18))) == 1

    told = Notification.objects.order_by("user_id")
    assert [n.user for n in told] == [staff, admin]
    assert not Notification.objects.filter(user__in=[gone, above, neighbour, leader]).exists()
    message = told[0].message
    assert "周五探访" in message and "银龄服务队" in message
    assert "2" in message and "3月20日" in message
    assert told[0].link == f"/shifts/{shift.pk}/attendance/"
    assert client_for(staff).get(told[0].link).status_code == 200
    assert sms_outbox == []  # texts only when asked


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (datetime.date(2026, 3, 9), False),  # the first working day after
        (datetime.date(2026, 3, 17), False),  # 7 working days gone, 3 left besides today
        (datetime.date(2026, 3, 18), True),  # 8 gone: the last three working days begin
        (datetime.date(2026, 3, 19), True),
        (datetime.date(2026, 3, 20), True),  # the last day
        (datetime.date(2026, 3, 21), False),  # a Saturday: nobody at the desk, nothing changes
        (datetime.date(2026, 3, 23), False),  # too late: only a backfill now
    ],
)
def test_reminders_come_on_the_last_working_days_before_the_limit(today, reminded):
    team = TeamFactory()
    sheet_of(team)
    staff = staff_of(team.office)

    assert remind_unconfirmed_sheets(now=morning(today)) == int(reminded)
    assert Notification.objects.filter(user=staff).exists() is reminded


def test_once_a_sheet_a_day_however_often_it_runs(sms_outbox):
    team = TeamFactory()
    sheet_of(team)
    sheet_of(team, title="周五下午")
    staff = staff_of(team.office, phone="+8613900000077")

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18)), text=True) == 2
    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18)) + datetime.timedelta(hours=6)) == 0
    assert Notification.objects.filter(user=staff).count() == 2
    assert [phone for phone, _text in sms_outbox] == [staff.phone, staff.phone]

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 19))) == 2
    assert Notification.objects.filter(user=staff).count() == 4


def test_a_confirmed_sheet_is_not_reminded_of():
    team = TeamFactory()
    shift, leader = sheet_of(team, people=2)
    staff = staff_of(team.office)
    confirm_sheet(shift=shift, by=leader, now=morning(datetime.date(2026, 3, 10)))

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18))) == 0
    assert not Notification.objects.filter(user=staff).exists()


def test_a_sheet_with_nothing_to_post_or_a_cancelled_shift_is_not_reminded_of():
    team = TeamFactory()
    ShiftFactory(team=team, starts_at=at(SHIFT_DAY, 9), ends_at=at(SHIFT_DAY, 11))  # nobody came
    cancelled, _leader = sheet_of(team)
    type(cancelled).objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    staff_of(team.office)

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18))) == 0


def test_each_office_hears_of_its_own_sheets_only():
    first, second = TeamFactory(), TeamFactory()
    sheet_of(first, title="第一社区的班次")
    sheet_of(second, title="第二社区的班次")
    first_staff, second_staff = staff_of(first.office), staff_of(second.office)

    assert remind_unconfirmed_sheets(now=morning(datetime.date(2026, 3, 18))) == 2

    assert all("第一社区的班次" in n.message for n in Notification.objects.filter(user=first_staff))
    assert all("第二社区的班次" in n.message for n in Notification.objects.filter(user=second_staff))
    assert Notification.objects.filter(user=first_staff).count() == 1
    assert Notification.objects.filter(user=second_staff).count() == 1


def test_the_command_reminds_and_says_how_many(capsys):
    team = TeamFactory()
    sheet_of(team)
    staff_of(team.office)
    with freeze_time(morning(datetime.date(2026, 3, 19))):
        call_command("remind_sheets")
        call_command("remind_sheets")
    output = capsys.readouterr().out.splitlines()
    assert len(output) == 2
    assert "1" in output[0] and "0" in output[1]
