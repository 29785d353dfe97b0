"""Demo residents' requests and a wish wall for `make run`: a few dozen requests in every
state, raised over the past seven weeks in both communities, and eight micro-wishes.

Everything goes through needs.services and needs.wishes, so each request carries its
history and the confirmed ones are in the ledger; afterwards the moments are set back to
the days they stand for. The demo volunteer has one request under way (its contact shown to
her) and a few waiting on her board; the demo resident, an account without a volunteer
profile, has requests of her own; another such account is the grid worker of the first
community's 第一网格. Idempotent: nothing is added once the demo has requests.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.people import COMMUNITIES, DEMO_PASSWORD, STAFF_PHONE, VOLUNTEER_PHONE
from needs import services, wishes
from needs.models import Category, Need, NeedEvent
from teams import services as grid_services
from teams.models import Membership, Office, Team, TeamKind
from volunteers.models import Volunteer

RESIDENT_PHONE = "+8613800000005"
# The grid worker (网格员) of the first community's 第一网格: an account, no volunteer profile.
GRID_WORKER_PHONE = "+8613800000007"
GRID_WORKER_GRID = "第一网格"
# (category, team kinds that take it, most minutes credited)
CATEGORIES = [
    ("便民维修", ["便民"], 120),
    ("理发", ["便民"], 60),
    ("助餐", ["银龄"], 90),
    ("陪诊", ["银龄"], 180),
    ("代购", ["银龄", "学雷锋"], 60),
    ("心理疏导", ["银龄"], 90),
    ("法律咨询", ["学雷锋"], 60),
    ("环境整治", ["环保", "党员志愿服务队"], 120),
]
ASKS = {
    "便民维修": ["厨房水龙头一直滴水，想请师傅看看", "客厅灯不亮了，自己够不着", "电饭煲插上电没反应"],
    "理发": ["老伴卧床，想请人上门理发", "腿脚不便，想在家理个发"],
    "助餐": ["这周子女出差，想请人帮忙送午饭", "术后行动不便，想订两周送餐"],
    "陪诊": ["周四要去医院复查，想请人陪同挂号取药", "需要去医院做眼科检查，一个人不方便"],
    "代购": ["想请人帮忙买点降压药和米面", "帮忙代购一些日用品"],
    "心理疏导": ["老伴去世后心情一直不好，想找人聊聊"],
    "法律咨询": ["房屋继承的事想咨询一下", "子女赡养问题想请教"],
    "环境整治": ["楼道堆了很多杂物，影响通行", "单元门口垃圾没人清理"],
}
RESIDENTS = ["张桂芳", "刘淑珍", "陈玉兰", "杨秀云", "赵凤英", "黄春梅", "周德明", "吴建华"]
ADDRESSES = ["幸福小区{}号楼{}单元{}01", "和平里{}号院{}门{}02", "阳光花园{}栋{}单元{}03"]
GRIDS = ["第一网格", "第二网格", "第三网格", "第四网格"]
# How many requests end in each state (36 in all).
STATES = [
    (Need.State.SUBMITTED, 5),
    (Need.State.ACCEPTED, 3),
    (Need.State.REFUSED, 2),
    (Need.State.DISPATCHED, 6),
    (Need.State.TAKEN, 4),
    (Need.State.DONE, 4),
    (Need.State.CONFIRMED, 10),
    (Need.State.CANCELLED, 2),
]
WISHES = [
    ("一个新书包", "三年级的孩子书包背带断了，想要一个新书包", "留守儿童王小宝"),
    ("一套课外读物", "五年级学生喜欢读书，想要几本科普书", "困难家庭学生李晨"),
    ("一台助听器", "独居老人听力下降，电话常听不清", "独居老人孙大爷"),
    ("一件冬季棉衣", "老人的棉衣穿了十几年，想换件暖和的", "低保户刘奶奶"),
    ("一次理发上门", "卧床老人想理个发过年", "卧床老人赵爷爷"),
    ("一辆儿童自行车", "孩子想学骑车", "单亲家庭孩子周周"),
    ("一盏护眼台灯", "孩子晚上写作业光线暗", "留守儿童陈小雨"),
    ("一副老花镜", "老人看报纸看不清", "独居老人吴奶奶"),
]


def _resident(phone: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create(phone=phone, password=make_password(DEMO_PASSWORD), phone_verified=True)
    return user


def _categories(community: Office, staff: User) -> dict[str, Category]:
    made = {}
    for position, (name, kinds, cap) in enumerate(CATEGORIES):
        category = Category.objects.filter(office=community, name=name).first() or Category(
            office=community, name=name, max_minutes=cap, position=position
        )
        made[name] = services.save_category(
            category=category, by=staff, team_kinds=TeamKind.objects.filter(name__in=kinds)
        )
    return made


def _day(rng: random.Random, today: datetime.date, days_back: int) -> datetime.date:
    """A day in the past that is neither a Wednesday nor a Saturday: the demo teams' afternoon
    shifts fall on those, and a volunteer's request time must not overlap their shifts (rule 5)."""
    day = today - datetime.timedelta(days=days_back)
    while day.weekday() in (2, 5):
        day -= datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _takers_for(need: Need, rng: random.Random, demo_volunteer: Volunteer | None) -> list[Volunteer]:
    open_to = [
        volunteer
        for volunteer in Volunteer.objects.filter(
            user__memberships__team__office=need.office,
            user__memberships__status=Membership.Status.ACTIVE,
        ).distinct()
        if Need.objects.open_to(volunteer).filter(pk=need.pk).exists()
    ]
    if demo_volunteer is not None and demo_volunteer in open_to:
        return [demo_volunteer]
    return rng.sample(open_to, min(need.places, len(open_to)))


