"""A street office at full size, built with bulk inserts.

    .venv/bin/python benchmarks/generate.py --volunteers 100000 --records 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/street .venv/bin/python benchmarks/generate.py
    .venv/bin/python benchmarks/generate.py --volunteers 2000 --records 20000   (CI size)

Writes into the project's database (DATABASE_URL, else db.sqlite3), migrated first, and
refuses one that already holds service records. Other benchmarks call `build()` on their
throw-away database (benchmarks/_setup.py).

The shape (DESIGN "Scale"): one street office over 50 communities; 400 teams of 20 to
2,000 members (sizes log-uniform, about 1.3 teams a volunteer); a year of shifts up to
yesterday, about ten attending a shift; for each attendee a confirmed sign-up, an
attendance and its ledger record, a tenth more sign-ups that were cancelled or did not
come; backfills (2%), corrections (1%: a reversal and the right value, as
`hours.ledger.correct_record` writes them) and every month but the last two closed
through the real `hours.months.close_month`, so the closes hold their snapshots and
late records are reported in the next open month. Records go in through
`ServiceRecord.objects.bulk_create`, as `hours.ledger` and the other benchmarks insert
them: the append-only triggers stay on.
"""

import argparse
import datetime
import math
import os
import random
import sys
import time
from pathlib import Path

if "django" not in sys.modules or not os.environ.get("DJANGO_SETTINGS_MODULE"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from common.progress import TerminalProgress
from hours.models import MonthClose, ServiceRecord
from hours.months import close_month, first_of_month, next_month, previous_month
from shifts.models import Attendance, Shift, Signup
from teams.models import Membership, Office, Team, TeamKind
from volunteers.identity import check_char
from volunteers.models import Volunteer

BATCH = 5000
COMMUNITIES = 50
TEAMS = 400
SMALLEST, LARGEST = 20, 2000
TEAMS_PER_VOLUNTEER = 1.3
PER_SHIFT = 10  # attendees of a shift, on average
STREET = "幸福街道"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
)
GIVEN = "建国华明丽英秀兰芳军平伟玉珍桂凤霞红梅志强海燕文杰淑敏云龙春花德胜宝"
ACTIVITIES = [
    ("独居老人探访", "陪伴聊天、打扫卫生"),
    ("垃圾分类督导", "桶边指导居民分类投放"),
    ("文明交通劝导", "路口劝导行人遵守信号灯"),
    ("社区义诊", "测量血压、健康咨询"),
    ("四点半课堂", "辅导小学生作业"),
    ("平安巡逻", "楼道、车棚消防安全巡查"),
]
KINDS = ["银龄", "巾帼", "党员先锋", "青年", "邻里守望"]
HOURS = [(8, 2), (9, 3), (14, 2), (15, 3), (18, 2)]  # (start hour, length in hours)


