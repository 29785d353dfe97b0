"""Grid workers (网格员): they raise requests for their grid's residents and follow every
request of it, and run none; staff name them, and only for their own offices."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.phones import national_phone
from needs import permissions, services
from needs.models import Need
from teams import services as team_services
from teams.models import AuditEntry, GridWorker, Office
from teams.permissions import grants_for
from tests.factories import CommunityFactory, OfficeFactory, TeamFactory, UserFactory, VolunteerFactory
from tests.needs.factories import CategoryFactory, done, raised, staff_of, window

pytestmark = pytest.mark.django_db

GRID = "第三网格"  # the grid tests.needs.factories.raised gives a request
RESIDENT_PHONE = "+8613811112222"


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def category(team):
    return CategoryFactory(office=team.office)


@pytest.fixture
def staff(team):
    return staff_of(team.office)


@pytest.fixture
def grid_worker(team, staff):
    """A community worker with an account and no volunteer profile, as many are."""
    user = UserFactory()
    team_services.appoint_grid_worker(office=team.office, user=user, grid=GRID, by=staff)
    return user


def raise_for_resident(category, by, *, grid=GRID, phone=RESIDENT_PHONE):
    starts, ends = window(hours_from_now=24)
    return services.raise_need(
        by=by,
        office=category.office,
        category=category,
        description="独居老人家中水管漏水",
        address="幸福小区3号楼2单元101",
        grid=grid,
        window_starts=starts,
        window_ends=ends,
        resident_name="李阿姨",
        resident_phone=phone,
    )


# ---------------------------------------------------------------- raising for a resident


def test_a_request_raised_for_a_resident_with_an_account_is_theirs(category, grid_worker):
    resident = UserFactory(phone=RESIDENT_PHONE)

    need = raise_for_resident(category, grid_worker)

    assert need.resident == resident
    assert need.raised_by == grid_worker
    assert permissions.is_resident_of(resident, need)
    assert not permissions.is_resident_of(grid_worker, need)
    assert permissions.may_see_contact(grid_worker, need)  # they wrote the number down


def test_a_grid_worker_speaks_for_a_resident_without_an_account(category, team, grid_worker, staff):
    """Many elderly residents have no phone: the grid worker confirms the work for them. The
    time is still credited by the office, never by a resident's confirmation alone."""
    need = raise_for_resident(category, grid_worker)
    assert need.resident is None
    need, _volunteer = done(category, team, by=grid_worker, resident_phone=RESIDENT_PHONE)

    services.confirm(need=need, by=grid_worker, rating=5, comment="老人很满意")

    need.refresh_from_db()
    assert need.state == Need.State.CONFIRMED
    assert not need.takers.filter(posted_record__isnull=False).exists()


def test_raising_outside_ones_grid_is_for_oneself(category, grid_worker):
    """A grid worker with a need of their own raises it as any resident does."""
    UserFactory(phone=RESIDENT_PHONE)

    need = raise_for_resident(category, grid_worker, grid="第九网格")

    assert need.resident == grid_worker


def test_the_form_offers_only_ones_own_grids(client, category, grid_worker):
    other_office = CommunityFactory(name="别的社区")
    CategoryFactory(office=other_office)
    client.force_login(grid_worker)

    page = client.get(reverse("needs:raise")).content.decode()

    assert f'<option value="{GRID}"' in page
    assert "别的社区" not in page  # categories of the grid worker's offices only
    assert "为居民代提需求" in page  # the page in Chinese, as the tests run


def test_a_grid_not_ones_own_is_refused_by_the_form(client, category, grid_worker):
    starts, ends = window(hours_from_now=24)
    client.force_login(grid_worker)

    response = client.post(
        reverse("needs:raise"),
        {
            "category": category.pk,
            "description": "水管漏水",
            "address": "幸福小区3号楼",
            "grid": "第九网格",
            "window_starts": timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"),
            "window_ends": timezone.localtime(ends).strftime("%Y-%m-%dT%H:%M"),
            "urgency": Need.Urgency.NORMAL,
            "resident_name": "李阿姨",
            "resident_phone": "13811112222",
        },
    )

    assert response.status_code == 200
    assert not Need.objects.exists()


def test_a_grid_worker_raises_a_request_through_the_page(client, category, grid_worker):
    starts, ends = window(hours_from_now=24)
    client.force_login(grid_worker)

    response = client.post(
        reverse("needs:raise"),
        {
            "category": category.pk,
            "description": "水管漏水",
            "address": "幸福小区3号楼",
            "grid": GRID,
            "window_starts": timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"),
            "window_ends": timezone.localtime(ends).strftime("%Y-%m-%dT%H:%M"),
            "urgency": Need.Urgency.NORMAL,
            "resident_name": "李阿姨",
            "resident_phone": "13811112222",
        },
    )

    need = Need.objects.get()
    assert response.status_code == 302
    assert need.raised_by == grid_worker and need.grid == GRID and need.state == Need.State.SUBMITTED