def _set_moments(need: Need, created: datetime.datetime) -> None:
    """The request's stamps and history as they would have been, from `created` on (never later than now)."""
    need.refresh_from_db()
    now = timezone.now()
    taker = need.takers.order_by("taken_at").first()
    moments = {"created_at": created}
    events = {NeedEvent.Action.SUBMITTED: created, NeedEvent.Action.ACCEPTED: created + datetime.timedelta(hours=1)}
    if need.dispatched_at:
        moments["dispatched_at"] = events[NeedEvent.Action.DISPATCHED] = min(created + datetime.timedelta(hours=2), now)
    if taker is not None:
        taken = min(created + datetime.timedelta(hours=5), now)
        events[NeedEvent.Action.TAKEN] = taken
        need.takers.update(taken_at=taken)
        if need.taken_at:
            moments["taken_at"] = taken
    if need.done_at and taker is not None:
        done = taker.started_at + datetime.timedelta(minutes=taker.minutes)
        moments["done_at"] = events[NeedEvent.Action.FINISHED] = events[NeedEvent.Action.DONE] = done
        need.takers.update(finished_at=done)
    if need.closed_at:
        closed = min(moments.get("done_at", created) + datetime.timedelta(hours=20), now)
        moments["closed_at"] = closed
        for action in (NeedEvent.Action.CONFIRMED, NeedEvent.Action.CREDITED, NeedEvent.Action.REFUSED):
            events[action] = closed
        events[NeedEvent.Action.CANCELLED] = closed
    Need.objects.filter(pk=need.pk).update(**moments)
    for action, at in events.items():
        need.events.filter(action=action).update(at=at)


