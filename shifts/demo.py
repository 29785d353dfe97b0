"""Demo shifts for `make run`: two months back and two weeks ahead for every demo team.

Called by the seed_demo command after volunteers/demo.py has made the people (volunteers
never import shifts). Dates are relative to today, so the demo always has past and
upcoming shifts. Idempotent: a shift is keyed by (team, starts_at, title) and only
shifts created in this run get sign-ups, so a second run on the same day adds nothing.

Past shifts get confirmed sign-ups written directly (sign-up has closed for them);
upcoming ones go through services.sign_up, so capacity and the waitlist behave as in
the product. Three upcoming shifts are full with one to three people waiting, one of
them with the demo volunteer on its waitlist.
"""

import datetime
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shifts import services
from shifts.attendance import post_attendance, schedule_of
from shifts.crediting import credit
from shifts.models import Attendance, ScanEvent, Shift, ShiftSeries, Signup
from shifts.series import create_series
from teams.models import Membership, Team
from volunteers.demo import LEADER_PHONE, VOLUNTEER_PHONE
from volunteers.models import Volunteer

PAST_DAYS = 60
FUTURE_DAYS = 14
SERIES_TEAM = "half-past-six"
SERIES_TITLE = "六点半课堂·作业辅导"
# (team code, title, weekdays (Monday is 0), start, end, capacity, place, content)
WEEKLY = [
    ("silver-age", "独居老人探访", "13", "09:00", "11:30", 6, "阳光社区党群服务中心", "两人一组上门探访独居老人。"),
    ("silver-age", "陪同就医", "5", "08:30", "11:30", 3, "市第一人民医院门诊楼", "陪同行动不便的老人挂号、取药。"),
    ("green-home", "垃圾分类桶前值守", "024", "07:00", "09:00", 4, "阳光社区各投放点", "指导居民分类投放。"),
    ("green-home", "河道巡护", "5", "14:00", "16:00", 8, "金水河阳光段", "沿河捡拾垃圾，劝导钓鱼和游泳。"),
    ("neighbour-help", "便民服务日", "6", "09:00", "11:30", 8, "阳光社区广场", "义务理发、小家电维修、磨刀配钥匙。"),
    ("poverty-relief", "困难家庭走访", "2", "14:00", "16:30", 5, "和平里社区", "走访低保和困难家庭，登记需求。"),
    ("learn-from-lei-feng", "文明劝导", "5", "15:00", "17:00", 6, "和平里公交站", "劝导乱穿马路、乱扔垃圾。"),
    ("ceremony-council", "移风易俗宣传", "4", "14:30", "16:30", 4, "和平里社区文化站", "宣传婚事新办、丧事简办。"),
    ("party-pioneers", "党员先锋岗·秩序维护", "6", "16:00", "18:00", 6, "和平里小区北门", "车辆停放引导和安全巡查。"),
    # Everyday work that fills most of the ledger.
    ("silver-age", "长者食堂助餐", "0123456", "11:30", "13:00", 8, "阳光社区长者食堂", "分餐、送餐上门，陪老人用餐。"),
    ("party-pioneers", "平安巡逻", "0246", "19:00", "21:00", 10, "和平里社区各楼院", "巡查消防通道和电动车充电。"),
]
# The 学雷锋 team's big day is the 5th of every month.
MONTHLY = [("learn-from-lei-feng", "学雷锋集中服务日", 5, "08:30", "11:30", 15, "和平里社区广场", "义诊、法律咨询。")]
# Upcoming shifts that end up full with a waitlist: (team code, index among the team's new upcoming shifts).
FULL = [("silver-age", 2), (SERIES_TEAM, 1), ("green-home", 0)]

Key = tuple[int, datetime.datetime, str]


@dataclass
class _Plan:
    team: Team
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    place: str
    content: str
    series: ShiftSeries | None = None

    @property
    def key(self) -> Key:
        return (self.team.pk, self.starts_at, self.title)


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm), tzinfo=timezone.get_current_timezone())


