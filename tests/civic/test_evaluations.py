"""Evaluations: nomination and voting windows, vote limits, results frozen at close, masking."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from civic import evaluations
from civic.models import Evaluation, PointEntry, Vote
from hours.models import Honour
from teams.models import OfficeStaff
from tests.civic.conftest import give_points
from tests.factories import OfficeFactory, OfficeStaffFactory, UserFactory, VolunteerFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

NOMINATING = datetime.date(2026, 11, 5)
VOTING = datetime.date(2026, 11, 20)
AFTER = datetime.date(2026, 12, 1)


@pytest.fixture
def evaluation(team, staff):
    return Evaluation.objects.create(
        office=team.office,
        title="2026年度最美志愿者",
        nominations_from=datetime.date(2026, 11, 1),
        nominations_to=datetime.date(2026, 11, 10),
        voting_from=datetime.date(2026, 11, 15),
        voting_to=datetime.date(2026, 11, 25),
        seats=2,
        votes_per_voter=2,
        created_by=staff,
    )


@pytest.fixture
def nominees(evaluation, team, staff):
    people = [volunteer_in(team) for _ in range(3)]
    return [
        evaluations.nominate(
            evaluation=evaluation, volunteer=person, reason="常年探访独居老人", by=staff, today=NOMINATING
        )
        for person in people
    ]


def voters(team, how_many):
    return [volunteer_in(team).user for _ in range(how_many)]


@pytest.mark.parametrize("day", [datetime.date(2026, 10, 31), datetime.date(2026, 11, 11), VOTING])
def test_nominations_only_in_their_window(evaluation, team, staff, day):
    with pytest.raises(ValidationError):
        evaluations.nominate(evaluation=evaluation, volunteer=volunteer_in(team), reason="好", by=staff, today=day)


@pytest.mark.parametrize("day", [NOMINATING, datetime.date(2026, 11, 26)])
def test_votes_only_in_their_window(nominees, team, day):
    with pytest.raises(ValidationError, match="投票"):
        evaluations.vote(nomination=nominees[0], voter=voters(team, 1)[0], today=day)


def test_a_member_of_the_offices_teams_nominates_a_stranger_does_not(evaluation, team):
    member = volunteer_in(team).user
    evaluations.nominate(
        evaluation=evaluation, volunteer=volunteer_in(team), reason="热心", by=member, today=NOMINATING
    )

    with pytest.raises(ValidationError):
        evaluations.nominate(
            evaluation=evaluation, volunteer=volunteer_in(team), reason="热心", by=UserFactory(), today=NOMINATING
        )


def test_one_vote_per_voter_and_nominee_and_at_most_n_a_voter(nominees, team):
    (voter,) = voters(team, 1)
    evaluations.vote(nomination=nominees[0], voter=voter, today=VOTING)

    with pytest.raises(ValidationError):
        evaluations.vote(nomination=nominees[0], voter=voter, today=VOTING)
    evaluations.vote(nomination=nominees[1], voter=voter, today=VOTING)
    with pytest.raises(ValidationError, match="2"):
        evaluations.vote(nomination=nominees[2], voter=voter, today=VOTING)
    with pytest.raises(IntegrityError):
        Vote.objects.create(evaluation=nominees[0].evaluation, nomination=nominees[0], voter=voter)


@pytest.mark.parametrize(("voters_are", "outsider_may"), [("residents", True), ("volunteers", False), ("panel", False)])
def test_who_may_vote(evaluation, team, voters_are, outsider_may):
    evaluation.voters = voters_are
    evaluation.save()
    outsider = VolunteerFactory().user
    panellist = OfficeStaffFactory(office=team.office, user=UserFactory()).user
    evaluation.panel.add(panellist)

    assert evaluations.may_vote(outsider, evaluation) is outsider_may
    assert evaluations.may_vote(panellist, evaluation) is (voters_are != "volunteers")
    assert evaluations.may_vote(volunteer_in(team).user, evaluation) is (voters_are != "panel")


def test_closing_freezes_the_results_names_the_top_seats_and_honours_them(evaluation, nominees, team, staff):
    for index, count in enumerate([3, 1, 2]):
        for voter in voters(team, count):
            evaluations.vote(nomination=nominees[index], voter=voter, today=VOTING)
    with pytest.raises(ValidationError):
        evaluations.close(evaluation=evaluation, by=staff, today=VOTING)

    named = evaluations.close(evaluation=evaluation, by=staff, today=AFTER)

    assert [nomination.pk for nomination in named] == [nominees[0].pk, nominees[2].pk]
    assert set(Honour.objects.values_list("volunteer_id", flat=True)) == {n.volunteer_id for n in named}
    with pytest.raises(ValidationError):
        evaluations.vote(nomination=nominees[1], voter=voters(team, 1)[0], today=VOTING)  # closed: nothing changes
    with pytest.raises(ValidationError):
        evaluations.close(evaluation=evaluation, by=staff, today=AFTER)
    evaluation.refresh_from_db()
    results = evaluations.public_results(evaluation)
    assert [votes for _name, votes, _named in results] == [3, 2, 1]
    assert [name for name, _votes, _named in results] == [
        n.volunteer.public_name for n in (nominees[0], nominees[2], nominees[1])
    ]
    assert all(name.endswith("*") for name, _votes, _named in results)


def test_results_are_not_shown_before_they_are_frozen(nominees):
    assert evaluations.public_results(nominees[0].evaluation) == []


def test_the_evidence_is_the_years_hours_and_points(evaluation, nominees, team, policy):
    nominee = nominees[0].volunteer
    post(nominee, team, key="a", starts_at=at(datetime.date(2026, 6, 1)), minutes=120)
    post(nominee, team, key="b", starts_at=at(datetime.date(2025, 6, 1)), minutes=600)  # another year
    give_points(nominee, OfficeFactory(), 99)  # another office

    evidence = evaluations.evidence_for(evaluation, [nominee.pk])[nominee.pk]

    assert evidence == evaluations.Evidence(minutes=120, points=20)


# ---------------------------------------------------------------- a panel of named staff


@pytest.fixture
def panel_evaluation(evaluation):
    evaluation.voters = Evaluation.Voters.PANEL
    evaluation.save()
    return evaluation


def more_staff(team, how_many):
    return [OfficeStaffFactory(office=team.office, user=VolunteerFactory().user).user for _ in range(how_many)]


def test_only_the_named_panel_votes(panel_evaluation, nominees, team, staff, second_staff):
    evaluations.choose_panel(
        evaluation=panel_evaluation, members=[second_staff, *more_staff(team, 2)], today=NOMINATING
    )

    evaluations.vote(nomination=nominees[0], voter=second_staff, today=VOTING)

    for outsider in (staff, volunteer_in(team).user):  # staff not named, a volunteer of the office
        assert not evaluations.may_vote(outsider, panel_evaluation)
        with pytest.raises(ValidationError):
            evaluations.vote(nomination=nominees[0], voter=outsider, today=VOTING)
    assert Vote.objects.get().voter == second_staff


def test_a_panel_member_who_left_the_staff_no_longer_votes(panel_evaluation, nominees, team, second_staff):
    evaluations.choose_panel(
        evaluation=panel_evaluation, members=[second_staff, *more_staff(team, 2)], today=NOMINATING
    )
    OfficeStaff.objects.filter(user=second_staff).delete()
    departed = User.objects.get(pk=second_staff.pk)

    with pytest.raises(ValidationError):
        evaluations.vote(nomination=nominees[0], voter=departed, today=VOTING)
    assert not Vote.objects.exists()


def test_the_panel_is_chosen_from_the_offices_staff_before_voting(panel_evaluation, team, staff, second_staff):
    elsewhere = OfficeStaffFactory(office=OfficeFactory(), user=VolunteerFactory().user).user
    for members, day in (([elsewhere], NOMINATING), ([volunteer_in(team).user], NOMINATING), ([], NOMINATING)):
        with pytest.raises(ValidationError):
            evaluations.choose_panel(evaluation=panel_evaluation, members=members, today=day)
    with pytest.raises(ValidationError):
        evaluations.choose_panel(evaluation=panel_evaluation, members=[staff], today=VOTING)

    with pytest.raises(ValidationError, match="至少选择 3 名"):  # one or two alone would name whom they like
        evaluations.choose_panel(evaluation=panel_evaluation, members=[staff, second_staff], today=NOMINATING)
    others = more_staff(team, 2)
    evaluations.choose_panel(evaluation=panel_evaluation, members=[staff, second_staff, others[0]], today=NOMINATING)
    evaluations.choose_panel(evaluation=panel_evaluation, members=[second_staff, *others], today=NOMINATING)

    assert set(panel_evaluation.panel.all()) == {second_staff, *others}
    assert elsewhere not in evaluations.panel_candidates(panel_evaluation)
    assert {staff, second_staff} <= set(evaluations.panel_candidates(panel_evaluation))


def test_an_evaluation_voted_by_volunteers_has_no_panel(evaluation, staff):
    with pytest.raises(ValidationError):
        evaluations.choose_panel(evaluation=evaluation, members=[staff], today=NOMINATING)


def test_staff_choose_the_panel_on_the_page(client, team, staff, second_staff):
    today = timezone.localdate()
    evaluation = Evaluation.objects.create(
        office=team.office,
        title="评审团评选",
        nominations_from=today,
        nominations_to=today + datetime.timedelta(days=2),
        voting_from=today + datetime.timedelta(days=3),
        voting_to=today + datetime.timedelta(days=5),
        seats=1,
        votes_per_voter=1,
        voters=Evaluation.Voters.PANEL,
        created_by=staff,
    )
    client.force_login(staff)
    url = reverse("civic:evaluation_panel", args=[evaluation.pk])

    assert (
        second_staff.volunteer.real_name
        in client.get(reverse("civic:evaluation", args=[evaluation.pk])).content.decode()
    )
    assert client.get(url).status_code == 405
    panel = {second_staff, *more_staff(team, 2)}
    client.post(url, {"members": [member.pk for member in panel]})

    assert set(evaluation.panel.all()) == panel
    client.force_login(OfficeStaffFactory(office=OfficeFactory(), user=VolunteerFactory().user).user)
    assert client.post(url, {"members": []}).status_code == 404
    assert set(evaluation.panel.all()) == panel


def test_nobody_votes_for_themselves(evaluation, nominees, team):
    nominee = nominees[0].volunteer.user

    with pytest.raises(ValidationError, match="不能给自己"):
        evaluations.vote(nomination=nominees[0], voter=nominee, today=VOTING)
    evaluations.vote(nomination=nominees[1], voter=nominee, today=VOTING)

    assert list(Vote.objects.values_list("nomination", flat=True)) == [nominees[1].pk]


# ---------------------------------------------------------------- households (文明户)


@pytest.fixture
def household_evaluation(evaluation):
    evaluation.kind = Evaluation.Kind.HOUSEHOLD
    evaluation.title = "2026年度文明户"
    evaluation.save()
    return evaluation


def test_a_households_evidence_is_its_members_hours_and_points(household_evaluation, team, staff):
    father, mother, neighbour = (volunteer_in(team) for _ in range(3))
    for person, minutes in ((father, 60), (mother, 90), (neighbour, 600)):
        post(person, team, key=f"h{person.pk}", starts_at=at(datetime.date(2026, 3, 2)), minutes=minutes)
        give_points(person, team.office, 5, key=f"p{person.pk}")
    nomination = evaluations.nominate(
        evaluation=household_evaluation,
        volunteer=father,
        members=[mother, father],
        household="幸福里3号楼 王家",
        reason="邻里和睦",
        by=staff,
        today=NOMINATING,
    )

    evidence = evaluations.nomination_evidence(household_evaluation, [nomination])[nomination.pk]

    assert evidence.minutes == 150
    assert evidence.points == sum(points_of(person, team.office, 2026) for person in (father, mother))
    assert set(nomination.members.all()) == {mother}  # the one who stands for it is not listed twice


def points_of(volunteer, office, year):
    return sum(
        entry.points
        for entry in PointEntry.objects.filter(account__volunteer=volunteer, account__office=office)
        if entry.earned_on.year == year and entry.kind in (PointEntry.Kind.HOURS, PointEntry.Kind.DEED)
    )


def test_a_household_is_named_and_its_label_never_published(household_evaluation, team, staff):
    father = volunteer_in(team)
    with pytest.raises(ValidationError):  # a household needs its label
        evaluations.nominate(
            evaluation=household_evaluation, volunteer=father, reason="和睦", by=staff, today=NOMINATING
        )
    nomination = evaluations.nominate(
        evaluation=household_evaluation,
        volunteer=father,
        household="幸福里3号楼 王家",
        reason="邻里和睦",
        by=staff,
        today=NOMINATING,
    )
    evaluations.vote(nomination=nomination, voter=volunteer_in(team).user, today=VOTING)
    evaluations.close(evaluation=household_evaluation, by=staff, today=AFTER)
    household_evaluation.refresh_from_db()

    ((name, votes, named),) = evaluations.public_results(household_evaluation)

    assert named and votes == 1
    assert father.public_name in name and father.real_name not in name
    assert "幸福里" not in name


def test_a_person_evaluation_takes_no_households(evaluation, team, staff):
    with pytest.raises(ValidationError):
        evaluations.nominate(
            evaluation=evaluation,
            volunteer=volunteer_in(team),
            household="王家",
            reason="好",
            by=staff,
            today=NOMINATING,
        )


def test_a_household_is_nominated_on_the_page_and_shown_masked_on_the_results(client, team, staff):
    today = timezone.localdate()
    evaluation = Evaluation.objects.create(
        office=team.office,
        title="文明户评选",
        kind=Evaluation.Kind.HOUSEHOLD,
        nominations_from=today,
        nominations_to=today + datetime.timedelta(days=2),
        voting_from=today + datetime.timedelta(days=3),
        voting_to=today + datetime.timedelta(days=5),
        seats=1,
        votes_per_voter=1,
        created_by=staff,
    )
    father, mother = volunteer_in(team), volunteer_in(team)
    client.force_login(staff)

    client.post(
        reverse("civic:nominate", args=[evaluation.pk]),
        {
            "phone": father.user.phone,
            "household": "幸福里3号楼 王家",
            "member_phones": f"{mother.user.phone}、{father.user.phone}",
            "reason": "邻里和睦",
        },
    )

    nomination = evaluation.nominations.get()
    assert (nomination.volunteer, nomination.household, list(nomination.members.all())) == (
        father,
        "幸福里3号楼 王家",
        [mother],
    )
    page = client.get(reverse("civic:evaluation", args=[evaluation.pk])).content.decode()
    assert "幸福里3号楼 王家" in page and mother.real_name in page
    client.logout()
    assert "幸福里" not in client.get(reverse("civic:evaluation_results", args=[evaluation.pk])).content.decode()


def test_no_member_votes_for_their_own_household(household_evaluation, team, staff):
    father, mother = volunteer_in(team), volunteer_in(team)
    household = evaluations.nominate(
        evaluation=household_evaluation,
        volunteer=father,
        members=[mother],
        household="幸福里3号楼 王家",
        reason="邻里和睦",
        by=staff,
        today=NOMINATING,
    )

    with pytest.raises(ValidationError, match="自己家庭"):
        evaluations.vote(nomination=household, voter=mother.user, today=VOTING)
    evaluations.vote(nomination=household, voter=volunteer_in(team).user, today=VOTING)

    assert Vote.objects.count() == 1


def _named_household(evaluation, team, staff, *, label, votes):
    stands_for, partner = volunteer_in(team), volunteer_in(team)
    nomination = evaluations.nominate(
        evaluation=evaluation,
        volunteer=stands_for,
        members=[partner],
        household=label,
        reason="邻里和睦",
        by=staff,
        today=NOMINATING,
    )
    for voter in voters(team, votes):
        evaluations.vote(nomination=nomination, voter=voter, today=VOTING)
    return nomination


def test_closing_honours_every_member_of_a_named_household_and_no_one_else(household_evaluation, team, staff):
    household_evaluation.seats = 1
    household_evaluation.save()
    named = _named_household(household_evaluation, team, staff, label="幸福里3号楼 王家", votes=2)
    not_named = _named_household(household_evaluation, team, staff, label="幸福里5号楼 李家", votes=1)

    evaluations.close(evaluation=household_evaluation, by=staff, today=AFTER)

    honours = Honour.objects.filter(office=team.office)
    assert sorted(honours.values_list("volunteer_id", "title", "period")) == sorted(
        (person.pk, Honour.Title.CIVILISED_HOUSEHOLD, "2026") for person in (named.volunteer, *named.members.all())
    )
    assert not honours.filter(volunteer__in=[not_named.volunteer, *not_named.members.all()]).exists()
    assert honours.first().awarded_by == staff


def test_a_household_honour_shows_on_the_profile_and_is_revoked_like_any_other(
    household_evaluation, team, staff, client
):
    named = _named_household(household_evaluation, team, staff, label="幸福里3号楼 王家", votes=1)
    evaluations.close(evaluation=household_evaluation, by=staff, today=AFTER)
    partner = named.members.get()
    honour = Honour.objects.get(volunteer=partner)
    client.force_login(staff)
    assert "文明户" in client.get(partner.get_absolute_url()).content.decode()

    response = client.post(reverse("hours:honour_revoke", args=[honour.pk]))

    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.revoked_by == staff
    assert not Honour.objects.current().filter(volunteer=partner).exists()
    assert Honour.objects.current().filter(volunteer=named.volunteer).exists()  # the others keep theirs
    assert "文明户" not in client.get(partner.get_absolute_url()).content.decode()


def test_someone_honoured_by_hand_keeps_that_one_household_honour(household_evaluation, team, staff):
    named = _named_household(household_evaluation, team, staff, label="幸福里3号楼 王家", votes=1)
    by_hand = Honour.objects.create(
        volunteer=named.volunteer, office=team.office, title=Honour.Title.CIVILISED_HOUSEHOLD, period="2026"
    )

    evaluations.close(evaluation=household_evaluation, by=staff, today=AFTER)

    assert list(Honour.objects.filter(volunteer=named.volunteer)) == [by_hand]
