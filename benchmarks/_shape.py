"""ephios's data shape, in bulk, for the benchmarks that time pages (shifts.py, pages.py, ephios.py).

    from _shape import build  # after _setup, which sets up Django

One street office over communities of five teams each; a team for every 40 users (50 at
ephios's 2,000), everyone in one to three teams, the first user of each team its leader;
shifts two hours long spread from two months back to one month ahead, `signups` ÷
`shifts` confirmed sign-ups on each. So ten times the users is ten times the teams,
communities, shifts and sign-ups, while a volunteer's own teams keep their size.

Optional, for the pages that need them:

- `roster`: the first team's leader runs a shift under way now with this many
  confirmed people on it (ephios's "shift page with 90 people");
- `records`: ledger records dealt round-robin to every volunteer (so each has
  records ÷ users of them), in their first team's office, spread over the last
  `record_days` days, inserted with bulk_create as hours.ledger does (the append-only
  triggers stay on); every month before the last two is then closed through the real
  hours.months.close_month, so top lists and the dashboard read closes as they do live;
- an office staff member of the street (`staff` in the answer).
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from accounts.models import User
from hours.models import ServiceRecord
from hours.months import close_month, first_of_month, previous_month
from shifts.models import Shift, Signup
from teams.models import Membership, Office, OfficeStaff, Team, TeamKind
from volunteers.models import Volunteer

USERS_PER_TEAM = 40  # 50 teams at ephios's 2,000 users
TEAMS_PER_COMMUNITY = 5
CAPACITY = 40  # above the 30 sign-ups per shift at ephios's shape, so timed sign-ups are confirmed
BATCH = 2000


def _chunks(rows, size: int = BATCH):
    """Lists of `size` from an iterable, so that a 10× build never holds all its rows at once."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(
    rng: random.Random,
    users: int,
    shifts: int,
    signups: int,
    *,
    roster: int = 0,
    records: int = 0,
    record_days: int = 365,
) -> dict:
    """The data set. Returns what the timed requests need: `member` (a user in three
    teams), `leader` (the first team's leader), `leader_shift` (an upcoming shift of that
    team), `pairs` ((volunteer, shift) that may sign up: a member of the shift's team, not
    on it, free then), `street`, `staff`, and with `roster` the `roster_shift`."""
    now = timezone.now()
    team_count = max(1, users // USERS_PER_TEAM)
    street = Office.objects.create(name="街道", kind=Office.Kind.STREET)
    communities = Office.objects.bulk_create(
        Office(name=f"社区{n}", kind=Office.Kind.COMMUNITY, parent=street)
        for n in range(max(1, team_count // TEAMS_PER_COMMUNITY))
    )
    kind, _created = TeamKind.objects.get_or_create(name="银龄")
    teams = Team.objects.bulk_create(
        Team(office=communities[n % len(communities)], name=f"志愿服务队{n}", code=f"bench-{n}", kind=kind)
        for n in range(team_count)
    )
    unusable = make_password(None)  # force_login needs no password
    people = User.objects.bulk_create(
        (User(phone=f"+86139{n:08d}", password=unusable, phone_verified=True) for n in range(users)), batch_size=BATCH
    )
    volunteers = Volunteer.objects.bulk_create(
        (Volunteer(user=user, real_name=f"志愿者{n}") for n, user in enumerate(people)), batch_size=BATCH
    )
    # Everyone in one to three teams; the first team_count people lead a team each.
    members: dict[int, list[Volunteer]] = {team.pk: [] for team in teams}
    teams_of: dict[int, list[Team]] = {}
    for n, volunteer in enumerate(volunteers):
        chosen = rng.sample(teams, min(len(teams), rng.choice([1, 2, 3])))
        if n < team_count and teams[n] not in chosen:
            chosen.append(teams[n])
        teams_of[volunteer.pk] = chosen
        for team in chosen:
            members[team.pk].append(volunteer)
    first = members[teams[0].pk]
    if roster:  # the first team large enough for a shift of `roster` people and its leader
        outside = [v for v in volunteers if teams[0] not in teams_of[v.pk]]
        for volunteer in rng.sample(outside, max(0, min(len(outside), roster + 1 - len(first)))):
            teams_of[volunteer.pk].append(teams[0])
            first.append(volunteer)
    Membership.objects.bulk_create(
        (
            Membership(
                team=team,
                user_id=volunteer.user_id,
                role=Membership.Role.LEADER if n < team_count and team == teams[n] else Membership.Role.MEMBER,
                status="active",
                joined_on=now.date() - datetime.timedelta(days=record_days),
            )
            for n, volunteer in enumerate(volunteers)
            for team in teams_of[volunteer.pk]
        ),
        batch_size=BATCH,
    )
    # Two months back, one month ahead; whole hours, two hours long.
    planned = []
    for n in range(shifts):
        starts_at = (now + datetime.timedelta(days=rng.randint(-60, 30), hours=rng.randint(-12, 12))).replace(
            minute=0, second=0, microsecond=0
        )
        planned.append(
            Shift(
                team=teams[n % team_count],
                title=f"服务{n}",
                place="社区服务中心",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                capacity=CAPACITY,
                signup_closes_at=starts_at,
                cancel_deadline=starts_at - datetime.timedelta(hours=2),
            )
        )
    created = Shift.objects.bulk_create(planned, batch_size=BATCH)
    per_shift = signups // shifts
    busy: dict[int, list[Shift]] = {}

    def signed_up(shift: Shift, people_on_it):
        for volunteer in people_on_it:
            busy.setdefault(volunteer.pk, []).append(shift)
            yield Signup(
                shift=shift,
                volunteer=volunteer,
                status=Signup.Status.CONFIRMED,
                created_at=shift.starts_at - datetime.timedelta(days=3),
            )

    for chunk in _chunks(
        row
        for shift in created
        for row in signed_up(shift, rng.sample(members[shift.team_id], min(per_shift, len(members[shift.team_id]))))
    ):
        Signup.objects.bulk_create(chunk)

    answer = {"street": street}
    if roster:
        starts_at = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
        answer["roster_shift"] = Shift.objects.create(
            team=teams[0],
            title="社区大扫除",
            place="社区服务中心",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            capacity=roster + 10,
            signup_closes_at=starts_at,
            cancel_deadline=starts_at - datetime.timedelta(hours=2),
        )
        Signup.objects.bulk_create(signed_up(answer["roster_shift"], rng.sample(first[1:], roster)))
    if records:
        _ledger(records, record_days, volunteers, teams_of, now)
        month = previous_month(previous_month(first_of_month(now.date())))
        while month >= first_of_month(now.date() - datetime.timedelta(days=record_days)):
            close_month(office=street, month=month, by=None, today=now.date())
            month = previous_month(month)
    staff_user = User.objects.create(phone="+8613600000001", password=unusable, phone_verified=True)
    Volunteer.objects.create(user=staff_user, real_name="街道工作人员")
    OfficeStaff.objects.create(office=street, user=staff_user, role=OfficeStaff.Role.STAFF)

    upcoming = [shift for shift in created if shift.starts_at > now + datetime.timedelta(days=1)]
    multi = next(
        (
            volunteer
            for volunteer in volunteers[team_count:]
            if Membership.objects.filter(user_id=volunteer.user_id).count() == 3
        ),
        None,
    )
    assert multi is not None, f"no one in three teams: {users} users make {team_count} teams (120 make three)"
    # Sign-up pairs: a member of the shift's team, not on it, and free at that time.
    pairs, used_volunteers, used_shifts = [], set(), set()
    for shift in upcoming:
        if shift.pk in used_shifts:
            continue
        for volunteer in rng.sample(members[shift.team_id], len(members[shift.team_id])):
            held = busy.get(volunteer.pk, [])
            if volunteer.pk in used_volunteers or any(
                other.starts_at < shift.ends_at and shift.starts_at < other.ends_at for other in held
            ):
                continue  # also skips people already on this very shift: it overlaps itself
            pairs.append((volunteer, shift))
            used_volunteers.add(volunteer.pk)
            used_shifts.add(shift.pk)
            break
    return answer | {
        "member": multi.user,
        "leader": teams[0].memberships.get(role=Membership.Role.LEADER).user,
        "leader_shift": next(shift for shift in upcoming if shift.team_id == teams[0].pk),
        "pairs": pairs,
        "staff": staff_user,
        "team": teams[0],
    }


def _ledger(records: int, days: int, volunteers: list[Volunteer], teams_of: dict, now: datetime.datetime) -> None:
    """`records` attendance records, volunteer by volunteer in turn, one to three hours each."""
    zone = timezone.get_current_timezone()

    def record(n: int) -> ServiceRecord:
        volunteer = volunteers[n % len(volunteers)]
        team = teams_of[volunteer.pk][0]
        day = now.date() - datetime.timedelta(days=1 + n * 7919 % days)
        starts_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
        hours = 1 + n % 3
        return ServiceRecord(
            volunteer=volunteer,
            office_id=team.office_id,
            team=team,
            service_date=day,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            activity="社区服务",
            place="社区服务中心",
            responsible_person="队长",
            minutes=60 * hours,
            kind=ServiceRecord.Kind.ATTENDANCE,
            source_key=f"bench:{n}",
            recorded_at=starts_at + datetime.timedelta(hours=hours + 2),
            reported_month=first_of_month(day),
        )

    for chunk in _chunks(record(n) for n in range(records)):
        ServiceRecord.objects.bulk_create(chunk)


class _SharedHandler:
    """One request handler for every client, made on first use (after Django is set up), as
    an app server loads its middleware once. A new Client loads the whole stack on its first
    request, WhiteNoise indexing every static file: that cost each sign-up POST by a new
    person about fourteen trivial views more."""

    handler = None


def logged_in(user: User) -> Client:
    client = Client()
    _SharedHandler.handler = _SharedHandler.handler or client.handler
    client.handler = _SharedHandler.handler
    client.force_login(user)
    return client
