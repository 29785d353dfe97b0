"""Points, supermarket and reporting rows of the permission world (tests/test_permission_matrix.py),
made on first use: community A gives points, member A holds some and has an order waiting,
a good deed of member A waits for a second member of staff, and member A, a party member,
has reported to community A."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from civic import evaluations, points, reporting, shop, units
from civic.models import (
    Evaluation,
    GoodDeed,
    Nomination,
    Order,
    PartyReport,
    PointEntry,
    PointsPolicy,
    ServicePost,
    ShopItem,
    UnitRegistration,
)
from teams.models import PartnerUnit
from tests.civic.factories import GoodDeedKindFactory, ShopItemFactory
from tests.factories import OfficeStaffFactory, VolunteerFactory
from tests.permission_world import COMMUNITY_A_STAFF, World


@dataclass(frozen=True)
class CivicA:
    item: ShopItem
    order: Order  # member A's, waiting for pickup
    deed: GoodDeed  # member A's, recorded by another member of community A's staff
    report: PartyReport  # member A (a party member) reported to community A, waiting
    nomination: Nomination  # member A, nominated in community A's evaluation, whose voting is on today


def civic_a(world: World) -> CivicA:
    if not hasattr(world, "_civic_a"):
        office, member = world.community_a, world.member_a.volunteer
        PointsPolicy.objects.create(office=office, points_per_hour=10)
        PointEntry.objects.create(
            account=points.account_for(office=office, volunteer=member),
            points=100,
            kind=PointEntry.Kind.DEED,
            earned_on=timezone.localdate() - datetime.timedelta(days=3),
            source_key="matrix:points-a",
        )
        item = ShopItemFactory(office=office, name="甲社区爱心大米", price=10, stock=5)
        recorder = OfficeStaffFactory(office=office, user=VolunteerFactory(real_name="郑社区干事").user).user
        deed = points.record_deed(
            office=office,
            volunteer=member,
            kind=GoodDeedKindFactory(office=office, name="调解纠纷", points=5),
            done_on=timezone.localdate(),
            note="",
            by=recorder,
        )
        member.is_party_member = True
        member.save()
        report = reporting.submit_report(
            volunteer=member,
            office=office,
            unit=PartnerUnit.objects.create(office=office, name="甲区税务局"),
            grid="第一网格",
            skills="",
            posts=[ServicePost.objects.create(office=office, name="政策宣传")],
        )
        today = timezone.localdate()
        evaluation = Evaluation.objects.create(
            office=office,
            title="甲社区最美志愿者评选",
            nominations_from=today - datetime.timedelta(days=10),
            nominations_to=today - datetime.timedelta(days=1),
            voting_from=today,
            voting_to=today + datetime.timedelta(days=5),
            seats=1,
            votes_per_voter=2,
            created_by=recorder,
        )
        nomination = evaluations.nominate(
            evaluation=evaluation, volunteer=member, reason="常年助老", by=recorder, today=evaluation.nominations_to
        )
        world._civic_a = CivicA(
            item=item,
            order=shop.place_order(volunteer=member, item=item),
            deed=deed,
            report=report,
            nomination=nomination,
        )
    return world._civic_a


UNIT_PHONE = "13912340000"


def unit_registration_a(world: World) -> UnitRegistration:
    """Member A registers their unit (甲区统计局) with community A; it waits for its staff."""
    if not hasattr(world, "_unit_registration_a"):
        world._unit_registration_a = units.submit_registration(
            office=world.community_a,
            name="甲区统计局",
            party_branch="机关党支部",
            contact_name=world.member_a.name,
            contact_phone=UNIT_PHONE,
            by=world.member_a.volunteer.user,
        )
    return world._unit_registration_a


def unit_a(world: World) -> PartnerUnit:
    """Member A's registration approved by community A's staff: member A is the unit's contact."""
    registration = UnitRegistration.objects.get(pk=unit_registration_a(world).pk)
    if registration.state == UnitRegistration.State.PENDING:
        registration = units.decide_registration(
            registration=registration, approved=True, by=world.users[COMMUNITY_A_STAFF]
        )
    return registration.unit