def _series(team: Team, today: datetime.date) -> ShiftSeries:
    """The 六点半课堂 series. create_series materialises today and the weeks ahead;
    the two months before today, which it never creates, are added from _plans."""
    series = ShiftSeries.objects.filter(team=team, title=SERIES_TITLE).first()
    if series is None:
        series = ShiftSeries(
            team=team,
            title=SERIES_TITLE,
            content="为双职工家庭的孩子辅导作业、读绘本。",
            place="阳光社区四点半学校教室",
            weekdays="012345",
            start_time=datetime.time(18, 30),
            end_time=datetime.time(20, 0),
            first_date=today - datetime.timedelta(days=PAST_DAYS),
            last_date=today + datetime.timedelta(days=180),
            capacity=6,
        )
        create_series(series=series, today=today)
    return series


def _plans(teams: dict[str, Team], series: ShiftSeries, today: datetime.date) -> list[_Plan]:
    days = [today + datetime.timedelta(days=offset) for offset in range(-PAST_DAYS, FUTURE_DAYS)]
    plans = []
    for code, title, weekdays, start, end, capacity, place, content in WEEKLY:
        for day in days:
            if str(day.weekday()) in weekdays:
                plans.append(_Plan(teams[code], title, _at(day, start), _at(day, end), capacity, place, content))
    for code, title, date_of_month, start, end, capacity, place, content in MONTHLY:
        for day in days:
            if day.day == date_of_month:
                plans.append(_Plan(teams[code], title, _at(day, start), _at(day, end), capacity, place, content))
    for day in series.occurrence_dates(until=days[-1]):
        if day >= days[0]:
            start, end = series.times_on(day)
            plans.append(_Plan(series.team, series.title, start, end, series.capacity, series.place, "", series))
    return plans


def _create(plans: list[_Plan]) -> None:
    shifts = []
    for plan in plans:
        shift = Shift(
            team=plan.team,
            title=plan.title,
            content=plan.series.content if plan.series else plan.content,
            place=plan.place,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            capacity=plan.capacity,
            signup_closes_at=plan.starts_at,
            cancel_deadline=plan.starts_at - datetime.timedelta(hours=2),
            series=plan.series,
            occurrence_date=timezone.localdate(plan.starts_at) if plan.series else None,
        )
        shift.clean()
        shifts.append(shift)
    Shift.objects.bulk_create(shifts)


def _key(shift: Shift) -> Key:
    return (shift.team_id, shift.starts_at, shift.title)


def _overlaps(busy: list[tuple[datetime.datetime, datetime.datetime]], shift: Shift) -> bool:
    return any(start < shift.ends_at and shift.starts_at < end for start, end in busy)


def _past_signups(rng: random.Random, shifts: list[Shift], members: dict[int, list[Volunteer]]) -> int:
    """Confirmed places, most shifts well filled; a few cancellations for realism."""
    busy: dict[int, list] = {}
    rows = []
    for shift in shifts:
        pool = members[shift.team_id]
        wanted = min(len(pool), round(shift.capacity * rng.uniform(0.5, 1.0)))
        for volunteer in rng.sample(pool, len(pool)):
            if wanted == 0:
                break
            if _overlaps(busy.setdefault(volunteer.pk, []), shift):
                continue
            created_at = shift.starts_at - datetime.timedelta(hours=rng.randint(6, 240))
            status = Signup.Status.CANCELLED if rng.random() < 0.05 else Signup.Status.CONFIRMED
            rows.append(Signup(shift=shift, volunteer=volunteer, status=status, created_at=created_at))
            if status == Signup.Status.CONFIRMED:
                busy[volunteer.pk].append((shift.starts_at, shift.ends_at))
                wanted -= 1
    Signup.objects.bulk_create(rows)
    return len(rows)


def _sign_up(shift: Shift, volunteer: Volunteer, now: datetime.datetime) -> bool:
    try:
        services.sign_up(shift=shift, volunteer=volunteer, now=now)
    except ValidationError:  # overlaps another shift the person holds
        return False
    return True


def _demo_volunteer_plan(volunteer: Volunteer | None, by_team: dict[int, list[Shift]], full: set[int]) -> dict:
    """The demo volunteer: two confirmed places, and a waitlist place on a full shift of her team."""
    mine: dict[int, str] = {}
    if volunteer is None:
        return mine
    for team_id in volunteer.user.memberships.active().values_list("team_id", flat=True):
        team_shifts = by_team.get(team_id, [])
        mine |= {shift.pk: "confirmed" for shift in [s for s in team_shifts if s.pk not in full][:2]}
        mine |= {shift.pk: "waitlisted" for shift in [s for s in team_shifts if s.pk in full][:1]}
    return mine


