"""Every URL of the project × every role: the status each role gets, and what the page shows.

The matrix below is the specification of access. `test_every_url_is_in_the_matrix`
walks the URL resolver, so a new URL fails the suite until a row says who may open it.
Only allauth's own pages under /accounts/ and the admin's inner pages are left out;
/admin/ itself is in.

Columns (tests/permission_world.py): anonymous, newcomer (signed in, no profile yet),
volunteer (no team), member of team A, leader of team A, leader of team B, staff of
team A's community office (no PII flag), staff of the street office above both
communities (PII flag), superuser (no profile), and the grid worker of 社区A's 第一网格
(a volunteer with no team; `row` gives them the volunteer's outcome unless it says
otherwise). URLs are filled with team A's ids, member A's volunteer id and a membership
of team A.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.utils import timezone
from PIL import Image

from accounts.phones import mask_phone, national_phone
from civic.models import (
    Evaluation,
    GoodDeed,
    GoodDeedKind,
    Order,
    PartnerUnit,
    PartyReport,
    PointsPolicy,
    QuarterComment,
    ReportingTarget,
    ServicePost,
    ShopItem,
    UnitProject,
    UnitRegistration,
)
from civic.reporting import decide_report
from hours import workbook_jobs
from hours.certificates import issue_certificate
from hours.models import BackfillRequest, Certificate, CorrectionRequest, Honour, MonthClose
from jobs.models import Job
from needs import services as need_services
from needs import wishes as wish_services
from needs.models import Category as NeedCategory
from needs.models import Need, Wish
from shifts.models import Attendance, Shift, Signup
from shifts.self_checkin import current_code
from shifts.services import calendar_feed_for
from teams.models import GridWorker, Membership, Team
from tests.civic.matrix import UNIT_PHONE, civic_a, unit_a, unit_registration_a
from tests.factories import MembershipFactory, TeamFactory, VolunteerFactory
from tests.jobs.factories import JobFactory
from tests.permission_world import (
    COMMUNITY_A_STAFF,
    GRID_A,
    GRID_A_GRID,
    LEADER_A,
    LEADER_B,
    MEMBER_A,
    NEWCOMER,
    ROLES,
    STREET_STAFF,
    SUPERUSER,
    VOLUNTEER,
    World,
    build_world,
)
from tests.volunteers.xlsx import roster_bytes
from volunteers import roster_jobs, uploads
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

GET = "get"
POST = "post"


# ---------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    status: int
    location: Callable[[World, str], str] | None = None  # where a 302 must point; gets the requested URL
    content: Callable[[World, str, str], None] | None = None  # (world, html, role) → asserts
    label: str = ""
    service_refuses: bool = False  # the view answers, but its service changes nothing

    @property
    def refused(self) -> bool:
        """The request was turned away before the view did anything, or by its service."""
        return self.service_refuses or self in (LOGIN, PROFILE, NOT_FOUND, SIGNED_OUT)


def redirect(label: str, location: Callable[[World, str], str]) -> Outcome:
    return Outcome(302, location=location, label=label)


def login_page(world: World, url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': url}, safe='/')}"


OK = Outcome(200, label="OK")
NOT_FOUND = Outcome(404, label="404")
# The scan endpoint takes JSON; the matrix posts a form, which it refuses with a JSON error
# (tests/shifts/test_scan_api.py posts real scans).
NOT_JSON = Outcome(400, label="400 not JSON")
SIGNED_OUT = Outcome(401, label="401 JSON")  # the scanner's phone cannot follow a login redirect
LOGIN = redirect("login", login_page)
PROFILE = redirect("profile", lambda w, url: reverse("volunteers:profile"))
HOME = redirect("home", lambda w, url: reverse("volunteers:home"))
TEAM_A_PAGE = redirect("team A", lambda w, url: w.team_a.get_absolute_url())
TEAM_LIST = redirect("teams", lambda w, url: reverse("teams:list"))
INVITATIONS = redirect("invitations", lambda w, url: reverse("teams:invitations"))
CHANGE_PASSWORD = redirect("change password", lambda w, url: reverse("account_change_password"))
MY_CARD = redirect("card", lambda w, url: reverse("volunteers:card"))
SHIFT_A_PAGE = redirect("shift A", lambda w, url: w.shift_a.get_absolute_url())
SHIFT_A_SHEET = redirect("sheet A", lambda w, url: reverse("shifts:attendance", args=[w.shift_a.pk]))
ROSTER_IMPORT = redirect("import", lambda w, url: reverse("volunteers:roster_import", args=[w.team_a.pk]))
SITE_LOGIN_FOR_ADMIN = redirect("login", lambda w, url: f"{reverse('account_login')}?next=%2Fadmin%2F")
ADMIN_INDEX = redirect("admin", lambda w, url: reverse("admin:index"))
ADMIN_LOGIN = redirect("admin login", lambda w, url: f"{reverse('admin:login')}?{urlencode({'next': url}, safe='/')}")
LOGIN_BY_CODE = redirect(
    "login by code",
    lambda w, url: f"{reverse('account_request_login_code')}?next={reverse('new_password')}",
)
TEAM_LIST_AFTER_LANGUAGE = redirect("next", lambda w, url: "/teams/")


def shows_no_team_a_people(world: World, html: str, role: str) -> None:
    """A public team page: the team, but none of its people."""
    for person in world.team_a_people:
        if world.users[role] == person.volunteer.user:
            continue
        assert person.name not in html
        assert person.masked_phone not in html
        assert person.full_phone not in html


def shows_team_a_members_masked(world: World, html: str, role: str) -> None:
    """The member list shows names and masked numbers, even to staff with the PII flag."""
    for person in world.team_a_people:
        assert person.name in html
        assert person.masked_phone in html
        assert person.full_phone not in html
    assert world.member_b.name not in html


def shows_full_pii(world: World, html: str, role: str) -> None:
    person = world.member_a
    assert person.full_phone in html
    assert person.full_id_number in html
    assert person.emergency_phone in html


def shows_masked_pii(world: World, html: str, role: str) -> None:
    person = world.member_a
    assert person.masked_phone in html
    assert person.masked_id_number in html
    assert person.full_phone not in html
    assert person.full_id_number not in html
    assert person.emergency_phone not in html


def shows_shift_roster_masked(world: World, html: str, role: str) -> None:
    person = world.member_a
    assert person.name in html
    assert person.masked_phone in html
    assert person.full_phone not in html


def shows_shift_a(world: World, html: str, role: str) -> None:
    assert world.shift_a.title in html


def does_not_show_shift_a(world: World, html: str, role: str) -> None:
    assert world.shift_a.title not in html


def finds_team_a_members(world: World, body: str, role: str) -> None:
    """The member pickers' search for 甲: team A's active people, masked, never the applicant."""
    assert world.member_a.name in body
    assert world.leader_a.name in body
    assert world.applicant_a.name not in body  # pending: not a member yet
    assert world.member_a.full_phone not in body


PUBLIC_TEAM = Outcome(200, content=shows_no_team_a_people, label="public")
MEMBERS = Outcome(200, content=shows_team_a_members_masked, label="members")
MEMBER_SEARCH = Outcome(200, content=finds_team_a_members, label="search")
FULL_PII = Outcome(200, content=shows_full_pii, label="full PII")
MASKED_PII = Outcome(200, content=shows_masked_pii, label="masked PII")
SHIFT_ROSTER = Outcome(200, content=shows_shift_roster_masked, label="roster")
WITH_SHIFT_A = Outcome(200, content=shows_shift_a, label="with shift A")
WITHOUT_SHIFT_A = Outcome(200, content=does_not_show_shift_a, label="without shift A")


def row(*outcomes: Outcome, grid: Outcome | None = None) -> dict[str, Outcome]:
    """One outcome per role, in the order of ROLES. The grid worker of 社区A's 第一网格 is a
    volunteer with no team, and gets what the volunteer gets unless the row says otherwise
    (`grid`): their grid's requests are all the role adds."""
    assert len(outcomes) == len(ROLES) - 1, "one outcome per role, in the order of ROLES, the grid worker aside"
    expect = dict(zip(ROLES[:-1], outcomes, strict=True))
    expect[GRID_A] = expect[VOLUNTEER] if grid is None else grid
    return expect


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    id: str
    url: Callable[[World], str]
    expect: dict[str, Outcome]
    method: str = GET
    data: Callable[[World], dict] = field(default=lambda w: {})
    # What an allowed POST changes: true after every request not refused, false after the refused ones.
    effect: Callable[[World, object], bool] | None = None


def team_a_url(name: str, **kwargs) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"team_pk": w.team_a.pk, **kwargs})


def decision_url(decision: str) -> Callable[[World], str]:
    return lambda w: reverse(
        "teams:decide",
        kwargs={"team_pk": w.team_a.pk, "membership_pk": w.applicant_membership.pk, "decision": decision},
    )


def applicant_status(world: World) -> str:
    world.applicant_membership.refresh_from_db()
    return world.applicant_membership.status


def shift_a_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"pk": w.shift_a.pk})


def searching(url: Callable[[World], str]) -> Callable[[World], str]:
    """A member picker's search URL, asking for 甲 (in every name of team A's people)."""
    return lambda w: f"{url(w)}?{urlencode({'q': '甲'})}"


def member_a_feed_url(world: World) -> str:
    return reverse("shifts:ical", args=[calendar_feed_for(user=world.member_a.volunteer.user).token])


def shows_own_record_only(world: World, html: str, role: str) -> None:
    """My hours: member A sees record A; nobody else does, whatever they run."""
    assert (world.record_a.activity in html) is (role == MEMBER_A)


def shows_waiting_requests(world: World, html: str, role: str) -> None:
    assert world.member_a.name in html
    assert world.member_a.full_phone not in html


