"""The office dashboard: ledger figures against hand-computed values, the page, who may open it, query counts."""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hours import dashboard, ledger, requests
from hours.charts import bar_chart, nice_ceiling
from hours.models import ServiceRecord
from shifts.models import Attendance
from teams.models import Membership
from tests.factories import (
    CommunityFactory,
    LeaderFactory,
    MembershipFactory,
    OfficeStaffFactory,
    ShiftFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import SHANGHAI, at, post
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def world():
    """A street office with 阳光社区 (teams 银龄, 环保) and 月亮社区 (team 便民); another street with its own team.

    March 2026, by hand:
      银龄 (阳光): v1 120 + 60, v2 90 on 31 March at 23:00      = 270 min, 2 volunteers
      环保 (阳光): v3 120 corrected to 60 (−120 + 60), v4 60 corrected to 0 (−60)
                                                              =  60 min, 1 volunteer
      便民 (月亮): v1 30                                        =  30 min, 1 volunteer
      other street: v5 600 — never counted.
    Outside March: v2 45 on 28 February (23:00), v2 30 on 1 April (01:00), v1 100 in March 2025.
    """
    sunshine = CommunityFactory(name="阳光社区")
    street = sunshine.parent
    moon = CommunityFactory(name="月亮社区", parent=street)
    silver = TeamFactory(office=sunshine, name="银龄服务队")
    green = TeamFactory(office=sunshine, name="环保服务队")
    helpers = TeamFactory(office=moon, name="便民服务队")
    elsewhere = TeamFactory(name="外街道服务队")
    v1, v2 = volunteer_in(silver), volunteer_in(silver)
    v3, v4 = volunteer_in(green), volunteer_in(green)
    MembershipFactory(team=helpers, user=v1.user)
    v5 = volunteer_in(elsewhere)
    staff = UserFactory()

    post(v1, silver, key="v1-a", starts_at=at(datetime.date(2026, 3, 3)), minutes=120)
    post(v1, silver, key="v1-b", starts_at=at(datetime.date(2026, 3, 10)), minutes=60)
    post(v2, silver, key="v2-last-day", starts_at=at(datetime.date(2026, 3, 31), 23), minutes=90)
    corrected = post(v3, green, key="v3", starts_at=at(datetime.date(2026, 3, 5)), minutes=120)
    ledger.correct_record(record=corrected, minutes=60, reason="签退漏扫", by=staff)
    zeroed = post(v4, green, key="v4", starts_at=at(datetime.date(2026, 3, 6)), minutes=60)
    ledger.correct_record(record=zeroed, minutes=0, reason="未到岗", by=staff)
    post(v1, helpers, key="v1-moon", starts_at=at(datetime.date(2026, 3, 12)), minutes=30)
    post(v5, elsewhere, key="v5", starts_at=at(datetime.date(2026, 3, 12)), minutes=600)
    post(v2, silver, key="v2-feb", starts_at=at(datetime.date(2026, 2, 28), 23), minutes=45)
    post(v2, silver, key="v2-apr", starts_at=at(datetime.date(2026, 4, 1), 1), minutes=30)
    post(v1, silver, key="v1-last-year", starts_at=at(datetime.date(2025, 3, 20)), minutes=100)
    return {
        "street": street,
        "sunshine": sunshine,
        "moon": moon,
        "silver": silver,
        "green": green,
        "helpers": helpers,
        "elsewhere": elsewhere,
        "people": (v1, v2, v3, v4, v5),
        "staff": staff,
    }


def figures_for(office, month=MARCH):
    return dashboard.office_month(office=office, month=month)


# ---------------------------------------------------------------- ledger figures


def test_hours_and_active_volunteers_per_team(world):
    figures = figures_for(world["sunshine"])

    assert [(row.team, row.minutes, row.volunteers) for row in figures.teams] == [
        ("银龄服务队", 270, 2),
        ("环保服务队", 60, 1),
    ]
    assert figures.minutes == 330
    assert figures.hours == 5.5
    assert figures.active_volunteers == 3


def test_the_street_office_counts_its_communities_and_someone_in_two_teams_once(world):
    figures = figures_for(world["street"])

    assert [(row.team, row.office, row.minutes, row.volunteers) for row in figures.teams] == [
        ("银龄服务队", "阳光社区", 270, 2),
        ("环保服务队", "阳光社区", 60, 1),
        ("便民服务队", "月亮社区", 30, 1),
    ]
    assert figures.minutes == 360
    assert figures.active_volunteers == 3  # v1, v2, v3: v1 serves in two teams
    assert set(figures.office_ids) == {world["street"].pk, world["sunshine"].pk, world["moon"].pk}


def test_a_sibling_community_and_another_street_are_left_out(world):
    moon = figures_for(world["moon"])

    assert [(row.team, row.minutes) for row in moon.teams] == [("便民服务队", 30)]
    assert moon.minutes == 30
    assert moon.active_volunteers == 1
    assert figures_for(world["elsewhere"].office).minutes == 600


def test_a_reversed_record_nets_out_and_its_volunteer_is_not_active(world):
    v4 = world["people"][3]
    green_only = [row for row in figures_for(world["sunshine"]).teams if row.team == "环保服务队"]

    assert ServiceRecord.objects.filter(volunteer=v4).count() == 2  # the record and its reversal
    assert green_only[0].minutes == 60
    assert green_only[0].volunteers == 1  # v3 only


def test_the_twelve_month_series_counts_by_service_month_with_empty_months_as_zero(world):
    series = figures_for(world["sunshine"]).series

    assert [point.month for point in series] == [datetime.date(2025, month, 1) for month in range(4, 13)] + [
        datetime.date(2026, month, 1) for month in (1, 2, 3)
    ]
    assert [point.minutes for point in series] == [0] * 10 + [45, 330]


def test_the_series_starts_and_ends_at_the_chosen_month(world):
    series = figures_for(world["sunshine"], month=datetime.date(2026, 4, 1)).series

    assert series[0].month == datetime.date(2025, 5, 1)
    assert [point.minutes for point in series[-3:]] == [45, 330, 30]
    assert figures_for(world["sunshine"], month=datetime.date(2025, 3, 1)).series[-1].minutes == 100


def test_new_volunteers_registered_in_the_month_in_the_offices_teams(world):
    silver, helpers, elsewhere = world["silver"], world["helpers"], world["elsewhere"]

    def registered(team, when: datetime.datetime, status=Membership.Status.ACTIVE) -> Volunteer:
        volunteer = VolunteerFactory()
        MembershipFactory(team=team, user=volunteer.user, status=status)
        Volunteer.objects.filter(pk=volunteer.pk).update(created_at=when)
        return volunteer

    registered(silver, datetime.datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI))  # 28 February in UTC: March here
    registered(silver, datetime.datetime(2026, 3, 31, 23, 59, tzinfo=SHANGHAI))
    registered(helpers, datetime.datetime(2026, 3, 15, 10, tzinfo=SHANGHAI))  # the sibling community
    registered(silver, datetime.datetime(2026, 2, 28, 23, 30, tzinfo=SHANGHAI))  # February
    registered(silver, datetime.datetime(2026, 4, 1, 0, 0, tzinfo=SHANGHAI))  # April
    registered(elsewhere, datetime.datetime(2026, 3, 15, 10, tzinfo=SHANGHAI))  # another street
    registered(silver, datetime.datetime(2026, 3, 15, 10, tzinfo=SHANGHAI), Membership.Status.PENDING)
    two_teams = registered(silver, datetime.datetime(2026, 3, 16, 10, tzinfo=SHANGHAI))
    MembershipFactory(team=TeamFactory(office=world["sunshine"]), user=two_teams.user)

    assert figures_for(world["sunshine"]).new_volunteers == 3
    assert figures_for(world["moon"]).new_volunteers == 1
    assert figures_for(world["street"]).new_volunteers == 4


