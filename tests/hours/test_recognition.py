import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from accounts.phones import national_phone
from hours import ledger, months, recognition, requests
from hours.models import Honour, MonthClose
from teams.models import Membership
from teams.permissions import may_see_recognition, office_tree_ids
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import at, post

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def office(team):
    return team.office


def stars_told(volunteer) -> int:
    return Notification.objects.filter(user=volunteer.user, message__contains="★").count()


# ---------------------------------------------------------------- star notifications


def test_99_h_59_min_earns_no_star_and_100_h_one_star_told_once(team):
    volunteer = volunteer_in(team)

    post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 1)), minutes=100 * 60 - 1)
    assert stars_told(volunteer) == 0

    post(volunteer, team, key="b", starts_at=at(datetime.date(2026, 3, 10)), minutes=1)
    assert stars_told(volunteer) == 1
    assert "★" in Notification.objects.get(user=volunteer.user).message
    assert Notification.objects.get(user=volunteer.user).link == reverse("hours:my_hours")

    post(volunteer, team, key="c", starts_at=at(datetime.date(2026, 3, 11)), minutes=60)
    post(volunteer, team, key="b", starts_at=at(datetime.date(2026, 3, 10)), minutes=1)  # posted twice: same record
    assert stars_told(volunteer) == 1


def test_the_offices_own_thresholds_apply(team):
    team.office.star_thresholds = [2, 4]
    team.office.save()
    volunteer = volunteer_in(team)

    post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 1)), minutes=120)

    assert stars_told(volunteer) == 1


@pytest.mark.parametrize(
    ("before", "after", "stars"),
    [
        (0, 5999, 0),
        (5999, 6000, 1),
        (6000, 6060, 0),  # already 1★
        (5999, 18000, 2),  # over two thresholds at once: one notification, the new level
        (6000, 5999, 0),  # going down is never told
    ],
)
def test_notify_new_star_at_the_edges(before, after, stars):
    volunteer = VolunteerFactory()

    assert recognition.notify_new_star(volunteer, before, after, thresholds=(100, 300)) == stars
    assert stars_told(volunteer) == (1 if stars else 0)


# ---------------------------------------------------------------- periods and lists


def test_period_for():
    today = datetime.date(2026, 11, 23)
    assert recognition.period_for("month", "", today) == recognition.Period(
        "month", datetime.date(2026, 11, 1), datetime.date(2026, 12, 1), "2026-11"
    )
    assert recognition.period_for("month", "2026-12", today).end == datetime.date(2027, 1, 1)
    assert recognition.period_for("year", "2026-03", today).key == "2026"
    assert recognition.period_for("all", "", today).start is None
    assert recognition.period_for("nonsense", "bad", today).key == "2026-11"