def shows_record_a_no_numbers(world: World, html: str, role: str) -> None:
    """Member A's records for those who run team A: record A, no phone or ID number."""
    assert world.record_a.activity in html
    assert world.member_a.full_phone not in html
    assert world.member_a.full_id_number not in html


MY_HOURS = Outcome(200, content=shows_own_record_only, label="my hours")
RECORDS_A = Outcome(200, content=shows_record_a_no_numbers, label="records")
CORRECT_RECORD_A = redirect("correct", lambda w, url: reverse("hours:record_correct", args=[w.record_a.pk]))
QUEUE = Outcome(200, content=shows_waiting_requests, label="queue")
CORRECTION_QUEUE = redirect("corrections", lambda w, url: reverse("hours:correction_queue"))
BACKFILL_QUEUE = redirect("backfills", lambda w, url: reverse("hours:backfill_queue"))
MONTHS = redirect("months", lambda w, url: reverse("hours:months"))


def last_month() -> str:
    return f"{timezone.localdate().replace(day=1) - datetime.timedelta(days=1):%Y-%m}"


def export_url(name: str, unmasked: bool = False) -> Callable[[World], str]:
    """Community A's workbook for the month of record A; asking for full numbers in the
    address, it is refused to a GET."""

    def url(w: World) -> str:
        path = reverse(name, args=[w.community_a.pk, f"{w.record_a.reported_month:%Y-%m}"])
        return f"{path}?unmasked=1" if unmasked else path

    return url


def csv_masked(world: World, text: str, role: str) -> None:
    person = world.member_a
    assert person.masked_phone in text
    assert person.masked_id_number in text
    assert person.full_phone not in text
    assert person.full_id_number not in text


def csv_unmasked(world: World, text: str, role: str) -> None:
    assert world.member_a.full_phone in text
    assert world.member_a.full_id_number in text


def workbook_job_a(world: World) -> Job:
    """Community A's workbook for the month of record A, asked for by its staff and done."""
    job = workbook_jobs.prepare_month_workbook(
        user=world.users[COMMUNITY_A_STAFF], office=world.community_a, month=world.record_a.reported_month
    )
    workbook_jobs.build_month_workbook.call(str(job.pk), job.attempt)
    return job


def failed_job_a(world: World) -> Job:
    return JobFactory(
        requested_by=world.users[COMMUNITY_A_STAFF],
        office=world.community_a,
        kind=workbook_jobs.KIND,
        key="matrix:failed",
        state=Job.State.FAILED,
        error="磁盘已满",
    )


def job_url(name: str, job: Callable[[World], Job]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[job(w).pk])


def job_state_after_retry(world: World) -> str:
    return Job.objects.get(key="matrix:failed").state


def shows_job_a(world: World, html: str, role: str) -> None:
    assert world.community_a.name in html
    assert world.member_a.full_phone not in html


def roster_check_a(world: World) -> Job:
    """A roster for team A, uploaded by community A's staff and checked by a worker."""
    data = roster_bytes([{"姓名": "王五", "手机号": "13900000001"}])
    name = default_storage.save(f"{uploads.FOLDER}/matrix.xlsx", ContentFile(data))
    job = roster_jobs.check_roster_later(
        user=world.users[COMMUNITY_A_STAFF], team=world.team_a, upload=name, language="zh-hans"
    )
    roster_jobs.check_roster.call(str(job.pk), job.attempt)
    return job


def shows_checked_roster(world: World, html: str, role: str) -> None:
    assert "139****0001" in html
    assert "13900000001" not in html


ROSTER_CHECKED = Outcome(200, content=shows_checked_roster, label="checked roster")
JOB_PAGE = redirect("job", lambda w, url: Job.objects.latest("created_at").get_absolute_url())
RETRIED_JOB_PAGE = redirect("job", lambda w, url: Job.objects.get(key="matrix:failed").get_absolute_url())
JOB_A = Outcome(200, content=shows_job_a, label="job A")
CSV_MASKED = Outcome(200, content=csv_masked, label="masked CSV")
CSV_UNMASKED = Outcome(200, content=csv_unmasked, label="unmasked CSV")
FORBIDDEN = Outcome(403, label="403")


def shows_team_a_figures_no_people(world: World, html: str, role: str) -> None:
    """The dashboard counts; it names teams, never a person."""
    assert world.team_a.name in html
    for person in [*world.team_a_people, world.member_b]:
        assert person.name not in html
        assert person.masked_phone not in html


DASHBOARD = Outcome(200, content=shows_team_a_figures_no_people, label="dashboard")


def card_was_reissued(world: World, user) -> bool:
    return user is not None and Volunteer.objects.filter(user=user, card_version__gt=1).exists()


def certificate_of_member_a(world: World) -> Certificate:
    today = timezone.localdate()
    return issue_certificate(
        volunteer=world.member_a.volunteer,
        office=world.community_a,
        period_from=today.replace(year=today.year - 1),
        period_to=today,
        by=None,
    )


def shows_ranking_masked(world: World, html: str, role: str) -> None:
    """A ranking or a verification page: 王*, never a name, phone or ID number of anyone."""
    assert world.member_a.volunteer.public_name in html
    for person in [*world.team_a_people, world.member_b]:
        if world.users[role] == person.volunteer.user:
            continue
        assert person.name not in html
        assert person.full_phone not in html
        assert person.full_id_number not in html


def shows_certificate_masked(world: World, html: str, role: str) -> None:
    person = world.member_a
    assert person.name in html
    assert person.masked_id_number in html
    assert person.full_id_number not in html
    assert person.full_phone not in html


def latest_certificate_url(world: World, url: str) -> str:
    return Certificate.objects.filter(volunteer=world.member_a.volunteer).latest("pk").get_absolute_url()


def certificate_list_url(world: World) -> str:
    certificate_of_member_a(world)
    return reverse("hours:certificate_list")


def shows_certificate_list(world: World, html: str, role: str) -> None:
    """Staff running member A's team see the full name (may_see_person), never the numbers."""
    person = world.member_a
    assert Certificate.objects.filter(volunteer=person.volunteer).latest("pk").number in html
    assert person.name in html
    assert person.full_phone not in html
    assert person.full_id_number not in html


def honour_of_member_a(world: World) -> Honour:
    honour, _created = Honour.objects.get_or_create(
        volunteer=world.member_a.volunteer, office=world.community_a, title=Honour.Title.OUTSTANDING, period="2026"
    )
    return honour


RANKING = Outcome(200, content=shows_ranking_masked, label="ranking")
CERTIFICATE_LIST = Outcome(200, content=shows_certificate_list, label="certificates")
CERTIFICATE = Outcome(200, content=shows_certificate_masked, label="certificate")
RANKING_PAGE = redirect("ranking", lambda w, url: reverse("hours:recognition", args=[w.community_a.pk]))
CERTIFICATE_PAGE = redirect("certificate", latest_certificate_url)
MY_HOURS_PAGE = redirect("my hours", lambda w, url: reverse("hours:my_hours"))


# ---------------------------------------------------------------- residents' requests
# Raised in community A by the newcomer (a resident: an account, no volunteer profile),
# dispatched to team A, and brought to the state a row needs.

RESIDENT_PHONE = "+8613855556666"
RESIDENT_ADDRESS = "甲社区幸福里8号"


def need_a(world: World, state: str = Need.State.DISPATCHED, photo: bool = False) -> Need:
    staff, resident = world.users[COMMUNITY_A_STAFF], world.users[NEWCOMER]
    category, _created = NeedCategory.objects.get_or_create(office=world.community_a, name="理发")
    starts = timezone.now() - datetime.timedelta(hours=5)
    uploads = [SimpleUploadedFile("p.png", _png())] if photo else []
    need = need_services.raise_need(
        by=resident,
        office=world.community_a,
        category=category,
        description="上门理发",
        address=RESIDENT_ADDRESS,
        grid=GRID_A_GRID,
        window_starts=starts,
        window_ends=starts + datetime.timedelta(hours=8),
        resident_name="何居民",
        resident_phone=RESIDENT_PHONE,
        uploads=uploads,
    )
    if state == Need.State.SUBMITTED:
        return need
    need_services.accept(need=need, by=staff)
    if state == Need.State.ACCEPTED:
        return need
    need_services.dispatch(need=need, by=staff, audience=Need.Audience.TEAM, team=world.team_a)
    if state == Need.State.DISPATCHED:
        return need
    need_services.take(need=need, volunteer=world.member_a.volunteer)
    if state == Need.State.TAKEN:
        return need
    need.takers.update(taken_at=starts)  # taken before the service started, as finishing requires
    need_services.finish(need=need, volunteer=world.member_a.volunteer, started_at=starts, minutes=60, note="理完了")
    return need


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="PNG")
    return out.getvalue()


def need_url(name: str, state: str = Need.State.DISPATCHED, photo: bool = False) -> Callable[[World], str]:
    def url(w: World) -> str:
        need = need_a(w, state, photo)
        if name == "needs:photo" or name == "needs:photo_hide":
            return reverse(name, args=[need.pk, need.photos.get().pk])
        if name == "needs:credit":
            return reverse(name, args=[need.pk, need.takers.get().pk])
        return reverse(name, args=[need.pk])

    return url


def need_state(state: str) -> Callable[[World, object], bool]:
    return lambda w, user: Need.objects.get().state == state


def shows_resident_contact(world: World, html: str, role: str) -> None:
    assert national_phone(RESIDENT_PHONE) in html
    assert RESIDENT_ADDRESS in html


def shows_resident_masked(world: World, html: str, role: str) -> None:
    assert mask_phone(RESIDENT_PHONE) in html
    assert national_phone(RESIDENT_PHONE) not in html
    assert RESIDENT_ADDRESS not in html