def test_requests_waiting_for_a_decision(world):
    v1, v2, _v3, _v4, v5 = world["people"]
    superuser = UserFactory(is_superuser=True)
    start = at(datetime.date(2026, 3, 20), 14)

    def backfill(team, volunteer, day_offset: int):
        return requests.ask_backfill(
            team=team,
            volunteer=volunteer,
            by=superuser,
            starts_at=start + datetime.timedelta(days=day_offset),
            ends_at=start + datetime.timedelta(days=day_offset, hours=2),
            activity="补录探访",
            minutes=120,
            reason="扫码器没电",
        )

    backfill(world["silver"], v1, 0)
    decided = backfill(world["silver"], v2, 1)
    requests.decide_backfill(backfill=decided, by=UserFactory(is_superuser=True), approve=False, note="重复")
    backfill(world["helpers"], v1, 2)  # the sibling community
    backfill(world["elsewhere"], v5, 3)  # another street
    record = ServiceRecord.objects.get(source_key="v1-a")
    requests.ask_correction(record=record, by=v1.user, minutes=90, reason="提前离开")

    sunshine = figures_for(world["sunshine"])
    assert (sunshine.pending_backfills, sunshine.pending_corrections, sunshine.waiting_for_review) == (1, 1, 2)
    street = figures_for(world["street"])
    assert (street.pending_backfills, street.pending_corrections) == (2, 1)
    assert figures_for(world["moon"]).waiting_for_review == 1


