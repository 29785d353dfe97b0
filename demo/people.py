"""Demo data for `make run`: a street office, two communities, eight teams, ~360 people.

Deterministic (a fixed random seed) and idempotent: running it twice changes nothing.
People live in one of the two communities and join one or two of its teams; party
members of 和平里 report to its party-member team. Every team has a leader.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from teams.models import Membership, Office, OfficeStaff, Team, TeamKind
from volunteers.identity import check_char
from volunteers.models import Volunteer

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - published in the README for the demo
STAFF_PHONE = "+8613800000001"
LEADER_PHONE = "+8613800000002"
VOLUNTEER_PHONE = "+8613800000003"
# Imported from the office's Excel roster and never signed in: no password yet, the
# number not yet confirmed. She gets in with a texted code, then sets a password.
IMPORTED_PHONE = "+8613800000004"

STREET = "幸福路街道办事处"
COMMUNITIES = ["阳光社区", "和平里社区"]
# (community index, team name, code, kind, join policy, description)
TEAMS = [
    (0, "银龄互助志愿服务队", "silver-age", "银龄", "open", "退休居民结对探访独居老人，陪同就医、代购代办。"),
    (0, "绿色家园环保志愿队", "green-home", "环保", "open", "垃圾分类指导、楼道清洁和河道巡护。"),
    (0, "邻里便民服务队", "neighbour-help", "便民", "approval", "义务理发、小家电维修、磨刀配钥匙。"),
    (0, "六点半课堂", "half-past-six", "六点半课堂", "approval", "周一至周六 18:30–20:00，为双职工家庭孩子辅导作业。"),
    (1, "扶贫帮困志愿服务队", "poverty-relief", "扶贫帮困", "approval", "困难家庭走访、助学帮扶和物资募集。"),
    (1, "学雷锋志愿服务队", "learn-from-lei-feng", "学雷锋", "open", "每月 5 日集中服务：义诊、法律咨询、文明劝导。"),
    (1, "红白喜事理事会", "ceremony-council", "红白喜事理事会", "invite", "倡导移风易俗、婚事新办、丧事简办。"),
    (1, "党员先锋志愿服务队", "party-pioneers", "党员志愿服务队", "approval", "在职党员回社区报到，认领服务岗位。"),
]
# How a community's people spread over its teams (relative weights); the party-member
# team takes the party members of 和平里 instead.
SHARES = {
    "silver-age": 36,
    "green-home": 32,
    "neighbour-help": 12,
    "half-past-six": 20,
    "poverty-relief": 30,
    "learn-from-lei-feng": 50,
    "ceremony-council": 20,
}
PARTY_TEAM = 7
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "秀英桂英秀兰玉兰桂兰建华建国志强国华春梅红霞海燕丽娟淑珍凤英玉梅明华德明文军永生振华晓东丽萍雪梅"
GRIDS = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格"]
SKILLS = ["理发", "维修家电", "书法", "心理疏导", "医疗护理", "法律咨询", "摄影", "辅导作业", "驾驶", "烹饪"]
AREA_CODES = ["410102", "410103", "410105", "410122"]
PEOPLE = 360
JOINED = datetime.date(2026, 1, 5)
RECENT_SHARE = 0.03  # of residents registered this month or last


def _resident_id(rng: random.Random, birth: datetime.date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def _person(rng: random.Random) -> dict:
    male = rng.random() < 0.45
    birth = datetime.date(rng.randint(1948, 2004), rng.randint(1, 12), rng.randint(1, 28))
    given_start = rng.randrange(0, len(GIVEN) - 1, 2)
    name = rng.choice(SURNAMES) + GIVEN[given_start : given_start + rng.choice([1, 2])]
    return {
        "real_name": name,
        "id_number": _resident_id(rng, birth, male),
        "grid": rng.choice(GRIDS),
        "is_party_member": rng.random() < 0.35,
        "skills": "、".join(rng.sample(SKILLS, rng.randint(0, 2))),
    }


def _teams_of(rng: random.Random, profile: dict) -> list[int]:
    """One or two teams of the person's community, by each team's share of its people."""
    community = 0 if rng.random() < 0.55 else 1
    indexes = [index for index, row in enumerate(TEAMS) if row[0] == community and row[2] in SHARES]
    weights = [SHARES[TEAMS[index][2]] for index in indexes]
    wanted = rng.choice([1, 1, 1, 2])
    chosen = [PARTY_TEAM] if community == 1 and profile["is_party_member"] else []
    while len(chosen) < wanted:
        index = rng.choices(indexes, weights)[0]
        if index not in chosen:
            chosen.append(index)
    return chosen


def _user(phone: str, profile: dict, password: str | None = None) -> User:
    """Only the three demo logins get a password: hashing one costs a third of a second."""
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(phone=phone, password=password, phone_verified=True)
    if not Volunteer.objects.filter(user=user).exists():
        volunteer = Volunteer(user=user, **profile)
        volunteer.full_clean()
        volunteer.save()
    return user


def _join(team: Team, user: User, role: str = Membership.Role.MEMBER) -> None:
    if not Membership.objects.live().filter(team=team, user=user).exists():
        Membership.objects.create(team=team, user=user, role=role, status=Membership.Status.ACTIVE, joined_on=JOINED)


def _people(rng: random.Random, teams: list[Team]) -> None:
    """The generated residents, written in bulk: one query per table, not per person.
    The first to join a team without a leader leads it."""
    plans = []
    for number in range(PEOPLE):
        profile = _person(rng)
        plans.append((f"+86139{number:08d}", profile, _teams_of(rng, profile)))
    phones = [phone for phone, _profile, _teams in plans]
    known = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    fresh = []
    for phone in phones:
        if phone not in known:
            user = User(phone=phone, phone_verified=True)
            user.set_unusable_password()
            fresh.append(user)
    User.objects.bulk_create(fresh)
    users = User.objects.in_bulk(phones, field_name="phone")
    with_profile = set(Volunteer.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    volunteers = []
    for phone, profile, _teams in plans:
        if users[phone].pk not in with_profile:
            volunteer = Volunteer(user=users[phone], **profile)
            # One unique check per row would be two queries a person; the bulk insert
            # below meets the same unique constraints in the database.
            volunteer.full_clean(validate_unique=False, validate_constraints=False)
            volunteer.set_name_keys()  # bulk_create runs no save()
            volunteers.append(volunteer)
    Volunteer.objects.bulk_create(volunteers)

    live = set(Membership.objects.live().filter(team__in=teams).values_list("team_id", "user_id"))
    led = set(Membership.objects.leaders().filter(team__in=teams).values_list("team_id", flat=True))
    memberships = []
    for phone, _profile, indexes in plans:
        for index in indexes:
            team, user = teams[index], users[phone]
            if (team.pk, user.pk) in live:
                continue
            role = Membership.Role.MEMBER if team.pk in led else Membership.Role.LEADER
            led.add(team.pk)
            memberships.append(
                Membership(team=team, user=user, role=role, status=Membership.Status.ACTIVE, joined_on=JOINED)
            )
    Membership.objects.bulk_create(memberships)


def _spread_registrations() -> None:
    """Residents registered over the past year or so, a few of them this month and last, so
    that "new volunteers" on the office dashboard looks like a real office's. A generator of
    its own keeps the rest of the demo the same whatever is drawn here."""
    rng = random.Random("registrations")
    now = timezone.now()
    by_months_ago: dict[int, list[int]] = {}
    for volunteer_id in Volunteer.objects.filter(user__phone__startswith="+86139").values_list("pk", flat=True):
        months_ago = rng.choice((0, 1)) if rng.random() < RECENT_SHARE else rng.randint(2, 16)
        by_months_ago.setdefault(months_ago, []).append(volunteer_id)
    this_month = timezone.localtime(now).replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    for months_ago, ids in by_months_ago.items():
        registered = min(now, this_month) if months_ago == 0 else now - datetime.timedelta(days=30 * months_ago)
        Volunteer.objects.filter(pk__in=ids).update(created_at=registered)
        User.objects.filter(volunteer__pk__in=ids).update(date_joined=registered)


@transaction.atomic
def seed_demo() -> dict[str, int]:
    rng = random.Random(2026)
    street, _created = Office.objects.get_or_create(name=STREET, parent=None, defaults={"kind": Office.Kind.STREET})
    communities = [
        Office.objects.get_or_create(name=name, parent=street, defaults={"kind": Office.Kind.COMMUNITY})[0]
        for name in COMMUNITIES
    ]
    teams = []
    for community, name, code, kind, policy, description in TEAMS:
        kind_row, _created = TeamKind.objects.get_or_create(name=kind)
        team, _created = Team.objects.get_or_create(
            code=code,
            defaults={
                "office": communities[community],
                "name": name,
                "kind": kind_row,
                "join_policy": policy,
                "description": description,
            },
        )
        teams.append(team)

    staff = _user(
        STAFF_PHONE, {"real_name": "周晓燕", "id_number": "", "grid": "", "is_party_member": True}, DEMO_PASSWORD
    )
    OfficeStaff.objects.get_or_create(
        office=street, user=staff, defaults={"role": OfficeStaff.Role.ADMIN, "can_view_pii": True}
    )
    leader = _user(
        LEADER_PHONE,
        {"real_name": "李建国", "id_number": "", "grid": "第一网格", "is_party_member": True},
        DEMO_PASSWORD,
    )
    _join(teams[0], leader, Membership.Role.LEADER)
    _join(teams[3], leader, Membership.Role.LEADER)
    volunteer = _user(VOLUNTEER_PHONE, {"real_name": "王秀英", "id_number": "", "grid": "第二网格"}, DEMO_PASSWORD)
    _join(teams[0], volunteer)
    imported = User.objects.filter(phone=IMPORTED_PHONE).first() or User.objects.create(
        phone=IMPORTED_PHONE, password=make_password(None), phone_verified=False
    )
    if not Volunteer.objects.filter(user=imported).exists():
        Volunteer.objects.create(user=imported, real_name="赵桂兰", grid="第一网格")
    _join(teams[0], imported)

    _people(rng, teams)
    _spread_registrations()
    return {"offices": Office.objects.count(), "teams": Team.objects.count(), "volunteers": Volunteer.objects.count()}
