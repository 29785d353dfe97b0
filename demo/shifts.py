"""Demo shifts for `make run`: two months back and two weeks ahead for every demo team.

Called by the seed_demo command after demo/people.py has made the people. Dates are
relative to today, so the demo always has past and upcoming shifts. Idempotent: a shift
is keyed by (team, starts_at, title) and only shifts created in this run get sign-ups, so
a second run on the same day adds nothing.

Everyday work fills most of the ledger, a few thousand records over two months: the
elders' canteen and meal deliveries, waste-sorting duty morning and evening, the evening
patrol, the 六点半课堂 homework class six evenings a week. Past shifts are well filled, keen
people serve more often than the rest, and nobody holds two places at once. The demo
volunteer serves at the canteen on weekdays and visits elders three mornings a week:
enough for her first star over the two months.

Sign-ups are written in bulk, except on the upcoming shifts picked in FULL and for the
demo volunteer: those go through services.sign_up, so capacity and the waitlist behave as
in the product. Those shifts end up full with one to three people waiting, one of them
with the demo volunteer on its waitlist.
"""

import datetime
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from demo.attendance import seed_attendance
from demo.people import VOLUNTEER_PHONE
from shifts import services
from shifts.models import Shift, ShiftSeries, Signup
from shifts.series import create_series
from teams.models import Membership, Team
from volunteers.models import Volunteer

PAST_DAYS = 60
FUTURE_DAYS = 14
SERIES_TEAM = "half-past-six"
SERIES_TITLE = "六点半课堂·作业辅导"
SERIES_CAPACITY = 10
# (team code, title, weekdays (Monday is 0), start, end, capacity, place, content)
WEEKLY = [
    ("silver-age", "长者食堂助餐", "0123456", "11:00", "13:00", 8, "阳光社区长者食堂", "分餐、打饭，陪老人用餐。"),
    ("silver-age", "助餐送餐上门", "0123456", "10:30", "12:30", 6, "阳光社区各楼院", "为行动不便的老人送餐上门。"),
    ("silver-age", "独居老人探访", "135", "08:30", "10:30", 8, "阳光社区党群服务中心", "两人一组上门探访独居老人。"),
    ("silver-age", "陪同就医", "024", "08:00", "10:30", 3, "市第一人民医院门诊楼", "陪同行动不便的老人挂号、取药。"),
    ("green-home", "垃圾分类早间值守", "0123456", "07:00", "09:00", 10, "阳光社区各投放点", "定时定点投放，指导分类。"),
    ("green-home", "垃圾分类晚间值守", "0123456", "18:00", "20:00", 10, "阳光社区各投放点", "定时定点投放，指导分类。"),
    ("green-home", "河道巡护", "5", "14:00", "16:00", 8, "金水河阳光段", "沿河捡拾垃圾，劝导钓鱼和游泳。"),
    ("green-home", "周末环境大扫除", "6", "09:30", "11:30", 15, "阳光社区各楼院", "清理楼道杂物、绿化带垃圾和小广告。"),
    ("neighbour-help", "便民服务日", "6", "09:00", "11:30", 8, "阳光社区广场", "义务理发、小家电维修、磨刀配钥匙。"),
    ("neighbour-help", "上门维修", "2", "14:00", "16:30", 4, "阳光社区各楼院", "为高龄和独居老人上门修理小家电。"),
    ("poverty-relief", "困难家庭走访", "2", "14:00", "16:30", 5, "和平里社区", "走访低保和困难家庭，登记需求。"),
    ("poverty-relief", "爱心超市值守", "135", "09:00", "11:30", 4, "和平里爱心超市", "登记捐赠物资，发放兑换物品。"),
    ("learn-from-lei-feng", "文明交通劝导", "01234", "07:00", "08:30", 10, "和平里公交站", "早高峰劝导乱穿马路。"),
    ("learn-from-lei-feng", "文明劝导", "5", "15:00", "17:00", 6, "和平里公交站", "劝导乱穿马路、乱扔垃圾。"),
    ("ceremony-council", "移风易俗宣传", "4", "14:30", "16:30", 4, "和平里社区文化站", "宣传婚事新办、丧事简办。"),
    ("party-pioneers", "平安巡逻", "0123456", "19:00", "21:00", 12, "和平里社区各楼院", "巡查消防通道和电动车充电。"),
    ("party-pioneers", "党员先锋岗·秩序维护", "6", "16:00", "18:00", 6, "和平里小区北门", "车辆停放引导和安全巡查。"),
]
# The 学雷锋 team's big day is the 5th of every month.
MONTHLY = [("learn-from-lei-feng", "学雷锋集中服务日", 5, "08:30", "11:30", 20, "和平里社区广场", "义诊、法律咨询。")]
# Upcoming shifts that end up full with a waitlist: (team code, index among the team's new upcoming shifts).
FULL = [("silver-age", 2), (SERIES_TEAM, 1), ("green-home", 0)]
# The demo volunteer's regular duties: (team code, title) → weekdays.
REGULAR = {("silver-age", "长者食堂助餐"): "01234", ("silver-age", "独居老人探访"): "135"}
# How keen each person is, as a weight: most serve now and then, a few nearly every day.
KEENNESS = [0.4, 0.7, 1, 1, 1, 1.5, 2, 3]

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
            capacity=SERIES_CAPACITY,
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


def _is_regular(shift: Shift) -> bool:
    weekdays = REGULAR.get((shift.team.code, shift.title), "")
    return str(timezone.localtime(shift.starts_at).weekday()) in weekdays


