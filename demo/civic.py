"""Demo points and love supermarket: rules for both communities before the hours are posted
(so the demo's hours earn points as real ones do), then a catalogue, good deeds and orders;
and 和平里's partner units with the party members who reported to it, a shift one ran with a
team and a micro-wish it fulfilled.

Idempotent like the rest of the demo: rules, items and kinds are found by name, and deeds
and orders are only made when the office has none yet.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from civic import evaluations, points, reporting, shop, units
from civic.models import (
    Evaluation,
    GoodDeed,
    GoodDeedKind,
    Order,
    PartyReport,
    PointEntry,
    PointsPolicy,
    ReportingTarget,
    ServicePost,
    ShopItem,
)
from demo.people import COMMUNITIES, STAFF_PHONE, STREET, VOLUNTEER_PHONE, _user
from needs import wishes
from needs.models import Need, WishClaim
from shifts.models import Attendance, Shift
from shifts.services import update_shift
from teams.models import Membership, Office, OfficeStaff, PartnerUnit
from volunteers.models import Volunteer

# (community index, points per credited hour, lapse yearly)
RULES = [(0, 10, False), (1, 1, True)]
CATALOGUE = [
    ("爱心大米 5 斤", "东北大米，每月 20 日补货。", 150, 12),
    ("食用油 1 桶", "", 200, 8),
    ("洗衣液", "", 80, 20),
    ("免费理发一次", "邻里便民服务队提供，周六上午。", 30, 50),
    ("毛巾两条", "", 40, 0),
]
DEEDS = [("调解纠纷", 5), ("帮助困难居民", 10), ("见义勇为", 30), ("抢险救灾", 20)]
# 和平里's partner units (name, party branch, contact) and its service posts.
UNITS = [("市税务局第三分局", "第二党支部", "刘建华"), ("区人民医院", "内科党支部", "孙丽萍")]
POSTS = ["政策宣传", "法律服务", "医疗保健", "助老助残", "文明创建", "治安巡逻"]
COMMENTS = ["积极参加社区活动，服务热情。", "按时参加巡逻，群众反映好。", "发挥专业所长，开展政策宣传。"]
# Each unit's projects (共建项目): (title, what the unit does), one this quarter and one the last.
PROJECTS = {
    "市税务局第三分局": [
        ("个税政策进社区", "每月第一个周六上午，社区服务中心"),
        ("清洁家园志愿行动", "党员志愿服务队的周末清扫"),
    ],
    "区人民医院": [("义诊进社区", "内科医生每季度两次坐诊"), ("老年人健康讲座", "社区活动室")],
}
# A micro-wish the first unit claimed and fulfilled: (title, story, for whom, how).
UNIT_WISH = ("一台助听器", "独居老人耳背多年，想听清孙子的电话。", "和平里3号楼 赵大爷", "单位党员凑钱购买并上门调试")
REPORTED = 6  # of 和平里's party members; the last two wait for the community's confirmation
# A second member of staff, of 阳光社区, who records good deeds for the demo's staff to confirm.
RECORDER_PHONE = "+8613800000006"


def seed_points_rules() -> None:
    """Before the demo's hours are posted: an office's points follow hours posted after its rules."""
    street = Office.objects.get(name=STREET, parent=None)
    for community, per_hour, lapses in RULES:
        office = Office.objects.get(name=COMMUNITIES[community], parent=street)
        PointsPolicy.objects.get_or_create(
            office=office, defaults={"points_per_hour": per_hour, "expires_yearly": lapses}
        )


@transaction.atomic
def seed_demo_points(rng: random.Random) -> dict[str, int]:
    office = Office.objects.get(name=COMMUNITIES[0], parent__name=STREET)
    staff = _user(STAFF_PHONE, {})
    recorder = _user(RECORDER_PHONE, {"real_name": "陈丽娟", "id_number": "", "grid": ""})
    OfficeStaff.objects.get_or_create(office=office, user=recorder)
    items = [
        ShopItem.objects.get_or_create(
            office=office, name=name, defaults={"description": text, "price": price, "stock": stock}
        )[0]
        for name, text, price, stock in CATALOGUE
    ]
    kinds = [
        GoodDeedKind.objects.get_or_create(office=office, name=name, defaults={"points": amount})[0]
        for name, amount in DEEDS
    ]
    members = list(
        Volunteer.objects.filter(
            user__memberships__team__office=office, user__memberships__status=Membership.Status.ACTIVE
        )
        .exclude(user__phone__in=[STAFF_PHONE, RECORDER_PHONE])
        .distinct()
        .order_by("pk")
    )
    deeds = (
        0 if GoodDeed.objects.filter(office=office).exists() else _deeds(rng, office, kinds, members, staff, recorder)
    )
    orders = 0 if Order.objects.filter(account__office=office).exists() else _orders(rng, office, items, members, staff)
    reports = _party_reports(rng, staff)
    _closed_evaluation(rng, office, members, staff)
    return {"deeds": deeds, "orders": orders, "reports": reports, "point_entries": PointEntry.objects.count()}


def _closed_evaluation(rng, office, members, staff) -> None:
    """Last month's 最美志愿者 of 阳光社区, voted on by its volunteers and closed: winners to show."""
    title = "阳光社区最美志愿者评选"
    if Evaluation.objects.filter(office=office, title=title).exists():
        return
    today = timezone.localdate()
    evaluation = evaluations.open_evaluation(
        evaluation=Evaluation(
            office=office,
            title=title,
            nominations_from=today - datetime.timedelta(days=40),
            nominations_to=today - datetime.timedelta(days=30),
            voting_from=today - datetime.timedelta(days=25),
            voting_to=today - datetime.timedelta(days=15),
            seats=2,
            votes_per_voter=2,
            created_by=staff,
        )
    )
    nominations = [
        evaluations.nominate(
            evaluation=evaluation, volunteer=nominee, reason="热心服务邻里", by=staff, today=evaluation.nominations_to
        )
        for nominee in rng.sample(members, min(5, len(members)))
    ]
    for voter in rng.sample(members, min(30, len(members))):
        for nomination in rng.sample(nominations, 2):
            evaluations.vote(nomination=nomination, voter=voter.user, today=evaluation.voting_to)
    evaluations.close(evaluation=evaluation, by=staff, today=today)


