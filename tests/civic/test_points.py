"""Points follow the hours ledger (DESIGN rule 20): posted with hours, reversed with them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from civic import points
from civic.models import GoodDeed, PointEntry, PointsAccount
from hours import ledger, requests
from tests.civic.conftest import give_points
from tests.civic.factories import GoodDeedKindFactory
from tests.factories import OfficeFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)


def balance(volunteer, office) -> int:
    return points.account_for(office=office, volunteer=volunteer).balance()


def test_posted_hours_earn_the_offices_points_per_hour(policy, team, volunteer):
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=150)

    entry = PointEntry.objects.get()
    assert entry.points == 25  # 2.5 h × 10
    assert entry.service_record == record
    assert entry.source_key == f"hours:{record.pk}"
    assert entry.earned_on == record.service_date
    assert balance(volunteer, team.office) == 25


def test_points_round_down_like_credited_time(team, volunteer, policy):
    policy.points_per_hour = 1
    policy.save()

    post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=90)

    assert balance(volunteer, team.office) == 1


def test_an_office_without_points_rules_gives_no_points(team, volunteer):
    post(volunteer, team, key="a", starts_at=at(LAST_WEEK))

    assert not PointEntry.objects.exists()
    assert not PointsAccount.objects.exists()


def test_posting_the_same_source_twice_earns_once(policy, team, volunteer):
    post(volunteer, team, key="a", starts_at=at(LAST_WEEK))
    post(volunteer, team, key="a", starts_at=at(LAST_WEEK))

    assert balance(volunteer, team.office) == 20


def test_a_batch_earns_for_each_record_it_writes(policy, team, volunteer):
    other = ledger.Posting(
        volunteer=volunteer,
        service=ledger.Service(
            office=team.office, team=team, service_date=LAST_WEEK, starts_at=None, ends_at=None, activity="垃圾分类"
        ),
        minutes=60,
        kind="backfill",
        source_key="b",
        recorded_by=None,
    )
    first = ledger.Posting(**{**other.__dict__, "source_key": "c", "minutes": 30})

    ledger.post_records([other, first])

    assert sorted(PointEntry.objects.values_list("points", flat=True)) == [5, 10]


def test_a_reversal_takes_back_exactly_what_the_record_earned(policy, team, volunteer, staff):
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)
    policy.points_per_hour = 1  # a change of rules does not change what a reversal takes back
    policy.save()

    reversal, replacement = ledger.correct_record(record=record, minutes=0, reason="未到场", by=staff)

    assert replacement is None
    taken_back = PointEntry.objects.get(service_record=reversal)
    assert taken_back.points == -20
    assert taken_back.reverses.service_record == record
    assert balance(volunteer, team.office) == 0


def test_a_correction_reverses_the_points_and_earns_for_the_right_value(policy, team, volunteer, staff):
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)
    correction = requests.ask_correction(record=record, by=volunteer.user, minutes=60, reason="早退")

    requests.decide_correction(correction=correction, approve=True, by=staff)

    assert sorted(PointEntry.objects.values_list("points", flat=True)) == [-20, 10, 20]
    assert balance(volunteer, team.office) == 10


def test_a_reversal_of_a_record_that_earned_nothing_takes_nothing(team, volunteer, staff, policy):
    policy.delete()
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)
    points.save_policy(office=team.office, points_per_hour=10, expires_yearly=False)

    ledger.correct_record(record=record, minutes=0, reason="未到场", by=staff)

    assert not PointEntry.objects.exists()


def test_points_are_append_only(policy, team, volunteer):
    post(volunteer, team, key="a", starts_at=at(LAST_WEEK))
    entry = PointEntry.objects.get()

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        PointEntry.objects.update(points=1000)
    with pytest.raises(PermissionError):
        PointEntry.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes_of_points(policy, team, volunteer):
    """The guard is the database's own too: a PostgreSQL trigger, SQLite triggers."""
    post(volunteer, team, key="a", starts_at=at(LAST_WEEK))
    entry = PointEntry.objects.get()
    for statement in (
        "UPDATE civic_pointentry SET points = 1000 WHERE id = %s",
        "DELETE FROM civic_pointentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        PointEntry._base_manager.filter(pk=entry.pk).update(points=1000)
    assert PointEntry.objects.get().points == 20


# ---------------------------------------------------------------- good deeds


def test_a_good_deed_earns_its_points_when_a_second_person_confirms_it(team, volunteer, staff, second_staff):
    kind = GoodDeedKindFactory(office=team.office, name="调解纠纷", points=5)
    deed = points.record_deed(office=team.office, volunteer=volunteer, kind=kind, done_on=LAST_WEEK, note="", by=staff)
    assert balance(volunteer, team.office) == 0

    points.decide_deed(deed=deed, approved=True, by=second_staff)

    assert GoodDeed.objects.get().state == GoodDeed.State.APPROVED
    assert balance(volunteer, team.office) == 5


def test_the_person_who_recorded_a_good_deed_cannot_confirm_it(team, volunteer, staff):
    kind = GoodDeedKindFactory(office=team.office)
    deed = points.record_deed(office=team.office, volunteer=volunteer, kind=kind, done_on=LAST_WEEK, note="", by=staff)

    with pytest.raises(ValidationError, match="另一位工作人员"):
        points.decide_deed(deed=deed, approved=True, by=staff)

    assert GoodDeed.objects.get().state == GoodDeed.State.PENDING
    assert not PointEntry.objects.exists()


def test_a_refused_good_deed_earns_nothing_and_cannot_be_decided_again(team, volunteer, staff, second_staff):
    kind = GoodDeedKindFactory(office=team.office)
    deed = points.record_deed(office=team.office, volunteer=volunteer, kind=kind, done_on=LAST_WEEK, note="", by=staff)
    points.decide_deed(deed=deed, approved=False, by=second_staff, note="查无此事")

    with pytest.raises(ValidationError):
        points.decide_deed(deed=deed, approved=True, by=second_staff)

    assert not PointEntry.objects.exists()


def test_a_good_deed_comes_from_the_offices_own_list(team, volunteer, staff):
    elsewhere = GoodDeedKindFactory()

    with pytest.raises(ValidationError):
        points.record_deed(
            office=team.office, volunteer=volunteer, kind=elsewhere, done_on=LAST_WEEK, note="", by=staff
        )


# ---------------------------------------------------------------- lapsing


def test_unused_points_lapse_at_the_end_of_the_year_after_they_were_earned(team, volunteer, policy):
    policy.expires_yearly = True
    policy.save()
    account = points.account_for(office=team.office, volunteer=volunteer)
    for key, (day, amount) in enumerate([(datetime.date(2024, 6, 1), 30), (datetime.date(2025, 6, 1), 20)]):
        PointEntry.objects.create(account=account, points=amount, kind="deed", earned_on=day, source_key=f"k{key}")
    PointEntry.objects.create(
        account=account, points=-10, kind="spend", earned_on=datetime.date(2025, 7, 1), source_key="spent"
    )

    assert points.lapse_points(office=team.office, year=2025) == 1
    assert points.lapse_points(office=team.office, year=2025) == 0  # once a year

    # The oldest points were spent first: 20 of 2024's 30 were left, and lapse at the end of 2025.
    assert account.balance() == 20
    assert account.entries.get(kind="expiry").points == -20


def test_points_do_not_lapse_unless_the_office_says_so(team, volunteer, policy):
    give_points(volunteer, team.office, 50)

    assert points.lapse_points(office=team.office, year=timezone.localdate().year + 2) == 0
    assert balance(volunteer, team.office) == 50


def test_the_command_lapses_last_years_points_of_every_office_that_says_so(team, volunteer, policy, capsys):
    policy.expires_yearly = True
    policy.save()
    year = timezone.localdate().year
    account = points.account_for(office=team.office, volunteer=volunteer)
    PointEntry.objects.create(
        account=account, points=30, kind="deed", earned_on=datetime.date(year - 2, 3, 1), source_key="old"
    )

    call_command("lapse_points")

    assert account.balance() == 0
    assert "1" in capsys.readouterr().out


def test_the_volunteer_a_good_deed_credits_cannot_confirm_it(team, staff, second_staff):
    kind = GoodDeedKindFactory(office=team.office)
    credited = second_staff.volunteer
    deed = points.record_deed(office=team.office, volunteer=credited, kind=kind, done_on=LAST_WEEK, note="", by=staff)

    with pytest.raises(ValidationError):
        points.decide_deed(deed=deed, approved=True, by=second_staff)

    assert GoodDeed.objects.get().state == GoodDeed.State.PENDING
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize("ahead", [0, 1])
def test_the_lapse_points_command_refuses_a_year_not_yet_over(ahead):
    with pytest.raises(CommandError):
        call_command("lapse_points", year=timezone.localdate().year + ahead)


def test_points_that_would_be_posted_twice_are_an_error_not_dropped(team, volunteer, policy):
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)

    with pytest.raises(IntegrityError), transaction.atomic():
        points.follow_hours([record])

    assert PointEntry.objects.filter(service_record=record).count() == 1