def _future_signups(
    rng: random.Random,
    shifts: list[Shift],
    members: dict[int, list[Volunteer]],
    demo_volunteer: Volunteer | None,
    fresh_teams: set[int],
) -> int:
    """Through the service, so waitlists form. Only the shifts picked in FULL fill up."""
    now = timezone.now()
    by_team: dict[int, list[Shift]] = {}
    for shift in shifts:
        if shift.team_id in fresh_teams:
            by_team.setdefault(shift.team_id, []).append(shift)
    codes = dict(Team.objects.filter(pk__in=fresh_teams).values_list("code", "pk"))
    full = {
        by_team[codes[code]][index].pk
        for code, index in FULL
        if code in codes and len(by_team.get(codes[code], [])) > index
    }
    mine = _demo_volunteer_plan(demo_volunteer, by_team, full)
    made = 0
    for shift in shifts:
        pool = [volunteer for volunteer in members[shift.team_id] if volunteer != demo_volunteer]
        if shift.pk in full:
            wanted = shift.capacity + rng.randint(1, 3) - (1 if mine.get(shift.pk) == "waitlisted" else 0)
        else:
            wanted = rng.randint(0, shift.capacity - 1) - (1 if mine.get(shift.pk) == "confirmed" else 0)
        if mine.get(shift.pk) == "confirmed":
            made += _sign_up(shift, demo_volunteer, now - datetime.timedelta(hours=30))
        # Sign-up times go forwards, so the waitlist order is the order people came in.
        moment = now - datetime.timedelta(hours=24)
        for volunteer in rng.sample(pool, len(pool)):
            if wanted <= 0:
                break
            moment += datetime.timedelta(minutes=rng.randint(5, 90))
            if _sign_up(shift, volunteer, min(moment, now)):
                made += 1
                wanted -= 1
        if mine.get(shift.pk) == "waitlisted":
            made += _sign_up(shift, demo_volunteer, now)
    return made


def _members(teams: list[Team]) -> dict[int, list[Volunteer]]:
    pks: dict[int, list[int]] = {team.pk: [] for team in teams}
    rows = (
        Membership.objects.active()
        .filter(team__in=teams, user__volunteer__isnull=False)
        .values_list("team_id", "user__volunteer")
        .order_by("team_id", "user__volunteer")
    )
    for team_id, volunteer_pk in rows:
        pks[team_id].append(volunteer_pk)
    by_pk = Volunteer.objects.select_related("user").in_bulk({pk for pool in pks.values() for pk in pool})
    return {team_id: [by_pk[pk] for pk in pool] for team_id, pool in pks.items()}


@transaction.atomic
def seed_demo_shifts(rng: random.Random) -> dict[str, int]:
    today = timezone.localdate()
    codes = {row[0] for row in WEEKLY} | {row[0] for row in MONTHLY} | {SERIES_TEAM}
    teams = {team.code: team for team in Team.objects.filter(code__in=codes)}
    demo_shifts = Shift.objects.filter(team__in=teams.values())
    existing: set[Key] = set(demo_shifts.values_list("team_id", "starts_at", "title"))
    fresh_teams = {team.pk for team in teams.values()} - {team_id for team_id, _starts_at, _title in existing}

    series = _series(teams[SERIES_TEAM], today)  # on the first run, also its occurrences from today on
    present = set(demo_shifts.values_list("team_id", "starts_at", "title"))
    _create([plan for plan in _plans(teams, series, today) if plan.key not in present])
    created = [shift for shift in demo_shifts.order_by("starts_at", "pk") if _key(shift) not in existing]

    now = timezone.now()
    # Sign-ups for the next two weeks; the series' later occurrences stay empty.
    horizon = _at(today + datetime.timedelta(days=FUTURE_DAYS), "00:00")
    members = _members(list(teams.values()))
    demo_volunteer = Volunteer.objects.select_related("user").filter(user__phone=VOLUNTEER_PHONE).first()
    signups = _past_signups(rng, [shift for shift in created if shift.starts_at <= now], members)
    upcoming = [shift for shift in created if now < shift.starts_at < horizon]
    signups += _future_signups(rng, upcoming, members, demo_volunteer, fresh_teams)
    # A separate stream: attendance does not shift the sign-ups above.
    attended = [shift for shift in created if shift.ends_at <= now]
    counts = _attendance(random.Random(rng.getrandbits(32)), attended, now)  # noqa: S311 - demo data
    return {"shifts": len(created), "signups": signups, **counts}


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
# The demo leader's most recent finished shifts stay unconfirmed, with items to check.
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
    for membership in Membership.objects.leaders().filter(team__in=teams).select_related("user").order_by("pk"):
        leaders.setdefault(membership.team_id, membership.user)
    return leaders