def _in_order_of_keenness(rng: random.Random, pool: list[Volunteer], keenness: dict[int, float]) -> list[Volunteer]:
    """A random order in which keener people tend to come first (weighted sampling without replacement)."""
    draws = [(rng.random() ** (1 / keenness[volunteer.pk]), volunteer) for volunteer in pool]
    return [volunteer for _draw, volunteer in sorted(draws, key=lambda draw: -draw[0])]


def _bulk_signups(
    rng: random.Random,
    shifts: list[Shift],
    members: dict[int, list[Volunteer]],
    demo_volunteer: Volunteer | None,
    now: datetime.datetime,
) -> int:
    """Confirmed places, written directly: past shifts well filled (sign-up has closed for
    them), upcoming ones filling up as their day comes closer but never full; a few
    cancellations for realism. The demo volunteer takes her regular duties in the past;
    her upcoming places go through the service."""
    everyone = sorted({volunteer.pk for pool in members.values() for volunteer in pool})
    keenness = {pk: rng.choice(KEENNESS) for pk in everyone}
    busy: dict[int, list] = {}
    rows = []
    for shift in shifts:
        pool = [volunteer for volunteer in members[shift.team_id] if volunteer != demo_volunteer]
        if shift.starts_at <= now:
            wanted = round(shift.capacity * rng.uniform(0.85, 1.0))
            first = [demo_volunteer] if demo_volunteer is not None and _is_regular(shift) else []
            signed_at = shift.starts_at
        else:
            days_ahead = (shift.starts_at - now) / datetime.timedelta(days=1)
            share = rng.uniform(0.4, 0.9) * max(0.2, 1 - days_ahead / FUTURE_DAYS)
            wanted = min(shift.capacity - 1, round(shift.capacity * share))
            first = []
            signed_at = now
        for volunteer in first + _in_order_of_keenness(rng, pool, keenness):
            if wanted <= 0:
                break
            if _overlaps(busy.setdefault(volunteer.pk, []), shift):
                continue
            created_at = signed_at - datetime.timedelta(hours=rng.randint(6, 240))
            status = Signup.Status.CANCELLED if rng.random() < 0.03 else Signup.Status.CONFIRMED
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


def _full_shifts(upcoming: list[Shift], fresh_teams: set[int]) -> set[int]:
    by_team: dict[int, list[Shift]] = {}
    for shift in upcoming:
        if shift.team_id in fresh_teams:
            by_team.setdefault(shift.team_id, []).append(shift)
    codes = dict(Team.objects.filter(pk__in=fresh_teams).values_list("code", "pk"))
    return {
        by_team[codes[code]][index].pk
        for code, index in FULL
        if code in codes and len(by_team.get(codes[code], [])) > index
    }


def _demo_volunteer_plan(volunteer: Volunteer | None, upcoming: list[Shift], full: set[int]) -> dict[int, str]:
    """The demo volunteer: a waitlist place on the first full shift of her team, and her
    regular duties that do not clash with it."""
    mine: dict[int, str] = {}
    if volunteer is None:
        return mine
    teams = set(volunteer.user.memberships.active().values_list("team_id", flat=True))
    waiting = next((shift for shift in upcoming if shift.pk in full and shift.team_id in teams), None)
    if waiting is not None:
        mine[waiting.pk] = "waitlisted"
    for shift in upcoming:
        clash = waiting is not None and _overlaps([(waiting.starts_at, waiting.ends_at)], shift)
        if shift.team_id in teams and shift.pk not in full and _is_regular(shift) and not clash:
            mine[shift.pk] = "confirmed"
    return mine


def _service_signups(
    rng: random.Random,
    upcoming: list[Shift],
    members: dict[int, list[Volunteer]],
    demo_volunteer: Volunteer | None,
    full: set[int],
    now: datetime.datetime,
) -> int:
    """Through the service, so waitlists form: the FULL shifts fill up and overflow, and
    the demo volunteer takes her places."""
    mine = _demo_volunteer_plan(demo_volunteer, upcoming, full)
    made = 0
    for shift in upcoming:
        if mine.get(shift.pk) == "confirmed":
            made += _sign_up(shift, demo_volunteer, now - datetime.timedelta(hours=30))
        if shift.pk not in full:
            continue
        pool = [volunteer for volunteer in members[shift.team_id] if volunteer != demo_volunteer]
        wanted = shift.capacity + rng.randint(1, 3) - (1 if mine.get(shift.pk) == "waitlisted" else 0)
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
    created = [
        shift
        for shift in demo_shifts.select_related("team__office").order_by("starts_at", "pk")
        if _key(shift) not in existing
    ]

    now = timezone.now()
    # Sign-ups for the next two weeks; the series' later occurrences stay empty.
    horizon = _at(today + datetime.timedelta(days=FUTURE_DAYS), "00:00")
    members = _members(list(teams.values()))
    demo_volunteer = Volunteer.objects.select_related("user").filter(user__phone=VOLUNTEER_PHONE).first()
    upcoming = [shift for shift in created if now < shift.starts_at < horizon]
    full = _full_shifts(upcoming, fresh_teams)
    within = [shift for shift in created if shift.starts_at < horizon and shift.pk not in full]
    signups = _bulk_signups(rng, within, members, demo_volunteer, now)
    signups += _service_signups(rng, upcoming, members, demo_volunteer, full, now)
    # A separate stream: attendance does not shift the sign-ups above.
    attended = [shift for shift in created if shift.ends_at <= now]
    volunteers = {volunteer.pk: volunteer for pool in members.values() for volunteer in pool}
    counts = seed_attendance(random.Random(rng.getrandbits(32)), attended, volunteers, now)
    return {"shifts": len(created), "signups": signups, **counts}