def _request(
    rng: random.Random,
    state: str,
    number: int,
    *,
    community: Office,
    categories: dict[str, Category],
    staff: User,
    resident: User,
    teams: list[Team],
    demo_volunteer: Volunteer | None,
) -> Need:
    today = timezone.localdate()
    # Only what a team of the community can take: the open board shows it to them.
    kinds = {team.kind.name for team in teams}
    name = rng.choice([name for name, takers, _cap in CATEGORIES if kinds.intersection(takers)])
    open_now = state in (Need.State.SUBMITTED, Need.State.ACCEPTED, Need.State.DISPATCHED, Need.State.TAKEN)
    day = today + datetime.timedelta(days=rng.randint(1, 5)) if open_now else _day(rng, today, rng.randint(3, 48))
    # Open requests were raised in the last day or so; the others the day before their window.
    created = min(
        _at(day - datetime.timedelta(days=1), 8, rng.choice([0, 15, 30, 45])),
        timezone.now() - datetime.timedelta(hours=rng.randint(3, 20)),
    )
    need = services.raise_need(
        by=resident if number % 3 == 0 else staff,
        office=community,
        category=categories[name],
        description=rng.choice(ASKS[name]),
        address=rng.choice(ADDRESSES).format(rng.randint(1, 12), rng.randint(1, 4), rng.randint(1, 6)),
        grid=rng.choice(GRIDS),
        window_starts=_at(day, 9),
        window_ends=_at(day, 18),
        resident_name=rng.choice(RESIDENTS),
        resident_phone=resident.phone if number % 3 == 0 else f"+86136{number:08d}",
        urgency=Need.Urgency.URGENT if number % 7 == 0 else Need.Urgency.NORMAL,
    )
    if state == Need.State.SUBMITTED:
        return need
    if state == Need.State.REFUSED:
        services.refuse(need=need, by=staff, reason="不在本社区服务范围，已转介到街道")
    elif state == Need.State.CANCELLED:
        services.cancel(need=need, by=staff, reason="居民家属已自行解决")
    else:
        services.accept(need=need, by=staff)
    if state in (Need.State.REFUSED, Need.State.CANCELLED, Need.State.ACCEPTED):
        _set_moments(need, created)
        return need
    team = next((team for team in teams if team.kind.need_categories.filter(pk=need.category_id).exists()), None)
    if team is not None and number % 2:
        services.dispatch(need=need, by=staff, audience=Need.Audience.TEAM, team=team)
    else:
        services.dispatch(need=need, by=staff, audience=Need.Audience.BOARD)
    if state == Need.State.DISPATCHED:
        _set_moments(need, created)
        return need
    takers = _takers_for(need, rng, demo_volunteer)
    for volunteer in takers:
        services.take(need=need, volunteer=volunteer)
    if state != Need.State.TAKEN:
        started = _at(day, 13, 30)
        minutes = rng.choice([45, 60, 60, 90])
        # The service starts after the taking (needs.services.check_started_at): the demo's
        # takings happened that morning; _set_moments below writes the history as a whole.
        need.takers.update(taken_at=min(started, timezone.now()) - datetime.timedelta(hours=2))
        for volunteer in takers:
            services.finish(
                need=need, volunteer=volunteer, started_at=started, minutes=minutes, note="已办好，居民满意"
            )
        if state == Need.State.CONFIRMED:
            by = resident if need.resident_id == resident.pk else staff
            services.confirm(need=need, by=by, rating=rng.choice([5, 5, 5, 4, 4, 3]), comment="志愿者很热心")
            if by == resident:  # then the office credits the time: nobody credits hours alone
                for taker in need.takers.all():
                    services.credit_again(
                        taker=taker,
                        by=staff,
                        minutes=services.credited_minutes(taker, need.category),
                        started_at=taker.started_at,
                    )
    _set_moments(need, created)
    return need


def _wish_wall(community: Office, staff: User, rng: random.Random, demo_volunteer: Volunteer | None) -> int:
    members = list(Volunteer.objects.filter(user__memberships__team__office=community).distinct()[:20])
    for number, (title, story, beneficiary) in enumerate(WISHES):
        wish = wishes.post_wish(by=staff, office=community, title=title, story=story, beneficiary=beneficiary)
        if number < 4:
            continue  # on the wall, waiting
        if number == 4:
            wishes.claim_wish(wish=wish, by=staff, unit_name="市供电公司第三党支部", unit_contact="13600000099")
            continue
        claimer = demo_volunteer if number == 5 and demo_volunteer else rng.choice(members)
        wishes.claim_wish(wish=wish, by=claimer.user, volunteer=claimer)
        if number >= 6:
            wishes.fulfil_wish(wish=wish, by=claimer.user, note="已送到孩子手中")
        if number == 7:
            wishes.confirm_wish(wish=wish, by=staff)
    return len(WISHES)


@transaction.atomic
def seed_demo_needs(rng: random.Random) -> dict[str, int]:
    communities = list(Office.objects.filter(name__in=COMMUNITIES).order_by("name"))
    if not communities or Need.objects.filter(office__in=communities).exists():
        return {"requests": 0, "wishes": 0}
    staff = User.objects.get(phone=STAFF_PHONE)
    resident = _resident(RESIDENT_PHONE)
    demo_volunteer = Volunteer.objects.filter(user__phone=VOLUNTEER_PHONE).first()
    home = next(office for office in communities if office.name == COMMUNITIES[0])
    plan = [state for state, count in STATES for _n in range(count)]
    rng.shuffle(plan)
    made = 0
    for number, state in enumerate(plan):
        community = home if number % 3 else communities[number % len(communities)]
        categories = _categories(community, staff)
        teams = list(Team.objects.filter(office=community, is_active=True).select_related("kind"))
        # The demo volunteer takes two requests of her community: one under way, one confirmed.
        mine = demo_volunteer if community == home and state in (Need.State.TAKEN, Need.State.CONFIRMED) else None
        if mine is not None and Need.objects.filter(takers__volunteer=mine, state=state).exists():
            mine = None
        _request(
            rng,
            state,
            number,
            community=community,
            categories=categories,
            staff=staff,
            resident=resident,
            teams=teams,
            demo_volunteer=mine,
        )
        made += 1
    grid_services.appoint_grid_worker(office=home, user=_resident(GRID_WORKER_PHONE), grid=GRID_WORKER_GRID, by=staff)
    return {"requests": made, "wishes": _wish_wall(home, staff, rng, demo_volunteer)}