# ---------------------------------------------------------------- following, not running


def test_a_grid_worker_runs_nothing(category, team, grid_worker):
    need = raised(category)
    assert permissions.may_see(grid_worker, need)

    for act in (
        lambda: services.accept(need=need, by=grid_worker),
        lambda: services.refuse(need=need, by=grid_worker, reason="不管"),
        lambda: services.hide(need=need, by=grid_worker, reason="不当"),
        lambda: services.cancel(need=need, by=grid_worker, reason="不要了"),
    ):
        with pytest.raises(ValidationError):
            act()
    assert Need.objects.get().state == Need.State.SUBMITTED


def test_a_grid_worker_does_not_credit_time(category, team, grid_worker, staff):
    need, _volunteer = done(category, team)
    services.confirm(need=need, by=need.resident, rating=5)
    taker = need.takers.get()

    with pytest.raises(ValidationError):
        services.credit_again(taker=taker, by=grid_worker, minutes=60, started_at=taker.started_at)
    assert not need.takers.filter(posted_record__isnull=False).exists()


def test_others_requests_in_the_grid_are_seen_masked(client, category, grid_worker):
    resident = UserFactory(phone=RESIDENT_PHONE)
    need = raised(category, by=resident)
    client.force_login(grid_worker)

    page = client.get(need.get_absolute_url()).content.decode()

    assert not permissions.may_see_contact(grid_worker, need)
    assert national_phone(RESIDENT_PHONE) not in page
    assert "幸福小区3号楼2单元101" not in page


def test_requests_of_another_grid_or_office_are_not_seen(client, category, grid_worker):
    other_grid = raised(category, grid="第四网格")
    other_office_category = CategoryFactory(office=CommunityFactory(name="别的社区"))
    same_name_elsewhere = raised(other_office_category, grid=GRID)
    client.force_login(grid_worker)

    for need in (other_grid, same_name_elsewhere):
        assert not permissions.may_see(grid_worker, need)
        assert client.get(need.get_absolute_url()).status_code == 404
    listed = client.get(reverse("needs:grid")).content.decode()
    assert f"need-{other_grid.pk}" not in listed and f"need-{same_name_elsewhere.pk}" not in listed


def test_the_grid_page_lists_open_then_closed_requests_in_a_fixed_number_of_queries(client, category, grid_worker):
    client.force_login(grid_worker)
    first = raised(category)
    cancelled = raised(category)
    services.cancel(need=cancelled, by=cancelled.resident, reason="不需要了")
    client.get(reverse("needs:grid"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("needs:grid")).content.decode()
    for _ in range(10):
        raised(category)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("needs:grid"))

    assert page.index(f"need-{first.pk}") < page.index(f"need-{cancelled.pk}")
    assert len(many) == len(few)


def test_a_grid_worker_without_a_profile_reaches_their_pages(client, grid_worker):
    client.force_login(grid_worker)

    me = client.get(reverse("volunteers:me"))

    assert me.status_code == 200
    assert reverse("needs:grid") in me.content.decode()
    assert client.get(reverse("needs:grid")).status_code == 200
    assert client.get(reverse("needs:raise")).status_code == 200


def test_someone_who_looks_after_no_grid_has_no_grid_page(client):
    client.force_login(VolunteerFactory().user)

    assert client.get(reverse("needs:grid")).status_code == 404
    assert reverse("needs:grid") not in client.get(reverse("volunteers:me")).content.decode()


# ---------------------------------------------------------------- naming grid workers


def test_naming_a_grid_worker_is_told_logged_and_takes_effect_at_once(team, staff):
    person = UserFactory()
    assert not grants_for(person).grid_posts

    post = team_services.appoint_grid_worker(office=team.office, user=person, grid=f" {GRID} ", by=staff)

    assert post.grid == GRID
    assert grants_for(person).grids_in(team.office.pk) == {GRID}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRID_APPOINTED, subject=person).exists()
    assert Notification.objects.filter(user=person, link=reverse("needs:grid")).exists()


