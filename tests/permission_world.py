"""One small world for the URL × role permission matrix (tests/test_permission_matrix.py).

    街道 (street office) ── staff: `street` (with the PII flag)
    ├── 社区A ── staff: `community_a` (no PII flag)
    │   └── team A: leader `leader_a`, member `member_a`, a pending applicant;
    │       a shift for the team only, member A signed up
    └── 社区B
        └── team B: leader `leader_b`, a member

plus `volunteer` (a profile, no team), `grid_a` (a volunteer with no team who is the grid
worker of 社区A's 第一网格), `newcomer` (signed up, no profile yet),
`superuser` (no profile either: createsuperuser makes none) and the anonymous visitor.

People of team A get fixed, distinctive names and numbers so that a page can be
searched for them: a name like 志愿者1 would also be found inside 志愿者12.
"""

import datetime
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.phones import mask_phone, national_phone
from hours import ledger, requests
from hours.models import BackfillRequest, CorrectionRequest, ServiceRecord
from shifts.models import Shift, ShiftSeries, Signup
from teams.models import GridWorker, Membership, Office, Team
from tests.factories import (
    LeaderFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeStaffFactory,
    ShiftFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    resident_id,
)
from volunteers.identity import mask_id_number
from volunteers.models import Volunteer

ANONYMOUS = "anonymous"
NEWCOMER = "newcomer"
VOLUNTEER = "volunteer"
MEMBER_A = "member_a"
LEADER_A = "leader_a"
LEADER_B = "leader_b"
COMMUNITY_A_STAFF = "community_a"
STREET_STAFF = "street"
SUPERUSER = "superuser"
GRID_A = "grid_a"
GRID_A_GRID = "第一网格"

# The matrix columns, in this order.
ROLES = (
    ANONYMOUS,
    NEWCOMER,
    VOLUNTEER,
    MEMBER_A,
    LEADER_A,
    LEADER_B,
    COMMUNITY_A_STAFF,
    STREET_STAFF,
    SUPERUSER,
    GRID_A,
)


@dataclass(frozen=True)
class Person:
    """What a page may show of someone: full or masked, never both."""

    volunteer: Volunteer

    @property
    def name(self) -> str:
        return self.volunteer.real_name

    @property
    def full_phone(self) -> str:
        return national_phone(self.volunteer.user.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.volunteer.user.phone)

    @property
    def full_id_number(self) -> str:
        return self.volunteer.id_number

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.volunteer.id_number)

    @property
    def emergency_phone(self) -> str:
        return self.volunteer.emergency_contact_phone


@dataclass
class World:
    street: Office
    community_a: Office
    community_b: Office
    team_a: Team
    team_b: Team
    users: dict[str, User | None]
    member_a: Person  # the person whose page /volunteers/<pk>/ the matrix opens
    leader_a: Person
    applicant_a: Person  # asked to join team A, waiting
    member_b: Person
    member_a_membership: Membership
    applicant_membership: Membership
    shift_a: Shift  # not public: team A's members and those who run team A
    member_a_signup: Signup
    series_a: ShiftSeries  # a recurring series of team A, not yet materialised
    record_a: ServiceRecord  # member A's service for team A, recorded by community A
    correction_a: CorrectionRequest  # member A asks for record A to be corrected, waiting
    backfill_a: BackfillRequest  # leader A asks for a backfill for member A, waiting
    invitation_a: Membership  # team A's roster import invited the volunteer, who has not answered

    @property
    def team_a_people(self) -> list[Person]:
        return [self.member_a, self.leader_a, self.applicant_a]

    def client_for(self, role: str, **client_options) -> Client:
        client = Client(**client_options)
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


def _person(name: str, phone: str, id_serial: int, **fields) -> Volunteer:
    # Men's serials are odd, the factory's women's even: the ID numbers never collide.
    return VolunteerFactory(
        real_name=name, user__phone=phone, id_number=resident_id(id_serial, male=True), gender="male", **fields
    )