def _party_reports(rng, staff) -> int:
    office = Office.objects.get(name=COMMUNITIES[1], parent__name=STREET)
    units_ = [
        PartnerUnit.objects.get_or_create(
            office=office, name=name, defaults={"party_branch": branch, "contact_name": contact}
        )[0]
        for name, branch, contact in UNITS
    ]
    posts = [ServicePost.objects.get_or_create(office=office, name=name)[0] for name in POSTS]
    ReportingTarget.objects.get_or_create(office=office, defaults={"activities": 4, "hours": 50})
    _unit_projects(units_, staff)
    _unit_work(units_[0], staff)
    if PartyReport.objects.filter(office=office).exists():
        return 0
    party_members = list(
        Volunteer.objects.filter(
            is_party_member=True,
            user__memberships__team__office=office,
            user__memberships__status=Membership.Status.ACTIVE,
        )
        .exclude(user__phone__in=[STAFF_PHONE, RECORDER_PHONE])
        .distinct()
        .order_by("pk")[:REPORTED]
    )
    for number, volunteer in enumerate(party_members):
        report = reporting.submit_report(
            volunteer=volunteer,
            office=office,
            unit=units_[number % len(units_)],
            grid=volunteer.grid or "第一网格",
            skills=volunteer.skills,
            posts=rng.sample(posts, 2),
        )
        if number < len(party_members) - 2:
            reporting.decide_report(report=report, approved=True, by=staff)
            # The community's comment for this quarter's feedback sheet to the unit.
            reporting.write_comment(report=report, quarter=timezone.localdate(), text=rng.choice(COMMENTS), by=staff)
    return len(party_members)