@pytest.mark.parametrize(
    "appointer",
    [
        pytest.param(lambda office: staff_of(CommunityFactory(name="别的社区")), id="another office's staff"),
        pytest.param(lambda office: UserFactory(), id="a resident"),
        pytest.param(lambda office: GridWorker.objects.get(office=office).user, id="a grid worker"),
    ],
)
def test_only_the_offices_staff_name_grid_workers(team, grid_worker, appointer):
    by = appointer(team.office)

    with pytest.raises(ValidationError):
        team_services.appoint_grid_worker(office=team.office, user=UserFactory(), grid="第五网格", by=by)
    assert GridWorker.objects.count() == 1


def test_a_street_office_has_no_grids(team, staff):
    street = OfficeFactory(name="某街道", kind=Office.Kind.STREET)
    street_staff = staff_of(street)

    with pytest.raises(ValidationError):
        team_services.appoint_grid_worker(office=street, user=UserFactory(), grid=GRID, by=street_staff)


def test_the_same_grid_twice_is_refused(team, staff, grid_worker):
    with pytest.raises(ValidationError):
        team_services.appoint_grid_worker(office=team.office, user=grid_worker, grid=GRID, by=staff)


def test_staff_name_a_grid_worker_by_their_number(client, team, staff):
    person = UserFactory(phone="+8613933334444")
    client.force_login(staff)

    response = client.post(
        reverse("needs:grid_workers"), {"office": team.office.pk, "phone": "139 3333 4444", "grid": GRID}
    )

    assert response.status_code == 302
    assert GridWorker.objects.get().user == person


def test_a_number_without_an_account_is_told(client, team, staff):
    client.force_login(staff)

    response = client.post(
        reverse("needs:grid_workers"), {"office": team.office.pk, "phone": "13933334444", "grid": GRID}
    )

    assert response.status_code == 200
    assert not GridWorker.objects.exists()


def test_another_offices_staff_neither_see_nor_remove_a_grid_worker(client, grid_worker):
    other_staff = staff_of(CommunityFactory(name="别的社区"))
    post = GridWorker.objects.get()
    client.force_login(other_staff)

    listed = client.get(reverse("needs:grid_workers")).content.decode()
    removed = client.post(reverse("needs:grid_worker_remove", args=[post.pk]))

    assert f"grid-post-{post.pk}" not in listed
    assert removed.status_code == 404
    assert GridWorker.objects.exists()


def test_a_removed_grid_worker_no_longer_sees_the_grid(client, category, staff, grid_worker):
    need = raised(category)
    client.force_login(staff)

    client.post(reverse("needs:grid_worker_remove", args=[GridWorker.objects.get().pk]))

    assert not GridWorker.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRID_REMOVED, subject=grid_worker).exists()
    client.force_login(grid_worker)
    assert client.get(need.get_absolute_url()).status_code == 404
    assert client.get(reverse("needs:grid")).status_code == 404


def test_grid_work_gives_no_say_over_the_office(team, grid_worker):
    grants = grants_for(grid_worker)

    assert not grants.managed_office_ids and not grants.pii_office_ids and not grants.led_team_ids


# ---------------------------------------------------------------- after the security review


def test_a_removed_grid_worker_no_longer_speaks_for_a_resident_without_an_account(
    client, category, team, staff, grid_worker
):
    need = raise_for_resident(category, grid_worker)
    assert need.resident is None and permissions.is_resident_of(grid_worker, need)
    team_services.remove_grid_worker(post=GridWorker.objects.get(), by=staff)
    need, grid_worker = Need.objects.get(), User.objects.get(pk=grid_worker.pk)  # as the next request loads them
    client.force_login(grid_worker)

    assert not permissions.is_resident_of(grid_worker, need)
    assert not permissions.may_see_contact(grid_worker, need)
    assert client.get(need.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        services.cancel(need=need, by=grid_worker, reason="不要了")
    assert Need.objects.get().state == Need.State.SUBMITTED


def test_a_request_the_office_hid_is_off_the_grid_workers_list(client, category, staff, grid_worker):
    need = raised(category)
    services.hide(need=need, by=staff, reason="含有他人身份证号")
    client.force_login(grid_worker)

    assert not permissions.may_see(grid_worker, Need.objects.get())
    assert client.get(need.get_absolute_url()).status_code == 404
    assert f"need-{need.pk}" not in client.get(reverse("needs:grid")).content.decode()


def test_a_grid_worker_reads_no_notes_on_requests_they_did_not_raise(client, category, team, grid_worker):
    need, _volunteer = done(category, team)
    client.force_login(grid_worker)

    page = client.get(need.get_absolute_url()).content.decode()

    assert page.count('data-testid="taker"') == 1
    assert "理完发，打扫干净" not in page  # the volunteer's note, which may describe the home