def test_an_office_with_no_records_shows_zeros(world):
    empty = CommunityFactory(parent=world["street"])

    figures = figures_for(empty)

    assert figures.teams == []
    assert (figures.minutes, figures.active_volunteers, figures.new_volunteers) == (0, 0, 0)
    assert [point.minutes for point in figures.series] == [0] * 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", datetime.date(2026, 3, 1)),
        (" 2025-12 ", datetime.date(2025, 12, 1)),
        ("2027-11", datetime.date(2027, 11, 1)),  # next year: still shown
        ("", datetime.date(2026, 11, 1)),
        ("2026-13", datetime.date(2026, 11, 1)),
        ("2026-3-1", datetime.date(2026, 11, 1)),
        ("March", datetime.date(2026, 11, 1)),
        ("9999-12", datetime.date(2026, 11, 1)),  # the months after it cannot even be counted
        ("0001-01", datetime.date(2026, 11, 1)),
        ("1999-12", datetime.date(2026, 11, 1)),
        ("2028-01", datetime.date(2026, 11, 1)),
    ],
)
def test_the_month_asked_for_or_the_current_one(text, expected):
    assert dashboard.chosen_month(text, today=datetime.date(2026, 11, 30)) == expected


# ---------------------------------------------------------------- the chart


def test_nice_ceiling():
    assert [nice_ceiling(value) for value in (0, 0.4, 1, 1.1, 3, 7, 10, 11, 240, 5.5)] == [
        1,
        0.5,
        1,
        2,
        5,
        10,
        10,
        20,
        500,
        10,
    ]


def test_bar_heights_follow_the_values_and_the_last_bar_is_the_chosen_month():
    chart = bar_chart([("1", "2026", 0, "a"), ("2", "", 5, "b"), ("3", "", 10, "c")])

    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0
    assert heights[2] == pytest.approx(2 * heights[1], abs=0.1)
    assert heights[2] == chart.baseline - chart.grid[-1].y  # 10 is the top gridline
    assert [bar.current for bar in chart.bars] == [False, False, True]
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.right_x
    assert [line.label for line in chart.grid] == ["0", "5", "10"]


def test_the_chart_labels_each_month_and_the_years_where_they_fit(world):
    march = figures_for(world["sunshine"]).chart
    november = figures_for(world["sunshine"], month=datetime.date(2026, 11, 1)).chart

    assert [bar.label for bar in march.bars] == [str(month) for month in (*range(4, 13), 1, 2, 3)]
    assert [(bar.label, bar.sublabel) for bar in march.bars if bar.sublabel] == [("4", "2025"), ("1", "2026")]
    assert march.bars[-1].title == "2026-03: 5.5"
    # December first, January next to it: one year label, or the two would overlap.
    assert [(bar.label, bar.sublabel) for bar in november.bars if bar.sublabel] == [("1", "2026")]


# ---------------------------------------------------------------- the page


def staff_of(office):
    user = VolunteerFactory().user
    OfficeStaffFactory(office=office, user=user)
    return user


def test_the_page_shows_the_months_figures_chart_and_links(world, client_for):
    client = client_for(staff_of(world["street"]))

    response = client.get(reverse("hours:dashboard"), {"month": "2026-03"})

    assert response.status_code == 200
    html = response.content.decode()
    street = world["street"]
    assert response.context["dash"].office == street
    assert response.context["dash"].minutes == 360
    assert '<svg class="chart"' in html and 'role="img"' in html and "<title" in html
    assert html.count('<rect class="bar') == 2  # February and March; empty months draw no bar
    assert "2026-03: 6<" in html
    assert reverse("hours:export_xlsx", args=[street.pk, "2026-03"]) in html
    assert reverse("hours:export_csv", args=[street.pk, "2026-03"]) in html
    assert f"{reverse('hours:recognition', args=[street.pk])}?period=month&amp;month=2026-03" in html
    for name in ("correction_queue", "backfill_queue", "months"):
        assert reverse(f"hours:{name}") in html
    for team in ("银龄服务队", "环保服务队", "便民服务队"):
        assert team in html
    assert "外街道服务队" not in html
    for person in world["people"]:
        assert person.real_name not in html


def test_the_office_chooser_lists_the_managed_offices_and_picks_one(world, client_for):
    client = client_for(staff_of(world["street"]))

    response = client.get(reverse("hours:dashboard"), {"office": world["moon"].pk, "month": "2026-03"})

    assert response.status_code == 200
    assert response.context["dash"].office == world["moon"]
    assert response.context["dash"].minutes == 30
    assert [office.name for office in response.context["offices"]] == [world["street"].name, "月亮社区", "阳光社区"]
    assert 'name="office"' in response.content.decode()


def test_one_office_needs_no_chooser(world, client_for):
    response = client_for(staff_of(world["sunshine"])).get(reverse("hours:dashboard"), {"month": "2026-03"})

    assert response.context["dash"].office == world["sunshine"]
    assert 'name="office"' not in response.content.decode()