def shows_need_a_to_its_resident_only(world: World, html: str, role: str) -> None:
    assert (f'data-testid="need-{Need.objects.get().pk}"' in html) is (role == NEWCOMER)


def lists_need_a_masked(world: World, html: str, role: str) -> None:
    assert "理发" in html
    assert national_phone(RESIDENT_PHONE) not in html


def board_url(world: World) -> str:
    need_a(world)
    return reverse("needs:board")


def board_shows_need_a_to_team_a(world: World, html: str, role: str) -> None:
    assert ("理发" in html) is (role in (MEMBER_A, LEADER_A))


def mine_url(world: World) -> str:
    need_a(world)
    return reverse("needs:mine")


def queue_url(world: World) -> str:
    need_a(world, Need.State.SUBMITTED)
    return reverse("needs:queue")


def category_url(world: World) -> str:
    category, _created = NeedCategory.objects.get_or_create(office=world.community_a, name="理发")
    return reverse("needs:category_edit", args=[category.pk])


NEED_PAGE = redirect("request", lambda w, url: Need.objects.get().get_absolute_url())
# The grid worker sees the request, so the office's actions answer with its page and a refusal.
NEED_PAGE_REFUSED = Outcome(302, location=NEED_PAGE.location, label="request, refused", service_refuses=True)
CONTACT = Outcome(200, content=shows_resident_contact, label="contact")
NEED_MASKED = Outcome(200, content=shows_resident_masked, label="masked")
MY_REQUESTS = Outcome(200, content=shows_need_a_to_its_resident_only, label="my requests")
NEED_BOARD = Outcome(200, content=board_shows_need_a_to_team_a, label="board")


def grid_url(world: World) -> str:
    need_a(world)
    return reverse("needs:grid")


def lists_need_a_of_the_grid_masked(world: World, html: str, role: str) -> None:
    assert f'data-testid="need-{Need.objects.get().pk}"' in html
    assert national_phone(RESIDENT_PHONE) not in html
    assert RESIDENT_ADDRESS not in html


def lists_grid_a_worker_masked(world: World, html: str, role: str) -> None:
    worker = world.users[GRID_A]
    assert GRID_A_GRID in html
    assert mask_phone(worker.phone) in html
    assert national_phone(worker.phone) not in html


def grid_post_url(world: World) -> str:
    return reverse("needs:grid_worker_remove", args=[GridWorker.objects.get().pk])


GRID_LIST = Outcome(200, content=lists_need_a_of_the_grid_masked, label="my grid")
GRID_WORKERS = Outcome(200, content=lists_grid_a_worker_masked, label="grid workers")
GRID_WORKERS_PAGE = redirect("grid workers", lambda w, url: reverse("needs:grid_workers"))
NEED_QUEUE = Outcome(200, content=lists_need_a_masked, label="queue")


WISH_FOR = "留守儿童何小宝"


def wish_a(world: World, state: str = Wish.State.OPEN) -> Wish:
    """A wish of community A; claimed by member A and fulfilled with a photo, as the row needs."""
    wish = wish_services.post_wish(
        by=world.users[COMMUNITY_A_STAFF], office=world.community_a, title="一个新书包", beneficiary=WISH_FOR
    )
    member = world.member_a.volunteer
    if state != Wish.State.OPEN:
        wish_services.claim_wish(wish=wish, by=member.user, volunteer=member)
    if state == Wish.State.FULFILLED:
        upload = SimpleUploadedFile("p.png", _png())
        wish_services.fulfil_wish(wish=wish, by=member.user, note="送到了", upload=upload)
    return wish


def wish_url(name: str, state: str = Wish.State.OPEN) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[wish_a(w, state).pk])


def wall_url(world: World) -> str:
    wish_a(world)
    return reverse("needs:wishes")


def shows_wish_never_for_whom(world: World, html: str, role: str) -> None:
    assert "一个新书包" in html
    assert WISH_FOR not in html


def shows_wish_for_whom(world: World, html: str, role: str) -> None:
    assert WISH_FOR in html


def wish_claimed_by_volunteers(world: World, user) -> bool:
    """Whoever has a volunteer profile claims it; the others are told why not."""
    if user is None:
        return False
    return Wish.objects.get().state == Wish.State.CLAIMED or not Volunteer.objects.filter(user=user).exists()


WISH_PAGE = redirect("wish", lambda w, url: Wish.objects.get().get_absolute_url())
WISH_PUBLIC = Outcome(200, content=shows_wish_never_for_whom, label="wish, public")
WISH_FOR_STAFF = Outcome(200, content=shows_wish_for_whom, label="wish, for whom")


def shows_own_pickup_code_only(world: World, html: str, role: str) -> None:
    """My points: member A sees the pickup code of their order; nobody else does."""
    assert (civic_a(world).order.pickup_code in html) is (role == MEMBER_A)


def shows_waiting_order_without_code(world: World, html: str, role: str) -> None:
    """The hand-over page names who waits, never the code that proves the order is theirs."""
    assert world.member_a.name in html
    assert civic_a(world).order.pickup_code not in html
    assert world.member_a.full_phone not in html


def order_a_state(world: World) -> str:
    return Order.objects.get(pk=civic_a(world).order.pk).state


def civic_url(name: str, arg: Callable[[World], int] | None = lambda w: w.community_a.pk) -> Callable[[World], str]:
    """A points page, community A's unless `arg` says which object; the points world made first."""

    def url(world: World) -> str:
        civic_a(world)
        return reverse(name, args=[arg(world)] if arg else [])

    return url


MY_POINTS = Outcome(200, content=shows_own_pickup_code_only, label="my points")
WAITING_ORDERS = Outcome(200, content=shows_waiting_order_without_code, label="waiting orders")
POINTS_RANKING = Outcome(200, content=shows_ranking_masked, label="points ranking")
MY_POINTS_PAGE = redirect("my points", lambda w, url: reverse("civic:my_points"))
SHOP_A = redirect("shop A", lambda w, url: reverse("civic:shop", args=[w.community_a.pk]))
HAND_OVER_A = redirect("hand-over A", lambda w, url: reverse("civic:hand_over", args=[w.community_a.pk]))
DEEDS_A = redirect("deeds A", lambda w, url: reverse("civic:deeds", args=[w.community_a.pk]))
CATALOGUE_A = redirect("catalogue A", lambda w, url: reverse("civic:catalogue", args=[w.community_a.pk]))
PARTY_A = redirect("party A", lambda w, url: reverse("civic:party_members", args=[w.community_a.pk]))


def shows_reported_member_a(world: World, html: str, role: str) -> None:
    assert world.member_a.name in html
    assert world.member_a.full_phone not in html
    assert world.member_a.full_id_number not in html


REPORTED_MEMBERS = Outcome(200, content=shows_reported_member_a, label="reported members")


def confirmed_report_a_url(name: str) -> Callable[[World], str]:
    """Member A's report, confirmed by community A's staff: its quarter can be commented on."""

    def url(world: World) -> str:
        report = civic_a(world).report
        if PartyReport.objects.get(pk=report.pk).state == PartyReport.State.PENDING:
            decide_report(report=report, approved=True, by=world.users[COMMUNITY_A_STAFF])
        return reverse(name, args=[report.pk])

    return url


EVALUATION_A = redirect(
    "evaluation A", lambda w, url: reverse("civic:evaluation", args=[civic_a(w).nomination.evaluation_id])
)
NEW_EVALUATION = redirect(
    "new evaluation", lambda w, url: reverse("civic:evaluation", args=[Evaluation.objects.latest("pk").pk])
)
RESULTS_A = redirect(
    "results A", lambda w, url: reverse("civic:evaluation_results", args=[civic_a(w).nomination.evaluation_id])
)


def opens_an_evaluation(world: World) -> dict:
    today = timezone.localdate()
    return {
        "title": "甲社区文明户评选",
        "kind": "household",
        "nominations_from": f"{today:%Y-%m-%d}",
        "nominations_to": f"{today + datetime.timedelta(days=5):%Y-%m-%d}",
        "voting_from": f"{today + datetime.timedelta(days=6):%Y-%m-%d}",
        "voting_to": f"{today + datetime.timedelta(days=9):%Y-%m-%d}",
        "seats": "3",
        "votes_per_voter": "3",
        "voters": "residents",
    }


def evaluation_a_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[civic_a(w).nomination.evaluation_id])


def shows_registration_masked(world: World, html: str, role: str) -> None:
    """Member A's registration: its number in full only for staff with the PII flag."""
    unit_registration_a(world)
    assert "甲区统计局" in html
    assert (UNIT_PHONE in html) is (role in (STREET_STAFF, SUPERUSER))
    assert world.member_a.full_phone not in html


def shows_own_registration(world: World, html: str, role: str) -> None:
    """One's own registrations only: member A sees theirs, masked; nobody else sees it."""
    assert ("甲区统计局" in html) is (role == MEMBER_A)
    assert UNIT_PHONE not in html


def party_members_with_a_registration(world: World) -> str:
    unit_registration_a(world)
    return civic_url("civic:party_members")(world)


def unit_registration_url(world: World) -> str:
    unit_registration_a(world)
    return reverse("civic:unit_registration")


def shows_unit_a(world: World, html: str, role: str) -> None:
    """The unit's page: its contact (member A) and staff with the PII flag see the full number."""
    assert "甲区统计局" in html
    assert (UNIT_PHONE in html) is (role in (MEMBER_A, STREET_STAFF, SUPERUSER))