def test_the_database_refuses_to_give_a_points_account_another_owner(team, volunteer):
    account = points.account_for(office=team.office, volunteer=volunteer)
    other = volunteer_in(team)

    with pytest.raises(Exception, match="keeps its office"), transaction.atomic():
        PointsAccount.objects.filter(pk=account.pk).update(volunteer=other)
    with pytest.raises(Exception, match="keeps its office"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE civic_pointsaccount SET office_id = %s WHERE id = %s", [OfficeFactory().pk, account.pk])

    account.save()  # the same owner again passes
    account.refresh_from_db()
    assert (account.office_id, account.volunteer_id) == (team.office.pk, volunteer.pk)


def test_a_replacement_earns_no_more_than_the_reversed_record_scaled(policy, team, volunteer, staff):
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)  # 20 points
    policy.points_per_hour = 100
    policy.save()

    ledger.correct_record(record=record, minutes=60, reason="早退", by=staff)

    assert balance(volunteer, team.office) == 10  # 20 × 60/120, not 100 at today's rate


def test_correcting_a_record_from_before_the_rules_creates_no_points(team, volunteer, staff, policy):
    policy.delete()
    record = post(volunteer, team, key="a", starts_at=at(LAST_WEEK), minutes=120)
    points.save_policy(office=team.office, points_per_hour=10, expires_yearly=False)

    ledger.correct_record(record=record, minutes=60, reason="早退", by=staff)

    assert not PointEntry.objects.exists()


def test_a_reversal_after_the_points_lapsed_takes_nothing_more(team, volunteer, staff, policy):
    policy.expires_yearly = True
    policy.save()
    record = post(volunteer, team, key="a", starts_at=at(datetime.date(2024, 6, 3)), minutes=120)
    assert points.lapse_points(office=team.office, year=2025) == 1
    assert balance(volunteer, team.office) == 0

    ledger.correct_record(record=record, minutes=0, reason="未到场", by=staff)

    assert balance(volunteer, team.office) == 0  # not -20: the lapse took them already