def test_lists_rank_by_hours_over_the_office_tree_by_period_and_team():
    street_team = TeamFactory()
    street = street_team.office.parent
    other_team = TeamFactory(office=CommunityFactory(parent=street))
    first, second, third = volunteer_in(street_team), volunteer_in(other_team), volunteer_in(street_team)
    post(first, street_team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    post(second, other_team, key="b", starts_at=at(datetime.date(2026, 3, 3)), minutes=180)
    post(third, street_team, key="c", starts_at=at(datetime.date(2026, 2, 3)), minutes=600)
    post(first, street_team, key="d", starts_at=at(datetime.date(2025, 2, 3)), minutes=900)
    tree = office_tree_ids(street)

    def ranking(kind, team=None):
        period = recognition.period_for(kind, "2026-03")
        listing = recognition.top_list(office=street, tree_ids=tree, period=period, team=team)
        return [(row.public_name, row.minutes, row.team) for row in listing.rows]

    assert ranking("month") == [(second.public_name, 180, other_team.name), (first.public_name, 120, street_team.name)]
    assert ranking("year") == [
        (third.public_name, 600, street_team.name),
        (second.public_name, 180, other_team.name),
        (first.public_name, 120, street_team.name),
    ]
    assert ranking("all")[0] == (first.public_name, 1020, street_team.name)
    assert ranking("month", team=street_team) == [(first.public_name, 120, street_team.name)]
    # A community's list leaves the other community out.
    community_list = recognition.top_list(
        office=street_team.office,
        tree_ids=office_tree_ids(street_team.office),
        period=recognition.period_for("month", "2026-03"),
    )
    assert [row.volunteer_id for row in community_list.rows] == [first.pk]


def test_a_closed_month_shows_its_frozen_list_and_an_open_one_is_provisional(team, office):
    first, second = volunteer_in(team), volunteer_in(team)
    post(first, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    post(second, team, key="b", starts_at=at(datetime.date(2026, 3, 3)), minutes=60)
    months.close_month(office=office, month=MARCH, by=None, today=datetime.date(2026, 4, 5))
    # A late record for March: reported in April, the frozen list stays as it was.
    post(second, team, key="late", starts_at=at(datetime.date(2026, 3, 20)), minutes=300)
    tree = office_tree_ids(office)

    frozen = recognition.top_list(office=office, tree_ids=tree, period=recognition.period_for("month", "2026-03"))
    live = recognition.top_list(office=office, tree_ids=tree, period=recognition.period_for("month", "2026-04"))

    assert frozen.frozen is not None and not frozen.provisional
    assert [(row.volunteer_id, row.minutes) for row in frozen.rows] == [(first.pk, 120), (second.pk, 60)]
    assert frozen.rows[0].team == team.name
    assert live.frozen is None and live.provisional


def test_a_street_offices_list_counts_its_communities_and_is_frozen_once_all_have_closed():
    team = TeamFactory()
    community, street = team.office, team.office.parent
    volunteer = volunteer_in(team)
    post(volunteer, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    tree = office_tree_ids(street)

    def march():
        return recognition.top_list(office=street, tree_ids=tree, period=recognition.period_for("month", "2026-03"))

    assert march().provisional
    # One close of the street closes its communities too.
    months.close_month(office=street, month=MARCH, by=None, today=datetime.date(2026, 4, 5))
    closed = march()
    post(volunteer, team, key="late", starts_at=at(datetime.date(2026, 3, 20)), minutes=300)
    after_a_late_record = march()

    assert MonthClose.objects.filter(office=community, month=MARCH).exists()
    assert [(row.volunteer_id, row.minutes) for row in closed.rows] == [(volunteer.pk, 120)]
    assert closed.frozen.office == street and not closed.provisional
    assert [(row.volunteer_id, row.minutes) for row in after_a_late_record.rows] == [(volunteer.pk, 120)]


def test_the_page_says_frozen_or_provisional(team, office, client_for):
    member = volunteer_in(team)
    post(member, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    months.close_month(office=office, month=MARCH, by=None, today=datetime.date(2026, 4, 5))
    client = client_for(member.user)
    url = reverse("hours:recognition", args=[office.pk])

    closed = client.get(url, {"period": "month", "month": "2026-03"}).content.decode()
    open_ = client.get(url, {"period": "month", "month": "2026-04"}).content.decode()

    assert 'data-testid="frozen"' in closed and 'data-testid="provisional"' not in closed
    assert 'data-testid="provisional"' in open_


def _team_ranking(office, team, month: str):
    listing = recognition.top_list(
        office=office, tree_ids=office_tree_ids(office), period=recognition.period_for("month", month), team=team
    )
    return listing, [(row.volunteer_id, row.minutes) for row in listing.rows]


def _late_backfill(team, volunteer, day: datetime.date, minutes: int) -> None:
    asker, approver = OfficeStaffFactory(office=team.office).user, OfficeStaffFactory(office=team.office).user
    backfill = requests.ask_backfill(
        team=team,
        volunteer=volunteer,
        by=asker,
        starts_at=at(day),
        ends_at=at(day, 9 + minutes // 60),
        activity="垃圾分类宣传",
        minutes=minutes,
        reason="纸质签到表迟交",
    )
    requests.decide_backfill(backfill=backfill, by=approver, approve=True)


def test_a_team_list_of_a_closed_month_stays_frozen_after_a_late_backfill_and_correction(team, office):
    first, second = volunteer_in(team), volunteer_in(team)
    record = post(first, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    post(second, team, key="b", starts_at=at(datetime.date(2026, 3, 3)), minutes=60)
    months.close_month(office=office, month=MARCH, by=None, today=datetime.date(2026, 4, 5))
    _listing, before = _team_ranking(office.parent, team, "2026-03")

    _late_backfill(team, second, datetime.date(2026, 3, 20), 300)
    ledger.correct_record(record=record, minutes=0, reason="当天未到岗", by=OfficeStaffFactory(office=office).user)

    for viewer in (office, office.parent):  # the community's list and the street's
        listing, after = _team_ranking(viewer, team, "2026-03")
        assert after == before == [(first.pk, 120), (second.pk, 60)]
        assert listing.frozen is not None and not listing.provisional
    # The late changes count in April, the first open month, as in the export.
    april, rows = _team_ranking(office, team, "2026-04")
    assert rows == [(second.pk, 300)]
    assert april.frozen is None and april.provisional


def test_a_team_list_of_an_open_month_still_takes_late_records(team, office):
    first, second = volunteer_in(team), volunteer_in(team)
    post(first, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    months.close_month(office=CommunityFactory(parent=office.parent), month=MARCH, by=None)  # not this team's office

    _late_backfill(team, second, datetime.date(2026, 3, 20), 180)

    listing, rows = _team_ranking(office.parent, team, "2026-03")
    assert rows == [(second.pk, 180), (first.pk, 120)]
    assert listing.frozen is None and listing.provisional


def test_an_open_months_list_is_what_closing_it_freezes_and_years_follow_reported_months(team, office):
    first, second = volunteer_in(team), volunteer_in(team)
    post(first, team, key="a", starts_at=at(datetime.date(2025, 12, 2)), minutes=120)
    post(second, team, key="b", starts_at=at(datetime.date(2026, 1, 5)), minutes=60)
    months.close_month(office=office, month=datetime.date(2025, 12, 1), by=None, today=datetime.date(2026, 1, 3))
    _late_backfill(team, second, datetime.date(2025, 12, 20), 180)
    tree = office_tree_ids(office)

    def ranking(kind, month, team=None):
        period = recognition.period_for(kind, month)
        listing = recognition.top_list(office=office, tree_ids=tree, period=period, team=team)
        return [(row.volunteer_id, row.minutes) for row in listing.rows]

    provisional = ranking("month", "2026-01")
    assert provisional == [(second.pk, 240)]  # the late December backfill is reported in January
    months.close_month(office=office, month=datetime.date(2026, 1, 1), by=None, today=datetime.date(2026, 2, 3))
    assert ranking("month", "2026-01") == ranking("month", "2026-01", team) == provisional
    assert ranking("year", "2025-06") == ranking("year", "2025-06", team) == [(first.pk, 120)]
    assert ranking("year", "2026-06") == [(second.pk, 240)]


def test_a_team_list_asks_the_same_number_of_queries_for_3_or_30_volunteers(team, office, client_for):
    client = client_for(OfficeStaffFactory(office=office.parent).user)
    url = reverse("hours:recognition", args=[office.parent.pk])
    params = {"period": "month", "month": "2026-03", "team": team.pk}
    _serve(team, 6, 0)
    client.get(url, params)

    few = _queries(client, url, params)
    _serve(team, 54, 6)  # every other one in this team
    many = _queries(client, url, params)

    assert many == few


def test_the_page_says_a_closed_months_team_list_is_frozen(team, office, client_for):
    member = volunteer_in(team)
    post(member, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    months.close_month(office=office, month=MARCH, by=None, today=datetime.date(2026, 4, 5))
    url = reverse("hours:recognition", args=[office.parent.pk])

    html = client_for(member.user).get(url, {"period": "month", "month": "2026-03", "team": team.pk}).content.decode()

    assert 'data-testid="frozen"' in html and 'data-testid="provisional"' not in html


# ---------------------------------------------------------------- the page: access and masking


def test_the_public_list_shows_the_surname_and_a_star_never_a_phone_or_id(team, office, client_for):
    people = [volunteer_in(team) for _ in range(3)]
    people[0].real_name = "欧阳明"
    people[0].save()
    for number, person in enumerate(people):
        post(person, team, key=f"r{number}", starts_at=at(datetime.date(2026, 3, 2 + number)), minutes=6000 + number)
    viewer = volunteer_in(team)
    staff = OfficeStaffFactory(office=office, can_view_pii=True).user

    for user in (viewer.user, staff):
        html = client_for(user).get(
            reverse("hours:recognition", args=[office.pk]), {"period": "year", "month": "2026-03"}
        )
        html = html.content.decode()
        assert "欧*" in html
        assert "★" in html
        for person in people:
            assert person.real_name not in html
            assert national_phone(person.user.phone) not in html
            assert person.user.phone not in html
            assert person.id_number not in html


def test_who_may_see_the_list(team, office, client_for):
    member = volunteer_in(team)
    outsider = volunteer_in(TeamFactory())
    street_staff = OfficeStaffFactory(office=office.parent).user
    url = reverse("hours:recognition", args=[office.pk])

    assert client_for(member.user).get(url).status_code == 200
    assert client_for(street_staff).get(url).status_code == 200
    assert client_for(outsider.user).get(url).status_code == 404
    assert client_for(member.user).get(reverse("hours:recognition", args=[office.parent.pk])).status_code == 200
    assert not may_see_recognition(outsider.user, office)


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _serve(team, how_many: int, start: int) -> None:
    for number in range(start, start + how_many):
        other = TeamFactory(office=team.office) if number % 2 else team
        person = volunteer_in(other)
        post(person, other, key=f"q{number}", starts_at=at(datetime.date(2026, 3, 1 + number % 28)), minutes=60)


@pytest.mark.parametrize("params", [{"period": "month", "month": "2026-03"}, {"period": "year"}, {"period": "all"}])
def test_the_list_asks_the_same_number_of_queries_for_3_or_30_volunteers(team, office, client_for, params):
    staff = OfficeStaffFactory(office=office.parent).user
    client = client_for(staff)
    url = reverse("hours:recognition", args=[office.parent.pk])
    _serve(team, 3, 0)
    Honour.objects.create(
        volunteer=volunteer_in(team), office=office.parent, title=Honour.Title.OUTSTANDING, period="2026-03"
    )
    client.get(url, params)

    few = _queries(client, url, params)
    _serve(team, 27, 3)
    many = _queries(client, url, params)

    assert many == few


# ---------------------------------------------------------------- honours


def test_staff_award_an_honour_shown_on_the_list_and_the_persons_page(team, office, client_for):
    person = volunteer_in(team)
    post(person, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    staff = OfficeStaffFactory(office=office).user
    client = client_for(staff)

    response = client.post(
        reverse("hours:honour_award", args=[office.pk]),
        {"volunteer": person.pk, "title": Honour.Title.OUTSTANDING, "period": "2026", "query": "period=year"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("hours:recognition", args=[office.pk]) + "?period=year"
    honour = Honour.objects.get(volunteer=person)
    assert (honour.office, honour.period, honour.awarded_by) == (office, "2026", staff)
    listing = client.get(reverse("hours:recognition", args=[office.pk]), {"period": "year", "month": "2026-03"})
    assert honour.get_title_display() in listing.content.decode()
    assert person.real_name not in listing.content.decode()
    detail = client.get(person.get_absolute_url()).content.decode()
    assert honour.get_title_display() in detail and "2026" in detail


def test_members_cannot_award_and_only_someone_who_served_is_honoured(team, office, client_for):
    person = volunteer_in(team)
    idle = volunteer_in(team)
    post(person, team, key="a", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    url = reverse("hours:honour_award", args=[office.pk])
    data = {"title": Honour.Title.OUTSTANDING, "period": "2026-03"}

    assert client_for(person.user).post(url, {**data, "volunteer": person.pk}).status_code == 404
    staff_client = client_for(OfficeStaffFactory(office=office).user)
    staff_client.post(url, {**data, "volunteer": idle.pk})
    staff_client.post(url, {**data, "volunteer": person.pk, "period": "2026-13"})
    staff_client.post(url, {**data, "volunteer": person.pk})
    staff_client.post(url, {**data, "volunteer": person.pk})  # the same honour twice: refused

    assert list(Honour.objects.values_list("volunteer_id", "period")) == [(person.pk, "2026-03")]


# ---------------------------------------------------------------- revoking honours


def _honoured(team, office, period: str = "2026"):
    person = volunteer_in(team)
    post(person, team, key=f"h{person.pk}", starts_at=at(datetime.date(2026, 3, 2)), minutes=120)
    honour = Honour.objects.create(volunteer=person, office=office, title=Honour.Title.MOST_ADMIRED, period=period)
    return person, honour


def _revoke_url(honour) -> str:
    return reverse("hours:honour_revoke", args=[honour.pk])


def _honours_shown(html: str) -> str:
    """The honours list and the titles beside the ranked names (the award form lists every title)."""
    honours = re.search(r'<ul data-testid="honours">(.*?)</ul>', html, re.S).group(1)
    return honours + " ".join(re.findall(r'<strong class="honour">(.*?)</strong>', html))


def test_a_revoked_honour_leaves_the_list_and_the_profile_but_stays_on_record(team, office, client_for):
    person, honour = _honoured(team, office)
    staff = OfficeStaffFactory(office=office).user
    client = client_for(staff)
    list_url = reverse("hours:recognition", args=[office.pk])
    params = {"period": "year", "month": "2026-03"}
    title = honour.get_title_display()
    listing = client.get(list_url, params).content.decode()
    profile = client.get(person.get_absolute_url()).content.decode()
    assert title in _honours_shown(listing) and f'action="{_revoke_url(honour)}"' in listing
    assert title in _honours_shown(profile) and f'action="{_revoke_url(honour)}"' in profile

    response = client.post(_revoke_url(honour), {"next": f"{list_url}?period=year&month=2026-03"})

    assert response["Location"] == f"{list_url}?period=year&month=2026-03"
    honour.refresh_from_db()
    assert honour.revoked_by == staff and honour.revoked_at is not None
    assert title not in _honours_shown(client.get(list_url, params).content.decode())
    assert title not in _honours_shown(client.get(person.get_absolute_url()).content.decode())
    assert title not in _honours_shown(client_for(person.user).get(list_url, params).content.decode())


def test_revoking_from_the_profile_returns_there_and_twice_is_harmless(team, office, client_for):
    person, honour = _honoured(team, office)
    staff = OfficeStaffFactory(office=office).user
    client = client_for(staff)

    first = client.post(_revoke_url(honour), {"next": person.get_absolute_url()})
    revoked_at = Honour.objects.get(pk=honour.pk).revoked_at
    second = client.post(_revoke_url(honour), {"next": "https://evil.example/"})

    assert first["Location"] == person.get_absolute_url()
    assert second["Location"] == reverse("hours:recognition", args=[office.pk])  # a foreign address is ignored
    assert Honour.objects.get(pk=honour.pk).revoked_at == revoked_at


def test_a_revoked_honour_may_be_awarded_again(team, office):
    person, honour = _honoured(team, office)
    staff = OfficeStaffFactory(office=office).user

    recognition.revoke_honour(honour=honour, by=staff)
    again = recognition.award_honour(
        office=office, tree_ids=office_tree_ids(office), volunteer=person, title=honour.title, period="2026", by=staff
    )

    assert list(Honour.objects.current()) == [again]
    assert Honour.objects.count() == 2


@pytest.mark.parametrize("who", ["holder", "member", "leader", "other_office_staff", "community_staff_below"])
def test_only_staff_of_the_honours_office_or_above_may_revoke(team, office, client_for, who):
    street = office.parent
    person, honour = _honoured(team, street)
    user = {
        "holder": lambda: person.user,
        "member": lambda: volunteer_in(team).user,
        "leader": lambda: volunteer_in(team, role=Membership.Role.LEADER).user,
        "other_office_staff": lambda: OfficeStaffFactory().user,
        # Staff of a community below may not take back what the street awarded.
        "community_staff_below": lambda: OfficeStaffFactory(office=office).user,
    }[who]()
    client = client_for(user)

    # Not found rather than forbidden, as everywhere in the site (teams/mixins.py).
    assert client.post(_revoke_url(honour)).status_code == 404
    assert Honour.objects.get(pk=honour.pk).revoked_at is None
    assert f'action="{_revoke_url(honour)}"' not in client.get(person.get_absolute_url()).content.decode()


def test_street_staff_revoke_a_communitys_honour(team, office, client_for):
    _person, honour = _honoured(team, office)
    street_staff = OfficeStaffFactory(office=office.parent).user

    assert client_for(street_staff).post(_revoke_url(honour))["Location"] == reverse(
        "hours:recognition", args=[office.pk]
    )
    assert Honour.objects.get(pk=honour.pk).revoked_by == street_staff


def test_staff_tell_two_people_who_read_the_same_apart_on_the_award_picker_and_honours(team, office, client_for):
    """Two 张* of one team read the same on a list that shows no real name (rule 12):
    for staff who award, the picker and the honours carry the masked phone; members and
    print see none."""
    first = VolunteerFactory(real_name="张伟", user=UserFactory(phone="+8613800008000"))
    second = VolunteerFactory(real_name="张强", user=UserFactory(phone="+8613900001234"))
    other = VolunteerFactory(real_name="李娜", user=UserFactory(phone="+8613700005555"))
    for number, person in enumerate((first, second, other)):
        MembershipFactory(team=team, user=person.user)
        post(person, team, key=f"n{number}", starts_at=at(datetime.date(2026, 3, 2 + number)), minutes=120 + number)
        Honour.objects.create(volunteer=person, office=office, title=Honour.Title.OUTSTANDING, period="2026")
    staff = OfficeStaffFactory(office=office).user
    query = {"period": "year", "month": "2026-03"}

    page = client_for(staff).get(reverse("hours:recognition", args=[office.pk]), query)

    html = page.content.decode()
    picker = dict(page.context["award_choices"])
    assert picker[first.pk] == f"3. 张* · {team.name}（138****8000）"
    assert picker[second.pk] == f"2. 张* · {team.name}（139****1234）"
    assert picker[other.pk] == f"1. 李* · {team.name}"
    assert '<option value="">' in html  # nobody chosen until staff choose
    assert html.count('data-testid="honour-hint"') == 2
    assert "张伟" not in html and "13800008000" not in html

    member_html = client_for(other.user).get(reverse("hours:recognition", args=[office.pk]), query).content.decode()
    assert "138****8000" not in member_html and 'data-testid="honour-hint"' not in member_html