def build_world() -> World:
    street = OfficeFactory(name="金水街道")
    community_a = OfficeFactory(name="甲社区", kind=Office.Kind.COMMUNITY, parent=street)
    community_b = OfficeFactory(name="乙社区", kind=Office.Kind.COMMUNITY, parent=street)
    team_a = TeamFactory(office=community_a, name="甲队银龄服务队", join_policy=Team.JoinPolicy.APPROVAL)
    team_b = TeamFactory(office=community_b, name="乙队环保服务队", join_policy=Team.JoinPolicy.APPROVAL)

    member_a = _person(
        "王甲队员", "+8613912345678", 101, emergency_contact_name="王家属", emergency_contact_phone="13698765432"
    )
    member_a_membership = MembershipFactory(team=team_a, user=member_a.user)
    leader_a = _person("张甲队长", "+8613922223333", 103)
    LeaderFactory(team=team_a, user=leader_a.user)
    applicant_a = _person("李甲申请", "+8613944445555", 105)
    applicant_membership = MembershipFactory(
        team=team_a, user=applicant_a.user, status=Membership.Status.PENDING, joined_on=None
    )
    leader_b = VolunteerFactory(real_name="赵乙队长")
    LeaderFactory(team=team_b, user=leader_b.user)
    member_b = _person("钱乙队员", "+8613966667777", 107)
    MembershipFactory(team=team_b, user=member_b.user)

    community_staff = VolunteerFactory(real_name="孙社区干事").user
    OfficeStaffFactory(office=community_a, user=community_staff, can_view_pii=False)
    street_staff = VolunteerFactory(real_name="周街道干事").user
    OfficeStaffFactory(office=street, user=street_staff, can_view_pii=True)

    shift_a = ShiftFactory(team=team_a, title="甲队周六助老", is_public=False)
    member_a_signup = Signup.objects.create(shift=shift_a, volunteer=member_a, status=Signup.Status.CONFIRMED)
    series_a = ShiftSeries.objects.create(
        team=team_a,
        title="六点半课堂",
        place="社区活动室",
        weekdays="012345",
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 0),
        first_date=datetime.date(2027, 3, 1),
        last_date=datetime.date(2027, 6, 30),
        capacity=6,
    )

    served = timezone.localtime(timezone.now() - datetime.timedelta(days=40)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    record_a = ledger.post_record(
        volunteer=member_a,
        service=ledger.Service(
            office=community_a,
            team=team_a,
            service_date=served.date(),
            starts_at=served,
            ends_at=served + datetime.timedelta(hours=3),
            activity="甲队敬老院探访",
        ),
        minutes=120,
        kind=ServiceRecord.Kind.ATTENDANCE,
        source_key="world:record-a",
        recorded_by=leader_a.user,
    )
    correction_a = requests.ask_correction(record=record_a, by=member_a.user, minutes=180, reason="签退漏扫")
    backfill_a = requests.ask_backfill(
        team=team_a,
        volunteer=member_a,
        by=leader_a.user,
        starts_at=served - datetime.timedelta(days=1),
        ends_at=served - datetime.timedelta(days=1) + datetime.timedelta(hours=2),
        activity="甲队垃圾分类宣传",
        minutes=120,
        reason="扫码器没电",
    )

    users = {
        ANONYMOUS: None,
        NEWCOMER: UserFactory(),
        VOLUNTEER: VolunteerFactory(real_name="吴志愿者").user,
        MEMBER_A: member_a.user,
        LEADER_A: leader_a.user,
        LEADER_B: leader_b.user,
        COMMUNITY_A_STAFF: community_staff,
        STREET_STAFF: street_staff,
        SUPERUSER: UserFactory(is_superuser=True, is_staff=True),
        GRID_A: VolunteerFactory(real_name="郑网格员").user,
    }
    GridWorker.objects.create(office=community_a, user=users[GRID_A], grid=GRID_A_GRID)
    assert set(users) == set(ROLES)
    invitation_a = MembershipFactory(
        team=team_a, user=users[VOLUNTEER], status=Membership.Status.INVITED, joined_on=None
    )
    return World(
        street=street,
        community_a=community_a,
        community_b=community_b,
        team_a=team_a,
        team_b=team_b,
        users=users,
        member_a=Person(member_a),
        leader_a=Person(leader_a),
        applicant_a=Person(applicant_a),
        member_b=Person(member_b),
        member_a_membership=member_a_membership,
        applicant_membership=applicant_membership,
        shift_a=shift_a,
        member_a_signup=member_a_signup,
        series_a=series_a,
        record_a=record_a,
        correction_a=correction_a,
        backfill_a=backfill_a,
        invitation_a=invitation_a,
    )