def length_of(shift: Shift) -> int:
    return int((shift.ends_at - shift.starts_at).total_seconds() // 60)


def say(*words: str) -> None:
    print(*words, flush=True)


def team_sizes(rng: random.Random, volunteers: int, teams: int) -> list[int]:
    """Log-uniform sizes between SMALLEST and LARGEST, scaled toward ~1.3 teams a volunteer."""
    raw = [math.exp(rng.uniform(math.log(SMALLEST), math.log(LARGEST))) for _ in range(teams)]
    scale = volunteers * TEAMS_PER_VOLUNTEER / sum(raw)
    largest = min(LARGEST, volunteers)
    return [max(min(SMALLEST, volunteers), min(largest, round(size * scale))) for size in raw]


def build(*, volunteers: int, records: int, seed: int = 2026, today: datetime.date | None = None, out=None) -> dict:
    """The street office; returns what benchmarks need (the street, its months)."""
    out = out or sys.stdout
    rng = random.Random(seed)
    today = today or timezone.localdate()
    first_day = today - datetime.timedelta(days=365)
    started = time.perf_counter()

    street = Office.objects.create(name=STREET, kind=Office.Kind.STREET)
    communities = Office.objects.bulk_create(
        Office(name=f"第{n + 1}社区", kind=Office.Kind.COMMUNITY, parent=street) for n in range(COMMUNITIES)
    )
    kinds = [TeamKind.objects.get_or_create(name=name)[0] for name in KINDS]
    teams = Team.objects.bulk_create(
        Team(
            office=communities[n % COMMUNITIES],
            name=f"{KINDS[n % len(KINDS)]}志愿服务队{n + 1}",
            code=f"street-{n + 1}",
            kind=kinds[n % len(kinds)],
            invite_code=f"S{n:07d}",
        )
        for n in range(TEAMS)
    )

    unusable = make_password(None)
    with TerminalProgress(out, "volunteers", language="en") as progress:
        people = []
        for start in range(0, volunteers, BATCH):
            chunk = range(start, min(start + BATCH, volunteers))
            users = User.objects.bulk_create(
                User(phone=f"+86137{n:08d}", password=unusable, phone_verified=True) for n in chunk
            )
            rows = []
            for n, user in zip(chunk, users, strict=True):
                first17 = f"3301{n // 1000 % 100:02d}{1950 + n // 100000:04d}0501{n % 1000:03d}"  # unique per n
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
                rows.append(Volunteer(user=user, real_name=name, id_number=first17 + check_char(first17)))
            people += Volunteer.objects.bulk_create(rows)
            progress(len(people), volunteers)

    # Members: consecutive slices of a shuffled list, so nobody is twice in one team.
    order = people[:]
    rng.shuffle(order)
    members: list[list[Volunteer]] = []
    rows, at = [], 0
    for team, size in zip(teams, team_sizes(rng, volunteers, TEAMS), strict=True):
        chosen = [order[(at + k) % volunteers] for k in range(size)]
        at += size
        members.append(chosen)
        for k, volunteer in enumerate(chosen):
            role = Membership.Role.LEADER if k == 0 else Membership.Role.MEMBER
            rows.append(
                Membership(team=team, user_id=volunteer.user_id, role=role, status="active", joined_on=first_day)
            )
    Membership.objects.bulk_create(rows, batch_size=BATCH)
    say(f"{len(rows):,} memberships in {TEAMS} teams of {min(map(len, members))} to {max(map(len, members))}")

    # Shifts per team in proportion to its size; about PER_SHIFT attendees each.
    weights = [len(chosen) for chosen in members]
    total_weight = sum(weights)
    plan = []  # (team index, day, attendees)
    for index, weight in enumerate(weights):
        team_records = records * weight / total_weight
        for _n in range(max(1, round(team_records / PER_SHIFT))):
            day = first_day + datetime.timedelta(days=rng.randrange(365))
            plan.append((index, day, min(len(members[index]), rng.randint(PER_SHIFT // 2, PER_SHIFT * 3 // 2))))
    # Trim or pad attendee counts so the attendance records come to `records` less corrections and backfills.
    corrections, backfills = records // 100, records // 50
    wanted = records - 2 * corrections - backfills
    have = sum(n for *_rest, n in plan)
    for k in range(abs(have - wanted)):
        index, day, n = plan[k % len(plan)]
        step = -1 if have > wanted else 1
        if 1 <= n + step <= len(members[index]):
            plan[k % len(plan)] = (index, day, n + step)
    plan.sort(key=lambda item: item[1])

    closed = []
    month = first_of_month(first_day)
    last_closed = previous_month(previous_month(first_of_month(today)))
    while month <= last_closed:
        closed.append(month)
        month = next_month(month)
    written = []  # (pk, volunteer, office, team, date, starts_at, ends_at, minutes) for corrections
    zone = timezone.get_current_timezone()
    with TerminalProgress(out, "shifts, sign-ups, attendance, records", language="en") as progress:
        done = 0
        for start in range(0, len(plan), BATCH // PER_SHIFT):
            chunk = plan[start : start + BATCH // PER_SHIFT]
            shifts = []
            for index, day, n in chunk:
                hour, length = rng.choice(HOURS)
                activity, content = rng.choice(ACTIVITIES)
                starts_at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
                ends_at = starts_at + datetime.timedelta(hours=length)
                shifts.append(
                    Shift(
                        team=teams[index],
                        title=activity,
                        content=content,
                        place="社区服务站",
                        starts_at=starts_at,
                        ends_at=ends_at,
                        capacity=n + 5,
                        signup_closes_at=starts_at,
                        cancel_deadline=starts_at - datetime.timedelta(hours=2),
                    )
                )
            shifts = Shift.objects.bulk_create(shifts)
            signups, attended, rows = [], [], []
            for shift, (index, day, n) in zip(shifts, chunk, strict=True):
                team = teams[index]
                extra = 1 if rng.random() < 0.1 * n else 0
                people_here = rng.sample(members[index], min(len(members[index]), n + extra))
                length = length_of(shift)
                for k, volunteer in enumerate(people_here):
                    came = k < n
                    status = Signup.Status.CONFIRMED if came or rng.random() < 0.5 else Signup.Status.CANCELLED
                    signups.append(
                        Signup(
                            shift=shift,
                            volunteer=volunteer,
                            status=status,
                            created_at=shift.starts_at - datetime.timedelta(days=rng.randint(1, 10)),
                        )
                    )
                    if not came:
                        continue
                    minutes = length if rng.random() < 0.85 else length - 30
                    attended.append((shift, volunteer, minutes))
                    rows.append(
                        ServiceRecord(
                            volunteer=volunteer,
                            office_id=team.office_id,
                            team=team,
                            service_date=day,
                            starts_at=shift.starts_at,
                            ends_at=shift.ends_at,
                            activity=shift.title,
                            place=shift.place,
                            content=shift.content,
                            responsible_person="队长",
                            minutes=minutes,
                            kind=ServiceRecord.Kind.ATTENDANCE,
                            # The real key is the attendance's pk, known only after its insert,
                            # which needs the record's: a key of our own, as unique.
                            source_key=f"street:{shift.pk}:{volunteer.pk}",
                            recorded_at=shift.ends_at + datetime.timedelta(hours=2),
                            reported_month=first_of_month(day),
                        )
                    )
            Signup.objects.bulk_create(signups)
            rows = ServiceRecord.objects.bulk_create(rows)
            Attendance.objects.bulk_create(
                Attendance(
                    shift=shift,
                    volunteer=volunteer,
                    status=Attendance.Status.PRESENT if minutes == length_of(shift) else Attendance.Status.LEFT_EARLY,
                    credited_minutes=minutes,
                    review_state=Attendance.Review.POSTED,
                    posted_record=record,
                )
                for (shift, volunteer, minutes), record in zip(attended, rows, strict=True)
            )
            written += [
                (r.pk, r.volunteer_id, r.office_id, r.team_id, r.service_date, r.starts_at, r.ends_at, r.minutes)
                for r in rows
                if r.minutes >= 60
            ]
            done += len(rows)
            progress(done, records)

        # Late records: backfills and corrections, recorded some days after the service.
        def reported(day: datetime.date, recorded: datetime.date) -> datetime.date:
            month = first_of_month(day)
            # A month closes on the 5th of the next: later, a closed month's record goes to the recording month.
            if month in closed and recorded >= next_month(month) + datetime.timedelta(days=4):
                return first_of_month(recorded)
            return month

        late = []
        for n in range(backfills):
            index = rng.randrange(TEAMS)
            volunteer = rng.choice(members[index])
            day = first_day + datetime.timedelta(days=rng.randrange(365))
            recorded = min(today, day + datetime.timedelta(days=rng.randint(3, 40)))
            starts_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
            late.append(
                ServiceRecord(
                    volunteer=volunteer,
                    office_id=teams[index].office_id,
                    team=teams[index],
                    service_date=day,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(hours=2),
                    activity="补录：社区服务",
                    place="社区服务站",
                    responsible_person="队长",
                    minutes=120,
                    kind=ServiceRecord.Kind.BACKFILL,
                    reason="扫码设备故障，事后补录",
                    source_key=f"street-backfill:{n}",
                    recorded_at=datetime.datetime.combine(recorded, datetime.time(10), tzinfo=zone),
                    reported_month=reported(day, recorded),
                )
            )
        for pk, volunteer_id, office_id, team_id, day, starts_at, ends_at, minutes in rng.sample(
            written, min(corrections, len(written))
        ):
            recorded = min(today, day + datetime.timedelta(days=rng.randint(3, 40)))
            common = {
                "volunteer_id": volunteer_id,
                "office_id": office_id,
                "team_id": team_id,
                "service_date": day,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "activity": "更正",
                "place": "社区服务站",
                "responsible_person": "队长",
                "kind": ServiceRecord.Kind.CORRECTION,
                "reason": "签退时间有误",
                "recorded_at": datetime.datetime.combine(recorded, datetime.time(10), tzinfo=zone),
                "reported_month": reported(day, recorded),
            }
            late.append(ServiceRecord(**common, minutes=-minutes, reverses_id=pk, source_key=f"reversal:{pk}"))
            late.append(ServiceRecord(**common, minutes=minutes - 30, source_key=f"correction:{pk}"))
        for start in range(0, len(late), BATCH):
            ServiceRecord.objects.bulk_create(late[start : start + BATCH])
            done += len(late[start : start + BATCH])
            progress(done, records)
    counts = [Shift.objects.count(), Signup.objects.count(), Attendance.objects.count()]
    say("{:,} shifts, {:,} sign-ups, {:,} attendances".format(*counts), f"in {time.perf_counter() - started:.0f} s")
    closing = time.perf_counter()

    with TerminalProgress(out, "closing months", language="en") as progress:
        for n, month in enumerate(closed, start=1):
            close_month(office=street, month=month, by=None, today=today)
            progress(n, len(closed))
    # Each close is the real service: a snapshot of the street and each community.
    say(f"{len(closed)} months closed through hours.months.close_month in {time.perf_counter() - closing:.0f} s")
    say(
        f"{ServiceRecord.objects.count():,} records ({backfills:,} backfills, {corrections:,} corrections), "
        f"{MonthClose.objects.count()} closes of {len(closed)} months; {volunteers:,} volunteers; "
        f"built in {time.perf_counter() - started:.0f} s on {connection.vendor}"
    )
    open_month = next_month(closed[-1]) if closed else first_of_month(today)
    return {"street": street, "closed": closed, "open_month": open_month, "today": today}


def settle() -> None:
    """Statistics and the visibility map, as autovacuum keeps them on a live database (on
    PostgreSQL 13+ it also vacuums insert-only tables such as the ledger): without them a
    fresh bulk load is planned from guesses and cannot use index-only scans."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if ServiceRecord.objects.exists():
        sys.exit("this database already holds service records: generate into an empty one")
    with transaction.atomic():
        build(volunteers=args.volunteers, records=args.records, seed=args.seed)
    started = time.perf_counter()
    settle()
    say(f"vacuumed and analysed in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