def _unit_projects(partner_units, staff) -> None:
    """A project this quarter and one last quarter per unit, for its page and feedback sheet."""
    this_quarter = reporting.quarter_of(timezone.localdate())
    last_quarter = reporting.quarter_of(this_quarter[0] - datetime.timedelta(days=1))
    for unit in partner_units:
        if unit.projects.exists():
            continue
        quarters = (this_quarter, last_quarter)
        for (title, description), (start, end) in zip(PROJECTS[unit.name], quarters, strict=True):
            units.add_project(
                unit=unit,
                title=title,
                starts_on=start,
                ends_on=min(start + datetime.timedelta(days=30), end),
                description=description,
                by=staff,
            )


def _unit_work(unit: PartnerUnit, staff) -> None:
    """The unit ran the community's latest shift with posted hours as a partner, served a
    resident's request (the latest credited one, as if dispatched with it), and claimed and
    fulfilled a micro-wish: its page and feedback sheet list them from their records."""
    if not Shift.objects.filter(partner_unit=unit).exists():
        shift = (
            Shift.objects.filter(
                team__office=unit.office, is_cancelled=False, attendances__review_state=Attendance.Review.POSTED
            )
            .select_related("team")
            .order_by("-starts_at")
            .first()
        )
        if shift is not None:
            shift.partner_unit = unit
            update_shift(shift=shift, changed=["partner_unit"])
    if not Need.objects.filter(partner_unit=unit).exists():
        served = (
            Need.objects.filter(office=unit.office, state=Need.State.CONFIRMED, takers__posted_record__isnull=False)
            .order_by("-closed_at")
            .first()
        )
        if served is not None:
            Need.objects.filter(pk=served.pk).update(partner_unit=unit)
    if not WishClaim.objects.filter(unit=unit).exists():
        title, story, beneficiary, note = UNIT_WISH
        wish = wishes.post_wish(by=staff, office=unit.office, title=title, story=story, beneficiary=beneficiary)
        wishes.claim_wish(wish=wish, by=staff, unit=unit)
        wishes.fulfil_wish(wish=wish, by=staff, note=note)
        wishes.confirm_wish(wish=wish, by=staff)


def _deeds(rng, office, kinds, members, staff, recorder) -> int:
    today = timezone.localdate()
    chosen = rng.sample(members, min(8, len(members)))
    for number, volunteer in enumerate(chosen):
        # The recorder writes them down; the demo's staff has confirmed most, and one of the
        # staff's own waits for the recorder (nobody confirms their own).
        by = staff if number == len(chosen) - 1 else recorder
        deed = points.record_deed(
            office=office,
            volunteer=volunteer,
            kind=rng.choice(kinds),
            done_on=today - datetime.timedelta(days=rng.randint(1, 60)),
            note="",
            by=by,
        )
        if number < len(chosen) - 3:
            points.decide_deed(deed=deed, approved=True, by=staff)
    return len(chosen)


def _orders(rng, office, items, members, staff) -> int:
    demo_volunteer = Volunteer.objects.get(user__phone=VOLUNTEER_PHONE)
    in_stock = [item for item in items if item.stock]
    made = 0
    shoppers = [demo_volunteer, *rng.sample(members, min(10, len(members)))]
    for number, volunteer in enumerate(dict.fromkeys(shoppers)):
        available = points.account_for(office=office, volunteer=volunteer).available()
        affordable = [item for item in in_stock if item.price <= available]
        if not affordable:
            continue
        order = shop.place_order(volunteer=volunteer, item=rng.choice(affordable))
        made += 1
        # The demo volunteer's order waits, with its pickup code; of the others, most are collected.
        if volunteer == demo_volunteer or number % 4 == 1:
            continue
        if number % 4 == 3:
            shop.cancel_order(order=order, by=volunteer.user)
        else:
            shop.hand_over(code=order.pickup_code, office=office, by=staff)
    return made
