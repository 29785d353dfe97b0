"""Demo attendance at the finished demo shifts: scans written in bulk, most sheets
confirmed by their leader and posted to the ledger, a few still waiting with items to check.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.db import connection

from demo.people import LEADER_PHONE
from hours import ledger
from hours.models import ServiceRecord
from shifts.attendance import schedule_of, set_credit, source_key
from shifts.crediting import Read, credit
from shifts.models import Attendance, ScanEvent, Shift, Signup
from shifts.posting import POSTING_FIELDS, service_of, set_posting_results
from teams.models import Membership
from volunteers.models import Volunteer

# What happens to a confirmed person at a past shift: (outcome, share).
OUTCOMES = [
    ("on_time", 0.82),
    ("late", 0.05),
    ("left_early", 0.04),
    ("short", 0.01),
    ("no_show", 0.04),
    ("on_leave", 0.02),
    ("not_signed_out", 0.02),
]
# The demo leader's most recent finished sheets stay unconfirmed, with items to check;
# so does the latest sheet of every other team.
UNCONFIRMED = 3


def _outcome(rng: random.Random) -> str:
    roll = rng.random()
    for outcome, share in OUTCOMES:
        roll -= share
        if roll < 0:
            return outcome
    return OUTCOMES[0][0]


def _events(rng: random.Random, outcome: str, shift: Shift) -> list[tuple[str, datetime.datetime]]:
    minutes = datetime.timedelta(minutes=1)
    start, end = shift.starts_at, shift.ends_at
    checked_in = start - rng.randint(0, 25) * minutes
    checked_out = end + rng.randint(0, 20) * minutes
    if outcome == "late":
        checked_in = start + rng.randint(15, 40) * minutes
    elif outcome == "left_early":
        checked_out = end - rng.randint(15, 30) * minutes
    elif outcome == "short":
        checked_out = start + rng.randint(20, 40) * minutes
    if outcome == "not_signed_out":
        return [("in", checked_in)]
    return [("in", checked_in), ("out", checked_out)]


def _leaders(teams: set[int]) -> dict[int, object]:
    leaders = {}
    memberships = Membership.objects.leaders().filter(team__in=teams).select_related("user__volunteer").order_by("pk")
    for membership in memberships:
        leaders.setdefault(membership.team_id, membership.user)
    return leaders


def _waiting(closed: list[Shift], leaders: dict[int, object]) -> set[int]:
    """The sheets still waiting for their leader: the demo leader's latest few, and the
    latest of every other team."""
    latest = sorted(closed, key=lambda shift: shift.ends_at)
    demo_led = [shift for shift in latest if getattr(leaders.get(shift.team_id), "phone", "") == LEADER_PHONE]
    led_by_demo_leader = {shift.team_id for shift in demo_led}
    last_of_team = {shift.team_id: shift.pk for shift in latest if shift.team_id not in led_by_demo_leader}
    return {shift.pk for shift in demo_led[-UNCONFIRMED:]} | set(last_of_team.values())


def seed_attendance(
    rng: random.Random, shifts: list[Shift], volunteers: dict[int, Volunteer], now: datetime.datetime
) -> dict[str, int]:
    """Scans for finished shifts, written in bulk; then every sheet whose check-out window
    has closed is posted: most confirmed by the team's leader, a few still waiting with
    items to check, their other people posted as the cron run would."""
    confirmed = Signup.objects.confirmed().filter(shift__in=shifts).order_by("shift_id", "volunteer_id")
    people: dict[int, list[int]] = {}
    for shift_id, volunteer_id in confirmed.values_list("shift_id", "volunteer_id"):
        people.setdefault(shift_id, []).append(volunteer_id)
    leaders = _leaders({shift.team_id for shift in shifts})
    closed = [shift for shift in shifts if schedule_of(shift).checkout_until < now]
    waiting = _waiting(closed, leaders)

    plans: list[tuple[Attendance, list, bool]] = []
    for shift in shifts:
        for volunteer_id in people.get(shift.pk, []):
            outcome = _outcome(rng)
            if shift.pk in waiting and outcome == "on_time" and rng.random() < 0.3:
                outcome = rng.choice(["not_signed_out", "short"])  # something for the leader to check
            volunteer = volunteers[volunteer_id]
            if outcome in ("no_show", "on_leave"):
                status = Attendance.Status.ABSENT if outcome == "no_show" else Attendance.Status.ON_LEAVE
                plans.append((Attendance(shift=shift, volunteer=volunteer, status=status), [], False))
                continue
            events = _events(rng, outcome, shift)
            # On a confirmed sheet the leader gave the missing check-out time.
            fixed = outcome == "not_signed_out" and shift.pk not in waiting
            if fixed:
                events.append(("out", shift.ends_at - datetime.timedelta(minutes=rng.choice([0, 0, 30]))))
            schedule = schedule_of(shift)
            result = credit([Read(kind, at, str(number)) for number, (kind, at) in enumerate(events)], schedule)
            attendance = Attendance(shift=shift, volunteer=volunteer)
            set_credit(attendance, result, schedule, now)
            plans.append((attendance, events, fixed))
    attendances = [attendance for attendance, _events_, _fixed in plans]
    Attendance.objects.bulk_create(attendances)
    scans = []
    for attendance, events, fixed in plans:
        leader = leaders.get(attendance.shift.team_id)
        for number, (kind, at) in enumerate(events):
            manual = fixed and number == len(events) - 1
            scans.append(
                ScanEvent(
                    client_event_id=f"demo-{attendance.pk}-{number}",
                    attendance=attendance,
                    kind=kind,
                    at=at,
                    method=ScanEvent.Method.MANUAL if manual else ScanEvent.Method.SCAN,
                    by=leader,
                    outcome="checked_in" if kind == "in" else "checked_out",
                )
            )
    ScanEvent.objects.bulk_create(scans)
    closed_ids = {shift.pk for shift in closed}
    sheets = [attendance for attendance in attendances if attendance.shift_id in closed_ids]
    records = _post_sheets(sheets, waiting, leaders, now)
    return {"attendances": len(plans), "scans": len(scans), "records": records}


def _post_sheets(
    attendances: list[Attendance], waiting: set[int], leaders: dict[int, object], now: datetime.datetime
) -> int:
    """What post_attendance posts for each closed sheet: confirmed by its leader, everything
    credited but people not signed out; still waiting, only what needs no review (the cron
    run). All sheets in one batch through the ledger, which judges every record by its rules."""
    due = []
    for attendance in attendances:
        shift = attendance.shift
        leader = None if shift.pk in waiting else leaders.get(shift.team_id)
        if attendance.credited_minutes <= 0 or attendance.status == Attendance.Status.NOT_SIGNED_OUT:
            continue
        if leader is None and attendance.review_state != Attendance.Review.OPEN:
            continue
        responsible = leader.volunteer.real_name if leader is not None and hasattr(leader, "volunteer") else ""
        posting = ledger.Posting(
            volunteer=attendance.volunteer,
            service=service_of(shift, responsible, attendance.served),
            minutes=attendance.credited_minutes,
            kind=ServiceRecord.Kind.ATTENDANCE,
            source_key=source_key(attendance),
            recorded_by=leader,
        )
        due.append((attendance, posting))
    attendances = [attendance for attendance, _posting in due]
    results = ledger.post_records([posting for _attendance, posting in due])
    set_posting_results(attendances, results, now)
    _update_attendances(attendances)
    return sum(not isinstance(result, ValidationError) for result in results)


def _update_attendances(attendances: list[Attendance]) -> None:
    """POSTING_FIELDS of thousands of rows at once. bulk_update builds a CASE branch per
    row and field, which costs seconds here; one statement run for every row costs milliseconds."""
    meta, quote = Attendance._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in POSTING_FIELDS]
    statement = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - only the model's names
        quote(meta.db_table), ", ".join(f"{quote(field.column)} = %s" for field in fields), quote(meta.pk.column)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            statement,
            [
                [field.get_db_prep_value(getattr(attendance, field.attname), connection) for field in fields]
                + [attendance.pk]
                for attendance in attendances
            ],
        )