def _attendance(rng: random.Random, shifts: list[Shift], now: datetime.datetime) -> dict[str, int]:
    """Scans for finished shifts, written in bulk, then posted through post_attendance:
    most sheets confirmed by the team's leader, the latest few of the demo leader's
    teams left waiting with items to check, the rest posted as the cron run would."""
    shifts = [shift for shift in Shift.objects.filter(pk__in=[s.pk for s in shifts]).select_related("team")]
    confirmed = Signup.objects.confirmed().filter(shift__in=shifts).order_by("shift_id", "volunteer_id")
    people: dict[int, list[int]] = {}
    for shift_id, volunteer_id in confirmed.values_list("shift_id", "volunteer_id"):
        people.setdefault(shift_id, []).append(volunteer_id)
    leaders = _leaders({shift.team_id for shift in shifts})
    demo_leader = next((user for user in leaders.values() if user.phone == LEADER_PHONE), None)
    closed = [shift for shift in shifts if schedule_of(shift).checkout_until < now]
    led = [shift for shift in closed if demo_leader is not None and leaders.get(shift.team_id) == demo_leader]
    waiting = {shift.pk for shift in sorted(led, key=lambda shift: shift.ends_at)[-UNCONFIRMED:]}

    plans: list[tuple[Attendance, list, bool]] = []
    for shift in shifts:
        for volunteer_id in people.get(shift.pk, []):
            outcome = _outcome(rng)
            if shift.pk in waiting and outcome == "on_time" and rng.random() < 0.3:
                outcome = rng.choice(["not_signed_out", "short"])  # something for the leader to check
            if outcome in ("no_show", "on_leave"):
                status = Attendance.Status.ABSENT if outcome == "no_show" else Attendance.Status.ON_LEAVE
                plans.append((Attendance(shift=shift, volunteer_id=volunteer_id, status=status), [], False))
                continue
            events = _events(rng, outcome, shift)
            # On a confirmed sheet the leader gave the missing check-out time.
            fixed = outcome == "not_signed_out" and shift.pk not in waiting
            if fixed:
                events.append(("out", shift.ends_at - datetime.timedelta(minutes=rng.choice([0, 0, 30]))))
            result = credit(events, schedule_of(shift))
            status = _status_of(result)
            if result.not_signed_out and schedule_of(shift).checkout_until < now:
                status = Attendance.Status.NOT_SIGNED_OUT
            attendance = Attendance(
                shift=shift,
                volunteer_id=volunteer_id,
                status=status,
                credited_minutes=result.minutes,
                review_reasons=[str(reason) for reason in result.review],
                review_state=Attendance.Review.NEEDS_REVIEW if result.needs_review else Attendance.Review.OPEN,
            )
            plans.append((attendance, events, fixed))
    Attendance.objects.bulk_create([attendance for attendance, _events_, _fixed in plans])
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

    records = 0
    for shift in closed:
        if shift.pk in waiting:
            # The cron run posted what needed no review; the rest waits for the leader.
            records += len(post_attendance(shift=shift, by=None, now=now))
        else:
            leader = leaders.get(shift.team_id)
            records += len(post_attendance(shift=shift, by=leader, include_reviewed=leader is not None, now=now))
    return {"attendances": len(plans), "scans": len(scans), "records": records}


def _status_of(result) -> str:
    if result.not_signed_out:
        return Attendance.Status.CHECKED_IN
    if result.late:
        return Attendance.Status.LATE
    if result.left_early:
        return Attendance.Status.LEFT_EARLY
    return Attendance.Status.PRESENT
