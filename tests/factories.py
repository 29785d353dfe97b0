import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from teams.models import Membership, Office, OfficeStaff, PartnerUnit, Team, TeamKind
from volunteers.identity import check_char
from volunteers.models import Volunteer

PASSWORD = "correct-horse-9"


def resident_id(serial: int, birth: datetime.date = datetime.date(1960, 5, 1), male: bool = True) -> str:
    first17 = f"410102{birth:%Y%m%d}{(serial % 500) * 2 + (1 if male else 0):03d}"
    return first17 + check_char(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    phone_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory)
    real_name = factory.Sequence(lambda n: f"志愿者{n}")
    gender = Volunteer.Gender.FEMALE
    id_type = Volunteer.IdType.RESIDENT
    id_number = factory.Sequence(lambda n: resident_id(n, male=False))


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"街道{n}")
    kind = Office.Kind.STREET


class CommunityFactory(OfficeFactory):
    name = factory.Sequence(lambda n: f"社区{n}")
    kind = Office.Kind.COMMUNITY
    parent = factory.SubFactory(OfficeFactory)


class OfficeStaffFactory(DjangoModelFactory):
    class Meta:
        model = OfficeStaff

    office = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = OfficeStaff.Role.STAFF


class TeamKindFactory(DjangoModelFactory):
    class Meta:
        model = TeamKind
        django_get_or_create = ("name",)

    name = "银龄"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    office = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    code = factory.Sequence(lambda n: f"team-{n}")
    kind = factory.SubFactory(TeamKindFactory)
    join_policy = Team.JoinPolicy.OPEN


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    joined_on = datetime.date(2026, 1, 5)


class LeaderFactory(MembershipFactory):
    role = Membership.Role.LEADER


class PartnerUnitFactory(DjangoModelFactory):
    class Meta:
        model = PartnerUnit

    office = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"共建单位{n}")


def volunteer_in(team: Team, role: str = Membership.Role.MEMBER) -> Volunteer:
    volunteer = VolunteerFactory()
    MembershipFactory(team=team, user=volunteer.user, role=role)
    return volunteer


class ShiftFactory(DjangoModelFactory):
    class Meta:
        model = "shifts.Shift"
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"服务{n}")
    place = "社区服务中心"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda shift: shift.starts_at + datetime.timedelta(hours=2))
    capacity = 5
    signup_closes_at = factory.LazyAttribute(lambda shift: shift.starts_at)
    cancel_deadline = factory.LazyAttribute(lambda shift: shift.starts_at - datetime.timedelta(hours=2))

    @factory.post_generation
    def planned_ahead(shift, create, extracted, **kwargs):
        """A shift is planned before it starts (created_at is set on insert): one made after
        it ended is the exception its tests ask for, with planned_ahead=False."""
        if create and extracted is not False and shift.created_at > shift.starts_at:
            shift.created_at = shift.starts_at - datetime.timedelta(days=1)
            type(shift).objects.filter(pk=shift.pk).update(created_at=shift.created_at)