@pytest.mark.parametrize("month", ["", "2026-13", "abc", "9999-12", "0001-01", "2026-03-01"])
def test_a_malformed_month_shows_the_current_month(world, client_for, month):
    response = client_for(staff_of(world["sunshine"])).get(reverse("hours:dashboard"), {"month": month})

    assert response.status_code == 200
    assert response.context["dash"].month == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("office", ["abc", "-1", "999999"])
def test_a_malformed_or_unknown_office_is_refused(world, client_for, office):
    response = client_for(staff_of(world["street"])).get(reverse("hours:dashboard"), {"office": office})

    assert response.status_code == 403


def test_who_may_open_the_dashboard(world, client_for, client):
    url = reverse("hours:dashboard")
    leader = VolunteerFactory().user
    LeaderFactory(team=world["silver"], user=leader)
    member = world["people"][0].user
    community_staff = staff_of(world["sunshine"])

    assert client_for(leader).get(url).status_code == 403
    assert client_for(member).get(url).status_code == 403
    assert client_for(UserFactory(is_superuser=True)).get(url).status_code == 200
    assert client_for(community_staff).get(url).status_code == 200
    # Staff of a community see neither the street above them nor a sibling community.
    assert client_for(community_staff).get(url, {"office": world["street"].pk}).status_code == 403
    assert client_for(community_staff).get(url, {"office": world["moon"].pk}).status_code == 403
    assert client_for(staff_of(world["elsewhere"].office)).get(url, {"office": world["sunshine"].pk}).status_code == 403
    newcomer = client_for(UserFactory()).get(url)  # signed in without a profile: completes it first
    assert newcomer["Location"] == reverse("volunteers:profile")
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_home_page_links_staff_to_the_dashboard_and_their_ranking_list(world, client_for):
    html = client_for(staff_of(world["sunshine"])).get(reverse("volunteers:home")).content.decode()

    assert reverse("hours:dashboard") in html
    assert reverse("hours:recognition", args=[world["sunshine"].pk]) in html
    volunteer_home = client_for(world["people"][0].user).get(reverse("volunteers:home")).content.decode()
    assert reverse("hours:dashboard") not in volunteer_home


# ---------------------------------------------------------------- query counts


def _grow(office, teams: int, records: int, shifts: int) -> None:
    """`teams` teams with members, `records` ledger rows spread over them and the last 12 months, and
    finished shifts with sign-ups, no-shows and attendance waiting for review."""
    made = [TeamFactory(office=office) for _ in range(teams)]
    people = [volunteer_in(made[index % teams]) for index in range(max(teams, records // 10))]
    today = timezone.localdate()
    first = ServiceRecord.objects.count()
    rows = []
    for index in range(records):
        # Every other round over the teams in this month, the others spread over the year before.
        back = 0 if (index // teams) % 2 == 0 else (index * 7) % 360
        day = today.replace(day=1) - datetime.timedelta(days=back)
        rows.append(
            ServiceRecord(
                volunteer=people[index % len(people)],
                office=office,
                team=made[index % teams],
                service_date=day,
                activity="探访",
                minutes=30 + index % 90,
                kind=ServiceRecord.Kind.ATTENDANCE,
                source_key=f"grow-{office.pk}-{first + index}",
                reported_month=day.replace(day=1),
            )
        )
    ServiceRecord.objects.bulk_create(rows)
    start = timezone.now().replace(day=1, hour=9) - datetime.timedelta(days=3)
    statuses = [Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.NOT_SIGNED_OUT]
    for index in range(shifts):
        shift = ShiftFactory(team=made[index % teams], starts_at=start - datetime.timedelta(days=index % 20))
        for number, person in enumerate(people[:3]):
            Attendance.objects.create(
                shift=shift,
                volunteer=person,
                status=statuses[number],
                review_state=Attendance.Review.NEEDS_REVIEW if number == 2 else Attendance.Review.POSTED,
            )


def _queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_asks_the_same_number_of_queries_for_3_teams_or_8_teams_and_300_records(
    client_for, django_assert_num_queries
):
    community = CommunityFactory()
    client = client_for(staff_of(community.parent))
    url = reverse("hours:dashboard")
    params = {"office": community.parent.pk}
    _grow(community, teams=3, records=10, shifts=2)
    client.get(url, params)  # warm the per-process caches (content types, templates)
    few = _queries(client, url, params)
    assert client.get(url, params).context["dash"].minutes > 0

    _grow(community, teams=5, records=290, shifts=20)

    with django_assert_num_queries(few):
        response = client.get(url, params)
    figures = response.context["dash"]
    assert len(figures.teams) == 8
    in_series = ServiceRecord.objects.filter(office=community, service_date__gte=figures.series[0].month)
    assert sum(point.minutes for point in figures.series) == in_series.aggregate(total=Sum("minutes"))["total"]
    assert sum(row.minutes for row in figures.teams) == figures.minutes