REGISTRATIONS_WAITING = Outcome(200, content=shows_registration_masked, label="registrations, masked")
MY_REGISTRATIONS = Outcome(200, content=shows_own_registration, label="my registrations")
UNIT_A_PAGE = Outcome(200, content=shows_unit_a, label="unit A")
UNIT_A = redirect("unit A", lambda w, url: unit_a(w).get_absolute_url())
UNIT_REGISTRATIONS = redirect("unit registrations", lambda w, url: reverse("civic:unit_registration"))


POINTS_OFFICE_A = redirect("points A", lambda w, url: f"{reverse('civic:office')}?office={w.community_a.pk}")


# fmt: off
CASES = [
    #     anonymous  newcomer  volunteer  member_a  leader_a  leader_b  community_a  street  superuser
    Case("root", lambda w: reverse("root"),
         row(HOME, PROFILE, HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    Case("password-reset-by-phone", lambda w: reverse("account_reset_password"),
         row(*[LOGIN_BY_CODE] * 9)),
    # Elder mode and the language are display choices, open to everyone.
    Case("elder-mode", lambda w: reverse("set_elder_mode"), method=POST, data=lambda w: {"on": "1"},
         expect=row(*[HOME] * 9)),
    Case("set-language", lambda w: reverse("set_language"), method=POST,
         data=lambda w: {"language": "en", "next": "/teams/"},
         expect=row(*[TEAM_LIST_AFTER_LANGUAGE] * 9)),

    Case("teams:list", lambda w: reverse("teams:list"),
         row(LOGIN, PROFILE, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM,
             PUBLIC_TEAM)),
    Case("teams:create", lambda w: reverse("teams:create"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    # Whoever holds the invitation link may open it.
    Case("teams:invite", lambda w: reverse("teams:invite", args=[w.team_a.invite_code]),
         row(LOGIN, PROFILE, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM, PUBLIC_TEAM,
             PUBLIC_TEAM)),
    Case("teams:detail", team_a_url("teams:detail"),
         row(LOGIN, PROFILE, PUBLIC_TEAM, PUBLIC_TEAM, MEMBERS, PUBLIC_TEAM, MEMBERS, MEMBERS, MEMBERS)),
    Case("teams:edit", team_a_url("teams:edit"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    # Anyone may ask to join or leave; the service answers with a message.
    Case("teams:join", team_a_url("teams:join"), method=POST,
         expect=row(LOGIN, PROFILE, TEAM_A_PAGE, TEAM_A_PAGE, TEAM_A_PAGE, TEAM_A_PAGE, TEAM_A_PAGE, TEAM_A_PAGE,
                    TEAM_A_PAGE)),
    # Invitations: one's own only; nobody else's answer can be given, or its existence learned.
    Case("teams:invitations", lambda w: reverse("teams:invitations"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    Case("teams:invitation_answer",
         lambda w: reverse("teams:invitation_answer", args=[w.invitation_a.pk, "accept"]), method=POST,
         expect=row(LOGIN, PROFILE, INVITATIONS, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
                    grid=NOT_FOUND),  # the invitation is the volunteer's
         effect=lambda w, user: Membership.objects.get(pk=w.invitation_a.pk).status == "active"),
    # The audit log: the admins of an office (its staff and those above), nobody else.
    Case("teams:audit", lambda w: reverse("teams:audit"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("teams:leave", team_a_url("teams:leave"), method=POST,
         expect=row(LOGIN, PROFILE, TEAM_LIST, TEAM_LIST, TEAM_LIST, TEAM_LIST, TEAM_LIST, TEAM_LIST, TEAM_LIST)),
    Case("teams:invite_renew", team_a_url("teams:invite_renew"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, TEAM_A_PAGE, NOT_FOUND, TEAM_A_PAGE, TEAM_A_PAGE,
                    TEAM_A_PAGE),
         effect=lambda w, user: Team.objects.get(pk=w.team_a.pk).invite_code != w.team_a.invite_code),
    Case("teams:decide-approve", decision_url("approve"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, TEAM_A_PAGE, NOT_FOUND, TEAM_A_PAGE, TEAM_A_PAGE,
                    TEAM_A_PAGE),
         effect=lambda w, user: applicant_status(w) == Membership.Status.ACTIVE),
    Case("teams:decide-refuse", decision_url("refuse"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, TEAM_A_PAGE, NOT_FOUND, TEAM_A_PAGE, TEAM_A_PAGE,
                    TEAM_A_PAGE),
         effect=lambda w, user: applicant_status(w) == Membership.Status.REFUSED),
    Case("teams:set_role",
         lambda w: reverse("teams:set_role", args=[w.team_a.pk, w.member_a_membership.pk]),
         method=POST, data=lambda w: {"role": Membership.Role.LEADER},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TEAM_A_PAGE, TEAM_A_PAGE,
                    TEAM_A_PAGE),
         effect=lambda w, user: Membership.objects.get(pk=w.member_a_membership.pk).role == Membership.Role.LEADER),

    Case("volunteers:home", lambda w: reverse("volunteers:home"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    Case("volunteers:me", lambda w: reverse("volunteers:me"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    Case("volunteers:profile", lambda w: reverse("volunteers:profile"),
         row(LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)),
    # The superuser has no profile, hence no card.
    Case("volunteers:card", lambda w: reverse("volunteers:card"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, PROFILE)),
    Case("volunteers:card_reissue", lambda w: reverse("volunteers:card_reissue"), method=POST,
         expect=row(LOGIN, PROFILE, MY_CARD, MY_CARD, MY_CARD, MY_CARD, MY_CARD, MY_CARD, PROFILE),
         effect=card_was_reissued),
    # Member A's page: the person, team A's leader, the offices above team A.
    Case("volunteers:detail", lambda w: reverse("volunteers:detail", args=[w.member_a.volunteer.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, FULL_PII, MASKED_PII, NOT_FOUND, MASKED_PII, FULL_PII, FULL_PII)),
    # The same page for a member of team B: team A's leader and community are strangers there.
    Case("volunteers:detail-team-b", lambda w: reverse("volunteers:detail", args=[w.member_b.volunteer.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK)),
    Case("volunteers:card_sheet", team_a_url("volunteers:card_sheet"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("volunteers:roster_template", team_a_url("volunteers:roster_template"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("volunteers:roster_import", team_a_url("volunteers:roster_import"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    # A big roster checked by a worker: its preview is for the office's staff, like the upload.
    Case("volunteers:roster_checked",
         lambda w: reverse("volunteers:roster_checked", args=[w.team_a.pk, roster_check_a(w).pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ROSTER_CHECKED, ROSTER_CHECKED,
             ROSTER_CHECKED)),
    # A big team's card sheet prepared as a file: whoever may print the cards.
    Case("volunteers:card_sheet_prepare", team_a_url("volunteers:card_sheet_prepare"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, JOB_PAGE, NOT_FOUND, JOB_PAGE, JOB_PAGE, JOB_PAGE),
         effect=lambda w, user: Job.objects.filter(kind="card_sheet", params__team=w.team_a.pk).exists()),
    # Nothing was uploaded: the allowed ones are sent back to the upload page.
    Case("volunteers:roster_confirm", team_a_url("volunteers:roster_confirm"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ROSTER_IMPORT, ROSTER_IMPORT,
                    ROSTER_IMPORT)),
    # Ranking lists: members of a team of the office tree and its staff; public names only (rule 12).
    Case("hours:recognition",
         lambda w: reverse("hours:recognition", args=[w.community_a.pk]) + "?period=all",
         row(LOGIN, PROFILE, NOT_FOUND, RANKING, RANKING, NOT_FOUND, RANKING, RANKING, RANKING)),
    Case("hours:honour_award", lambda w: reverse("hours:honour_award", args=[w.community_a.pk]),
         method=POST, data=lambda w: {"volunteer": w.member_a.volunteer.pk, "title": "outstanding", "period": "2026"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RANKING_PAGE, RANKING_PAGE,
                    RANKING_PAGE),
         effect=lambda w, user: Honour.objects.filter(volunteer=w.member_a.volunteer).exists()),
    Case("hours:honour_revoke", lambda w: reverse("hours:honour_revoke", args=[honour_of_member_a(w).pk]),
         method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RANKING_PAGE, RANKING_PAGE,
                    RANKING_PAGE),
         effect=lambda w, user: Honour.objects.filter(revoked_at__isnull=False).exists()),
    # Certificates (rule 13): my own, from my hours (those without records are sent back there);
    # staff of the office issue one for anyone in their teams; the verification page is public.
    Case("hours:my_certificate", lambda w: reverse("hours:my_certificate"), method=POST,
         expect=row(LOGIN, PROFILE, MY_HOURS_PAGE, CERTIFICATE_PAGE, MY_HOURS_PAGE, MY_HOURS_PAGE, MY_HOURS_PAGE,
                    MY_HOURS_PAGE, PROFILE)),
    Case("hours:certificate_detail", lambda w: certificate_of_member_a(w).get_absolute_url(),
         row(LOGIN, PROFILE, NOT_FOUND, CERTIFICATE, NOT_FOUND, NOT_FOUND, CERTIFICATE, CERTIFICATE, CERTIFICATE)),
    Case("hours:certificate_issue",
         lambda w: reverse("hours:certificate_issue", args=[w.member_a.volunteer.pk]), method=POST,
         data=lambda w: {"from": "2000-01-01", "to": f"{timezone.localdate():%Y-%m-%d}"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CERTIFICATE_PAGE, CERTIFICATE_PAGE,
                    CERTIFICATE_PAGE),
         effect=lambda w, user: Certificate.objects.filter(issued_by=user).exists()),
    # Staff of the recording office or above withdraw a certificate; its holder cannot.
    Case("hours:certificate_withdraw",
         lambda w: reverse("hours:certificate_withdraw", args=[certificate_of_member_a(w).pk]), method=POST,
         data=lambda w: {"reason": "时长登记有误", "confirm": "on"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CERTIFICATE_PAGE, CERTIFICATE_PAGE,
                    CERTIFICATE_PAGE),
         effect=lambda w, user: Certificate.objects.filter(withdrawn_at__isnull=False).exists()),
    # A whole office's certificates, issued and printed by a worker: staff of the office or above.
    Case("hours:certificate_batch", lambda w: reverse("hours:certificate_batch"), method=POST,
         data=lambda w: {"batch-office": w.community_a.pk, "batch-period_from": f"{w.record_a.service_date:%Y-01-01}",
                         "batch-period_to": f"{w.record_a.service_date:%Y-%m-%d}"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, JOB_PAGE, JOB_PAGE, JOB_PAGE),
         effect=lambda w, user: Job.objects.filter(kind="certificates", office=w.community_a).exists()),
    Case("hours:certificate_list", certificate_list_url,
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CERTIFICATE_LIST, CERTIFICATE_LIST,
             CERTIFICATE_LIST)),
    Case("hours:verify",
         lambda w: reverse("hours:verify", args=[certificate_of_member_a(w).verify_code]),
         row(*[RANKING] * 9)),

    # The ledger: my own hours; corrections of my own records; office staff decide and close months.
    Case("hours:my_hours", lambda w: reverse("hours:my_hours"),
         row(LOGIN, PROFILE, MY_HOURS, MY_HOURS, MY_HOURS, MY_HOURS, MY_HOURS, MY_HOURS, PROFILE)),
    Case("hours:correction_request",
         lambda w: reverse("hours:correction_request", args=[w.record_a.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    # Member A's records: those who run team A; leaders of another team, members and the person see none.
    Case("hours:volunteer_records",
         lambda w: reverse("hours:volunteer_records", args=[w.member_a.volunteer.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, RECORDS_A, NOT_FOUND, RECORDS_A, RECORDS_A, RECORDS_A)),
    # Staff of the recording office (or above) correct record A; its team's leader asks them to.
    Case("hours:record_correct",
         lambda w: reverse("hours:record_correct", args=[w.record_a.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RECORDS_A, RECORDS_A, RECORDS_A)),
    Case("hours:record_correction_ask",
         lambda w: reverse("hours:record_correction_ask", args=[w.record_a.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, RECORDS_A, NOT_FOUND, CORRECT_RECORD_A, CORRECT_RECORD_A,
             CORRECT_RECORD_A)),
    Case("hours:correction_queue", lambda w: reverse("hours:correction_queue"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, QUEUE, QUEUE, QUEUE)),
    # Leaders do not decide corrections: staff of the record's office do.
    Case("hours:correction_decide",
         lambda w: reverse("hours:correction_decide", args=[w.correction_a.pk]),
         method=POST, data=lambda w: {"decision": "approve"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CORRECTION_QUEUE, CORRECTION_QUEUE,
                    CORRECTION_QUEUE),
         effect=lambda w, user: CorrectionRequest.objects.get(pk=w.correction_a.pk).state == "approved"),
    Case("hours:backfill_request", team_a_url("hours:backfill_request"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("hours:backfill_member_search", searching(team_a_url("hours:backfill_member_search")),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, MEMBER_SEARCH, NOT_FOUND, MEMBER_SEARCH, MEMBER_SEARCH,
             MEMBER_SEARCH)),
    Case("hours:backfill_queue", lambda w: reverse("hours:backfill_queue"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, QUEUE, QUEUE, QUEUE)),
    # Leader A asked for backfill A: a leader never approves, staff of community A or above do.
    Case("hours:backfill_decide",
         lambda w: reverse("hours:backfill_decide", args=[w.backfill_a.pk]),
         method=POST, data=lambda w: {"decision": "approve"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BACKFILL_QUEUE, BACKFILL_QUEUE,
                    BACKFILL_QUEUE),
         effect=lambda w, user: BackfillRequest.objects.get(pk=w.backfill_a.pk).state == "approved"),
    Case("hours:months", lambda w: reverse("hours:months"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("hours:month_close", lambda w: reverse("hours:month_close"), method=POST,
         data=lambda w: {"office": w.community_a.pk, "month": last_month(), "confirm": "on"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, MONTHS, MONTHS, MONTHS),
         effect=lambda w, user: MonthClose.objects.filter(office=w.community_a).exists()),
    # The monthly workbook: staff of the office or above; full numbers need the PII flag and a POST
    # of unmasked=1 (a GET cannot ask for them: another site could start one).
    # The office dashboard: staff of the office or above; nothing in the address to hide, so 403.
    Case("hours:dashboard", lambda w: f"{reverse('hours:dashboard')}?month={w.record_a.service_date:%Y-%m}",
         row(LOGIN, PROFILE, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, DASHBOARD, DASHBOARD, DASHBOARD)),
    Case("hours:exports", lambda w: reverse("hours:exports"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("hours:export_xlsx", export_url("hours:export_xlsx"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("hours:export_xlsx-unmasked", export_url("hours:export_xlsx", unmasked=True), method=POST,
         data=lambda w: {"unmasked": "1"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)),
    # The workbook prepared in the background: asked for by community A's staff; the job, its progress and
    # its file are for the person who asked and staff of the office or above; anyone else gets a 404.
    Case("hours:export_prepare", lambda w: reverse("hours:export_prepare"), method=POST,
         data=lambda w: {"prepare-office": w.community_a.pk, "prepare-month": f"{w.record_a.reported_month:%Y-%m}"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, JOB_PAGE, JOB_PAGE, JOB_PAGE),
         effect=lambda w, user: Job.objects.filter(office=w.community_a).exists()),
    Case("jobs:detail", job_url("jobs:detail", workbook_job_a),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, JOB_A, JOB_A, JOB_A)),
    Case("jobs:status", job_url("jobs:status", workbook_job_a),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("jobs:download", job_url("jobs:download", workbook_job_a),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("jobs:retry", job_url("jobs:retry", failed_job_a), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RETRIED_JOB_PAGE, RETRIED_JOB_PAGE,
                    RETRIED_JOB_PAGE),
         effect=lambda w, user: job_state_after_retry(w) == Job.State.QUEUED),
    Case("hours:export_csv", export_url("hours:export_csv"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CSV_MASKED, CSV_MASKED, CSV_MASKED)),
    Case("hours:export_csv-unmasked", export_url("hours:export_csv", unmasked=True), method=POST,
         data=lambda w: {"unmasked": "1"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CSV_UNMASKED,
                    CSV_UNMASKED)),

    # A new password without the old one: only just after signing in with a texted code.
    Case("new_password", lambda w: reverse("new_password"),
         row(LOGIN, PROFILE, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD, CHANGE_PASSWORD,
             CHANGE_PASSWORD, CHANGE_PASSWORD)),
    Case("notifications", lambda w: reverse("notifications"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),

    # Shift A is for team A only (not public).
    Case("shifts:list", lambda w: reverse("shifts:list"),
         row(LOGIN, PROFILE, WITHOUT_SHIFT_A, WITH_SHIFT_A, WITH_SHIFT_A, WITHOUT_SHIFT_A, WITH_SHIFT_A, WITH_SHIFT_A,
             WITH_SHIFT_A)),
    Case("shifts:mine", lambda w: reverse("shifts:mine"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    Case("shifts:calendar_feed", lambda w: reverse("shifts:calendar_feed"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    # The token in the address is the only credential: whoever holds it gets member A's feed, signed in or not.
    Case("shifts:ical", member_a_feed_url,
         row(*[WITH_SHIFT_A] * 9)),
    Case("shifts:create", team_a_url("shifts:create"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("shifts:detail", shift_a_url("shifts:detail"),
         row(LOGIN, PROFILE, NOT_FOUND, OK, SHIFT_ROSTER, NOT_FOUND, SHIFT_ROSTER, SHIFT_ROSTER, SHIFT_ROSTER)),
    Case("shifts:edit", shift_a_url("shifts:edit"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("shifts:series_create", team_a_url("shifts:series_create"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("shifts:series_edit", lambda w: reverse("shifts:series_edit", args=[w.series_a.pk]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    # The sign-in sheet (.xlsx) names the people: only for those who run team A.
    Case("shifts:sign_in_sheet", shift_a_url("shifts:sign_in_sheet"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    # The scanner and its endpoint: those who run team A, like the sign-in sheet.
    Case("shifts:scanner", shift_a_url("shifts:scanner"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    # A JSON endpoint: no redirect to the profile form; whoever does not run the team gets 404.
    Case("shifts:scan", shift_a_url("shifts:scan"), method=POST,
         expect=row(SIGNED_OUT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_JSON, NOT_FOUND, NOT_JSON, NOT_JSON, NOT_JSON)),
    # The 扫码 tab: for those who run a team (its list holds their own teams' shifts only).
    Case("shifts:scan_start", lambda w: reverse("shifts:scan_start"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, OK, OK, OK, OK, OK)),
    # The proxy's health check: machines ask it, signed in or not.
    Case("healthz", lambda w: reverse("healthz"),
         row(OK, OK, OK, OK, OK, OK, OK, OK, OK)),
    # What "add to home screen" reads: the same for everyone.
    Case("manifest", lambda w: reverse("manifest"),
         row(OK, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    # The scanner's service worker is a static script served from /shifts/ for its scope.
    Case("shifts:scanner_sw", lambda w: reverse("shifts:scanner_sw"),
         row(OK, PROFILE, OK, OK, OK, OK, OK, OK, OK)),
    # Team A's calendar: its active members and those who run it.
    Case("shifts:team_calendar", team_a_url("shifts:team_calendar"),
         row(LOGIN, PROFILE, NOT_FOUND, WITH_SHIFT_A, WITH_SHIFT_A, NOT_FOUND, WITH_SHIFT_A, WITH_SHIFT_A,
             WITH_SHIFT_A)),
    # Member A is signed up already; the service answers the others with a message. No profile, no sign-up.
    Case("shifts:signup", shift_a_url("shifts:signup"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    PROFILE)),
    Case("shifts:cancel_signup", shift_a_url("shifts:cancel_signup"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    SHIFT_A_PAGE)),
    Case("shifts:cancel", shift_a_url("shifts:cancel"), method=POST, data=lambda w: {"reason": "下雨"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    SHIFT_A_PAGE),
         effect=lambda w, user: Shift.objects.get(pk=w.shift_a.pk).is_cancelled),
    Case("shifts:member_search", searching(shift_a_url("shifts:member_search")),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, MEMBER_SEARCH, NOT_FOUND, MEMBER_SEARCH, MEMBER_SEARCH,
             MEMBER_SEARCH)),
    Case("shifts:roster_add", shift_a_url("shifts:roster_add"), method=POST,
         data=lambda w: {"volunteer": w.leader_a.volunteer.pk},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    SHIFT_A_PAGE),
         effect=lambda w, user: Signup.objects.live().filter(shift=w.shift_a, volunteer=w.leader_a.volunteer).exists()),
    Case("shifts:roster_remove",
         lambda w: reverse("shifts:roster_remove", args=[w.shift_a.pk, w.member_a_signup.pk]),
         method=POST, data=lambda w: {"reason": "临时有事"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    SHIFT_A_PAGE),
         effect=lambda w, user: Signup.objects.get(pk=w.member_a_signup.pk).status == Signup.Status.REMOVED),

    # The attendance sheet names the people: only for those who run team A.
    Case("shifts:attendance", shift_a_url("shifts:attendance"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_ROSTER, NOT_FOUND, SHIFT_ROSTER, SHIFT_ROSTER, SHIFT_ROSTER)),
    Case("shifts:attendance_mark", shift_a_url("shifts:attendance_mark"), method=POST,
         data=lambda w: {"volunteer": w.member_a.volunteer.pk, "action": "on_leave"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_SHEET, NOT_FOUND, SHIFT_A_SHEET, SHIFT_A_SHEET,
                    SHIFT_A_SHEET),
         effect=lambda w, user: Attendance.objects.filter(
             shift=w.shift_a, volunteer=w.member_a.volunteer, status=Attendance.Status.ON_LEAVE).exists()),
    # Shift A is still to come: the allowed ones are told the times are not yet possible.
    Case("shifts:attendance_walk_in", shift_a_url("shifts:attendance_walk_in"), method=POST,
         data=lambda w: {"volunteer": w.leader_a.volunteer.pk, "checked_in": "09:00"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_SHEET, NOT_FOUND, SHIFT_A_SHEET, SHIFT_A_SHEET,
                    SHIFT_A_SHEET)),
    Case("shifts:attendance_confirm", shift_a_url("shifts:attendance_confirm"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, SHIFT_A_SHEET, NOT_FOUND, SHIFT_A_SHEET, SHIFT_A_SHEET,
                    SHIFT_A_SHEET)),
    Case("shifts:self_code", shift_a_url("shifts:self_code"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, WITH_SHIFT_A, NOT_FOUND, WITH_SHIFT_A, WITH_SHIFT_A, WITH_SHIFT_A)),
    # Whoever sees shift A may open its code; only someone on its roster is checked in (not yet: it is to come).
    Case("shifts:self_check", lambda w: reverse("shifts:self_check", args=[w.shift_a.pk, current_code(w.shift_a.pk)]),
         row(LOGIN, PROFILE, NOT_FOUND, WITH_SHIFT_A, WITH_SHIFT_A, NOT_FOUND, WITH_SHIFT_A, WITH_SHIFT_A, PROFILE)),
    Case("shifts:self_check-post",
         lambda w: reverse("shifts:self_check", args=[w.shift_a.pk, current_code(w.shift_a.pk)]), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE, NOT_FOUND, SHIFT_A_PAGE, SHIFT_A_PAGE,
                    PROFILE)),

    # Residents' requests. The newcomer is the resident who raised request A (no profile needed);
    # team A's people see it while it is open to them, masked; its office sees everything.
    Case("needs:mine", mine_url,
         row(LOGIN, MY_REQUESTS, MY_REQUESTS, MY_REQUESTS, MY_REQUESTS, MY_REQUESTS, MY_REQUESTS, MY_REQUESTS,
             MY_REQUESTS)),
    Case("needs:raise", lambda w: reverse("needs:raise"),
         row(LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)),
    Case("needs:board", board_url,
         row(LOGIN, PROFILE, NEED_BOARD, NEED_BOARD, NEED_BOARD, NEED_BOARD, NEED_BOARD, NEED_BOARD, NOT_FOUND)),
    Case("needs:taken", lambda w: reverse("needs:taken"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, NOT_FOUND)),
    Case("needs:detail", need_url("needs:detail"),
         row(LOGIN, CONTACT, NOT_FOUND, NEED_MASKED, NEED_MASKED, NOT_FOUND, NEED_MASKED, CONTACT, CONTACT,
             grid=NEED_MASKED)),
    Case("needs:detail-taken", need_url("needs:detail", Need.State.TAKEN),
         row(LOGIN, CONTACT, NOT_FOUND, CONTACT, NOT_FOUND, NOT_FOUND, NEED_MASKED, CONTACT, CONTACT,
             grid=NEED_MASKED)),
    Case("needs:detail-done", need_url("needs:detail", Need.State.DONE),
         row(LOGIN, CONTACT, NOT_FOUND, NEED_MASKED, NOT_FOUND, NOT_FOUND, NEED_MASKED, CONTACT, CONTACT,
             grid=NEED_MASKED)),
    Case("needs:photo", need_url("needs:photo", photo=True),
         row(LOGIN, OK, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK, OK, grid=OK)),
    Case("needs:photo_hide", need_url("needs:photo_hide", photo=True), method=POST, data=lambda w: {"reason": "肖像"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    Case("needs:accept", need_url("needs:accept", Need.State.SUBMITTED), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED),
         effect=need_state(Need.State.ACCEPTED)),
    Case("needs:refuse", need_url("needs:refuse", Need.State.SUBMITTED), method=POST,
         data=lambda w: {"reason": "不在服务范围"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED),
         effect=need_state(Need.State.REFUSED)),
    Case("needs:dispatch", need_url("needs:dispatch", Need.State.ACCEPTED), method=POST,
         data=lambda w: {"audience": "board", "places": "1"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED),
         effect=need_state(Need.State.DISPATCHED)),
    # The dispatch form's picker: team A's active people, masked, for its office's staff only.
    Case("needs:volunteer_search", searching(need_url("needs:volunteer_search", Need.State.ACCEPTED)),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, MEMBER_SEARCH, MEMBER_SEARCH,
             MEMBER_SEARCH)),
    Case("needs:hide", need_url("needs:hide"), method=POST, data=lambda w: {"reason": "不当内容"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    Case("needs:cancel", need_url("needs:cancel"), method=POST, data=lambda w: {"reason": "已解决"},
         expect=row(LOGIN, NEED_PAGE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    Case("needs:take", need_url("needs:take"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    Case("needs:finish", need_url("needs:finish", Need.State.TAKEN), method=POST,
         data=lambda w: {"started_at": "2026-01-05T09:00", "minutes": "60", "note": "理完了"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NEED_PAGE, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    Case("needs:confirm", need_url("needs:confirm", Need.State.DONE), method=POST, data=lambda w: {"rating": "5"},
         expect=row(LOGIN, NEED_PAGE, NOT_FOUND, NEED_PAGE, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED),
         effect=lambda w, user: Need.objects.get().state == Need.State.CONFIRMED or user == w.member_a.volunteer.user),
    Case("needs:credit", need_url("needs:credit", Need.State.DONE), method=POST,
         data=lambda w: {"started_at": "2026-01-05T09:00", "minutes": "60"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NEED_PAGE, NOT_FOUND, NOT_FOUND, NEED_PAGE, NEED_PAGE, NEED_PAGE,
                    grid=NEED_PAGE_REFUSED)),
    # The grid worker's page: every request of their grid, masked; nobody else has one.
    Case("needs:grid", grid_url,
         row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
             grid=GRID_LIST)),
    Case("needs:grid_workers", lambda w: reverse("needs:grid_workers"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, GRID_WORKERS, GRID_WORKERS, GRID_WORKERS)),
    Case("needs:grid_worker_remove", grid_post_url, method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, GRID_WORKERS_PAGE, GRID_WORKERS_PAGE,
                    GRID_WORKERS_PAGE),
         effect=lambda w, user: not GridWorker.objects.exists()),
    Case("needs:queue", queue_url,
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NEED_QUEUE, NEED_QUEUE, NEED_QUEUE)),
    Case("needs:figures", lambda w: reverse("needs:figures"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("needs:categories", lambda w: reverse("needs:categories"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("needs:category_edit", category_url,
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),

    # Micro-wishes: the wall and a wish's page are public and name nobody; its office sees for whom.
    Case("needs:wishes", wall_url, row(*[WISH_PUBLIC] * 9)),
    Case("needs:wish", wish_url("needs:wish"),
         row(WISH_PUBLIC, WISH_PUBLIC, WISH_PUBLIC, WISH_PUBLIC, WISH_PUBLIC, WISH_PUBLIC, WISH_FOR_STAFF,
             WISH_FOR_STAFF, WISH_FOR_STAFF)),
    Case("needs:wish_photo", wish_url("needs:wish_photo", Wish.State.FULFILLED),
         row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("needs:wish_claim", wish_url("needs:wish_claim"), method=POST,
         expect=row(LOGIN, *[WISH_PAGE] * 8), effect=wish_claimed_by_volunteers),
    Case("needs:wish_unit_claim", wish_url("needs:wish_unit_claim"), method=POST,
         data=lambda w: {"unit_name": "区税务局党支部"}, expect=row(LOGIN, *[WISH_PAGE] * 8)),
    Case("needs:wish_fulfil", wish_url("needs:wish_fulfil", Wish.State.CLAIMED), method=POST,
         data=lambda w: {"note": "送到了"}, expect=row(LOGIN, *[WISH_PAGE] * 8)),
    Case("needs:wish_confirm", wish_url("needs:wish_confirm", Wish.State.FULFILLED), method=POST,
         expect=row(LOGIN, *[WISH_PAGE] * 8)),
    # Withdrawing a claimed wish: its office's staff only; the claimer and everyone else get a 404.
    Case("needs:wish_withdraw", wish_url("needs:wish_withdraw", Wish.State.CLAIMED), method=POST,
         data=lambda w: {"reason": "重复发布"},
         expect=row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, WISH_PAGE, WISH_PAGE, WISH_PAGE),
         effect=lambda w, user: Wish.objects.get().state == Wish.State.WITHDRAWN),
    Case("needs:my_wishes", lambda w: reverse("needs:my_wishes"),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, NOT_FOUND)),
    Case("needs:office_wishes", lambda w: reverse("needs:office_wishes"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),

    # Points (civic): my points and orders are my own; community A's supermarket is for those
    # who serve in its teams; its rules, catalogue, hand-over, good deeds and ranking for its staff.
    Case("civic:my_points", civic_url("civic:my_points", None),
         row(LOGIN, PROFILE, MY_POINTS, MY_POINTS, MY_POINTS, MY_POINTS, MY_POINTS, MY_POINTS, PROFILE)),
    Case("civic:shop", civic_url("civic:shop"),
         row(LOGIN, PROFILE, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, PROFILE)),
    # Member A has the points; leader A has none and is told so on the shop page.
    Case("civic:order", civic_url("civic:order", lambda w: civic_a(w).item.pk), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, MY_POINTS_PAGE, SHOP_A, NOT_FOUND, NOT_FOUND, NOT_FOUND, PROFILE)),
    Case("civic:order_cancel", civic_url("civic:order_cancel", lambda w: civic_a(w).order.pk), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, MY_POINTS_PAGE, NOT_FOUND, NOT_FOUND, HAND_OVER_A, HAND_OVER_A,
                    HAND_OVER_A),
         effect=lambda w, user: order_a_state(w) == Order.State.CANCELLED),
    Case("civic:office", civic_url("civic:office", None),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:policy", civic_url("civic:policy"), method=POST,
         data=lambda w: {"points_per_hour": "5"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, POINTS_OFFICE_A, POINTS_OFFICE_A,
                    POINTS_OFFICE_A),
         effect=lambda w, user: PointsPolicy.objects.get(office=w.community_a).points_per_hour == 5),
    Case("civic:ranking", civic_url("civic:ranking"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, POINTS_RANKING, POINTS_RANKING,
             POINTS_RANKING)),
    Case("civic:catalogue", civic_url("civic:catalogue"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:catalogue-post", civic_url("civic:catalogue"), method=POST,
         data=lambda w: {"name": "甲社区洗衣液", "price": "20", "stock": "3", "is_active": "on"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, CATALOGUE_A, CATALOGUE_A,
                    CATALOGUE_A),
         effect=lambda w, user: ShopItem.objects.filter(office=w.community_a, name="甲社区洗衣液").exists()),
    Case("civic:item_edit", civic_url("civic:item_edit", lambda w: civic_a(w).item.pk),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:hand_over", civic_url("civic:hand_over"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, WAITING_ORDERS, WAITING_ORDERS,
             WAITING_ORDERS)),
    Case("civic:hand_over-post", civic_url("civic:hand_over"), method=POST,
         data=lambda w: {"code": civic_a(w).order.pickup_code},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, HAND_OVER_A, HAND_OVER_A,
                    HAND_OVER_A),
         effect=lambda w, user: order_a_state(w) == Order.State.HANDED_OVER),
    Case("civic:deeds", civic_url("civic:deeds"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:deed_kind_add", civic_url("civic:deed_kind_add"), method=POST,
         data=lambda w: {"name": "帮助困难居民", "points": "10"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DEEDS_A, DEEDS_A, DEEDS_A),
         effect=lambda w, user: GoodDeedKind.objects.filter(office=w.community_a, name="帮助困难居民").exists()),
    # Recorded by another member of community A's staff: any of its staff (or above) may confirm.
    Case("civic:deed_decide", civic_url("civic:deed_decide", lambda w: civic_a(w).deed.pk), method=POST,
         data=lambda w: {"decision": "approve"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DEEDS_A, DEEDS_A, DEEDS_A),
         effect=lambda w, user: GoodDeed.objects.get(pk=civic_a(w).deed.pk).state == GoodDeed.State.APPROVED),

    # 在职党员双报到: one's own card and receipt; the community's staff confirm and see the hours.
    Case("civic:party_report", civic_url("civic:party_report", None),
         row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, PROFILE)),
    # Member A has reported already and the others are no party members: the card answers with why.
    Case("civic:party_report-post", civic_url("civic:party_report", None), method=POST,
         data=lambda w: {"office": w.community_a.pk, "grid": "第一网格"},
         expect=row(LOGIN, PROFILE, OK, OK, OK, OK, OK, OK, PROFILE)),
    Case("civic:party_members", civic_url("civic:party_members"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REPORTED_MEMBERS, REPORTED_MEMBERS,
             REPORTED_MEMBERS)),
    # The units' registrations waiting on the same page: the number masked but for the PII flag.
    Case("civic:party_members-registrations", party_members_with_a_registration,
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REGISTRATIONS_WAITING,
             REGISTRATIONS_WAITING, REGISTRATIONS_WAITING)),
    Case("civic:party_report_decide", civic_url("civic:party_report_decide", lambda w: civic_a(w).report.pk),
         method=POST, data=lambda w: {"decision": "approve"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: PartyReport.objects.get(pk=civic_a(w).report.pk).state == PartyReport.State.APPROVED),
    # The quarterly sheet for member A's unit: names its members, so for community A's staff only.
    Case("civic:unit_feedback",
         lambda w: reverse("civic:unit_feedback", args=[w.community_a.pk, civic_a(w).report.unit_id]),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:party_comment", confirmed_report_a_url("civic:party_comment"), method=POST,
         data=lambda w: {"text": "按时参加活动"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: QuarterComment.objects.filter(text="按时参加活动").exists()),
    Case("civic:party_target", civic_url("civic:party_target"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:party_target-post", civic_url("civic:party_target"), method=POST,
         data=lambda w: {"activities": "6", "hours": "40"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: ReportingTarget.objects.filter(office=w.community_a, activities=6).exists()),
    Case("civic:unit_add", civic_url("civic:unit_add"), method=POST, data=lambda w: {"name": "甲区卫健委"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: PartnerUnit.objects.filter(name="甲区卫健委").exists()),
    Case("civic:post_add", civic_url("civic:post_add"), method=POST, data=lambda w: {"name": "法律服务"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: ServicePost.objects.filter(name="法律服务").exists()),
    # Partner units register themselves: anyone with a profile sends one and follows their own;
    # community A's staff (and those above) decide; the unit's page is for them and its contact.
    Case("civic:unit_registration", unit_registration_url,
         row(LOGIN, PROFILE, MY_REGISTRATIONS, MY_REGISTRATIONS, MY_REGISTRATIONS, MY_REGISTRATIONS,
             MY_REGISTRATIONS, MY_REGISTRATIONS, PROFILE)),
    Case("civic:unit_registration-post", lambda w: reverse("civic:unit_registration"), method=POST,
         data=lambda w: {"office": w.community_a.pk, "name": "甲区卫健委", "contact_name": "吴联络员",
                         "contact_phone": "13912340001"},
         expect=row(LOGIN, PROFILE, *[UNIT_REGISTRATIONS] * 6, PROFILE),
         effect=lambda w, user: UnitRegistration.objects.filter(name="甲区卫健委", requested_by=user).exists()),
    Case("civic:unit_registration_decide",
         lambda w: reverse("civic:unit_registration_decide", args=[unit_registration_a(w).pk]),
         method=POST, data=lambda w: {"decision": "approve"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, PARTY_A, PARTY_A, PARTY_A),
         effect=lambda w, user: UnitRegistration.objects.get(pk=unit_registration_a(w).pk).state
         == UnitRegistration.State.APPROVED),
    Case("civic:unit", lambda w: unit_a(w).get_absolute_url(),
         row(LOGIN, PROFILE, NOT_FOUND, UNIT_A_PAGE, NOT_FOUND, NOT_FOUND, UNIT_A_PAGE, UNIT_A_PAGE, UNIT_A_PAGE)),
    # Staff add the unit's projects; its contact sees them but adds none.
    Case("civic:unit_project_add", lambda w: reverse("civic:unit_project_add", args=[unit_a(w).pk]), method=POST,
         data=lambda w: {"title": "甲社区清洁家园", "starts_on": "2026-08-01", "ends_on": "2026-08-01"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNIT_A, UNIT_A, UNIT_A),
         effect=lambda w, user: UnitProject.objects.filter(title="甲社区清洁家园").exists()),

    # Evaluations: staff open and close them; the office's staff and team members (nominators,
    # and here the voters) see one; its frozen results are public, names masked.
    Case("civic:evaluations", civic_url("civic:evaluations"),
         row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)),
    Case("civic:evaluations-post", civic_url("civic:evaluations"), method=POST, data=opens_an_evaluation,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NEW_EVALUATION, NEW_EVALUATION,
                    NEW_EVALUATION),
         effect=lambda w, user: Evaluation.objects.filter(title="甲社区文明户评选").exists()),
    Case("civic:evaluation", evaluation_a_url("civic:evaluation"),
         row(LOGIN, PROFILE, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK, OK)),
    # Nominations have closed: the allowed are told so on the evaluation's page.
    Case("civic:nominate", evaluation_a_url("civic:nominate"), method=POST,
         data=lambda w: {"phone": w.leader_a.full_phone, "reason": "热心"},
         expect=row(LOGIN, PROFILE, NOT_FOUND, EVALUATION_A, EVALUATION_A, NOT_FOUND, EVALUATION_A, EVALUATION_A,
                    EVALUATION_A)),
    # The office's volunteers vote; staff who are no team members are told they may not.
    Case("civic:vote", civic_url("civic:vote", lambda w: civic_a(w).nomination.pk), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, EVALUATION_A, EVALUATION_A, NOT_FOUND, EVALUATION_A, EVALUATION_A,
                    EVALUATION_A)),
    # Its staff name a panel; evaluation A's voters are the office's volunteers: they are told so.
    Case("civic:evaluation_panel", evaluation_a_url("civic:evaluation_panel"), method=POST,
         data=lambda w: {"members": [w.users[COMMUNITY_A_STAFF].pk]},
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, EVALUATION_A, EVALUATION_A,
                    EVALUATION_A)),
    # Voting is still on: the allowed are told the results cannot be frozen yet.
    Case("civic:evaluation_close", evaluation_a_url("civic:evaluation_close"), method=POST,
         expect=row(LOGIN, PROFILE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RESULTS_A, RESULTS_A, RESULTS_A)),
    Case("civic:evaluation_results", evaluation_a_url("civic:evaluation_results"),
         row(OK, PROFILE, OK, OK, OK, OK, OK, OK, OK)),

    # The admin signs in through the site's login and its rate limits; signed in without
    # admin rights, there is no admin.
    Case("admin_login", lambda w: f"{reverse('admin_login')}?next=/admin/",
         row(SITE_LOGIN_FOR_ADMIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
             ADMIN_INDEX)),
    # The admin is for is_staff users only; office staff work in the site itself.
    Case("admin:index", lambda w: reverse("admin:index"),
         row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN,
             OK)),
]
# fmt: on

POST_CASES = [case for case in CASES if case.method == POST]


@pytest.fixture
def world() -> World:
    return build_world()


def request(world: World, case: Case, role: str, **client_options):
    client = world.client_for(role, **client_options)
    url = case.url(world)
    if case.method == POST:
        return url, client.post(url, case.data(world))
    return url, client.get(url)


@pytest.mark.parametrize(
    ("case", "role"),
    [pytest.param(case, role, id=f"{case.id}-{role}") for case in CASES for role in ROLES],
)
def test_access(world, case, role):
    expected = case.expect[role]
    url, response = request(world, case, role)

    assert response.status_code == expected.status, f"{case.method.upper()} {url} as {role}: wanted {expected.label}"
    if expected.location is not None:
        assert response["Location"] == expected.location(world, url)
    if expected.content is not None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        expected.content(world, body.decode(), role)
    if case.effect is not None:
        assert case.effect(world, world.users[role]) is not expected.refused, "refused requests change nothing"


# ---------------------------------------------------------------- coverage of the URLconf


@dataclass(frozen=True)
class ProjectUrl:
    route: str  # as ResolverMatch.route spells it
    view_name: str | None  # namespace:name
    converters: dict  # argument name → converter, for a sample URL


def _is_allauth(resolver: URLResolver) -> bool:
    return getattr(resolver.urlconf_module, "__name__", "").startswith("allauth")


def project_urls(resolver: URLResolver | None = None, route: str = "", namespace: str = "", converters=None):
    """Every URL pattern of the project, allauth's and the admin's inner pages left out."""
    for pattern in (resolver or get_resolver()).url_patterns:
        pattern_route = route + str(pattern.pattern)
        pattern_converters = {**(converters or {}), **pattern.pattern.converters}
        if isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield ProjectUrl(pattern_route, name, pattern_converters)
        elif _is_allauth(pattern):
            continue
        elif pattern.namespace == "admin":
            yield ProjectUrl(pattern_route, "admin:index", {})  # the admin's front door; its inner pages are Django's
        else:
            inner_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_urls(pattern, pattern_route, inner_namespace, pattern_converters)


def test_every_url_is_in_the_matrix(world):
    covered = {resolve(case.url(world).split("?")[0]).route for case in CASES}
    routes = {url.route for url in project_urls()}

    assert routes - covered == set(), "add a row for each new URL to CASES (or a route is shadowed, see below)"
    assert covered - routes == set(), "a row opens a URL the walk does not know"
    assert {"admin/", "teams/<int:team_pk>/edit/", "me/"} <= routes  # the walk itself works
    assert not any(route.startswith("accounts/login") for route in routes)


SAMPLE_ARGUMENTS = {
    IntConverter: 7,
    StringConverter: "sample",
    SlugConverter: "sample",
    PathConverter: "sample",
    UUIDConverter: "6f1c2b9e-0d4a-4b8e-9a51-3c2d7e8f9a10",
}


@pytest.mark.parametrize("url", [pytest.param(url, id=url.route) for url in project_urls() if url.view_name])
def test_every_url_reaches_its_own_view(url):
    """An earlier, looser pattern (<str:...>) must not swallow a later literal one."""
    path = reverse(url.view_name, kwargs={name: SAMPLE_ARGUMENTS[type(c)] for name, c in url.converters.items()})

    assert resolve(path).view_name == url.view_name


# ---------------------------------------------------------------- more than the matrix


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in POST_CASES])
def test_posts_without_a_csrf_token_are_refused(world, case):
    client = world.client_for(SUPERUSER, enforce_csrf_checks=True)

    response = client.post(case.url(world), case.data(world))

    assert response.status_code == 403


def test_a_post_with_the_csrf_token_passes(world):
    client = world.client_for(LEADER_A, enforce_csrf_checks=True)
    client.get(world.team_a.get_absolute_url())  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(reverse("teams:invite_renew", args=[world.team_a.pk]), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == world.team_a.get_absolute_url()


# Django's set_language answers a GET with a redirect; the project's own POST views refuse it.
# The self check-in address is a page (GET) that posts to itself.
GET_TOO = {
    "set-language",
    "shifts:self_check-post",
    "civic:catalogue-post",
    "civic:hand_over-post",
    "civic:party_report-post",
    "civic:evaluations-post",
    "civic:party_target-post",
    "civic:unit_registration-post",
}


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in POST_CASES if case.id not in GET_TOO])
def test_post_only_urls_refuse_get(world, case):
    response = world.client_for(SUPERUSER).get(case.url(world))

    assert response.status_code == 405


@pytest.mark.parametrize("role", [VOLUNTEER, LEADER_A, LEADER_B])
def test_a_membership_of_another_team_cannot_be_decided_through_ones_own_team(world, role):
    """Team ids in the URL are checked against the membership, not only against the user."""
    own_team = world.team_b if role == LEADER_B else world.team_a
    other_pending = MembershipFactory(
        team=world.team_b if own_team == world.team_a else world.team_a,
        status=Membership.Status.PENDING,
        joined_on=None,
    )
    client = world.client_for(role)

    for url in (
        reverse("teams:decide", args=[own_team.pk, other_pending.pk, "approve"]),
        reverse("teams:set_role", args=[own_team.pk, other_pending.pk]),
    ):
        assert client.post(url, {"role": Membership.Role.LEADER}).status_code == 404
    other_pending.refresh_from_db()
    assert other_pending.status == Membership.Status.PENDING


def test_an_unknown_decision_is_not_found(world):
    url = reverse("teams:decide", args=[world.team_a.pk, world.applicant_membership.pk, "maybe"])

    assert world.client_for(LEADER_A).post(url).status_code == 404
    assert applicant_status(world) == Membership.Status.PENDING


# ---------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_teams(world: World, how_many: int) -> None:
    for _ in range(how_many):
        team = TeamFactory(office=world.community_a)
        MembershipFactory(team=team, user=VolunteerFactory().user)
        MembershipFactory(team=team, user=VolunteerFactory().user, status=Membership.Status.PENDING, joined_on=None)


def _add_members(world: World, how_many: int) -> None:
    for number in range(how_many):
        status = Membership.Status.PENDING if number % 3 == 0 else Membership.Status.ACTIVE
        MembershipFactory(team=world.team_a, user=VolunteerFactory().user, status=status)


@pytest.mark.parametrize("role", [VOLUNTEER, MEMBER_A, LEADER_A, STREET_STAFF, SUPERUSER])
def test_the_team_list_asks_the_same_number_of_queries_for_3_or_30_teams(world, role):
    client = world.client_for(role)
    url = reverse("teams:list")
    _add_teams(world, 1)  # world has 2 teams: 3 in all
    client.get(url)  # warm the per-process caches (content types, templates)

    few = _queries(client, url)
    _add_teams(world, 27)
    many = _queries(client, url)

    assert many == few


@pytest.mark.parametrize("role", [VOLUNTEER, LEADER_A, STREET_STAFF, SUPERUSER])
def test_the_member_list_asks_the_same_number_of_queries_for_3_or_30_members(world, role):
    client = world.client_for(role)
    url = world.team_a.get_absolute_url()
    client.get(url)

    few = _queries(client, url)  # team A has 3 people
    _add_members(world, 27)
    many = _queries(client, url)

    assert many == few
