"""The request's state machine (needs/services.py): every allowed move, every refused one."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from accounts.models import Notification
from hours.models import ServiceRecord
from needs import permissions, photos, services
from needs.models import Category, Need, NeedEvent, NeedPhoto, NeedTaker
from teams.models import OfficeStaff
from tests.factories import (
    MembershipFactory,
    OfficeStaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    volunteer_in,
)
from tests.hours.ledger_helpers import SHANGHAI, post
from tests.needs.factories import CategoryFactory, dispatched, done, raised, staff_of, taken
from volunteers.selectors import profile_for

pytestmark = pytest.mark.django_db
State = Need.State


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def category(team):
    return CategoryFactory(office=team.office, max_minutes=120)


@pytest.fixture
def staff(team):
    return staff_of(team.office)


def need_in(state: str, category, team, staff) -> Need:
    """A request brought to `state` through the services."""
    if state == State.SUBMITTED:
        return raised(category)
    if state == State.REFUSED:
        return services.refuse(need=raised(category), by=staff, reason="不在服务范围")
    if state == State.ACCEPTED:
        return services.accept(need=raised(category), by=staff)
    if state == State.DISPATCHED:
        return dispatched(category, team, staff=staff)
    if state == State.TAKEN:
        return taken(category, team, staff=staff, hours_ago=3)[0]
    if state == State.DONE:
        return done(category, team, staff=staff)[0]
    if state == State.CONFIRMED:
        need = done(category, team, staff=staff)[0]
        return services.confirm(need=need, by=staff, rating=5)
    if state == State.CANCELLED:
        return services.cancel(need=raised(category), by=staff, reason="居民已自行解决")
    raise AssertionError(state)


def act(action: str, need: Need, team, staff):
    if action == "accept":
        return services.accept(need=need, by=staff)
    if action == "refuse":
        return services.refuse(need=need, by=staff, reason="重复提交")
    if action == "dispatch":
        return services.dispatch(need=need, by=staff, audience=Need.Audience.BOARD)
    if action == "take":
        return services.take(need=need, volunteer=volunteer_in(team))
    if action == "finish":
        taker = need.takers.first()
        volunteer = taker.volunteer if taker else volunteer_in(team)
        started = timezone.now() - datetime.timedelta(hours=2)
        return services.finish(need=need, volunteer=volunteer, started_at=started, minutes=60, note="已修好")
    if action == "confirm":
        return services.confirm(need=need, by=staff, rating=4)
    if action == "cancel":
        return services.cancel(need=need, by=staff, reason="居民已自行解决")
    raise AssertionError(action)


ALLOWED = {
    (State.SUBMITTED, "accept"),
    (State.SUBMITTED, "refuse"),
    (State.SUBMITTED, "cancel"),
    (State.ACCEPTED, "dispatch"),
    (State.ACCEPTED, "cancel"),
    (State.DISPATCHED, "take"),
    (State.DISPATCHED, "cancel"),
    (State.TAKEN, "finish"),
    (State.TAKEN, "cancel"),
    (State.DONE, "confirm"),
}
ACTIONS = ["accept", "refuse", "dispatch", "take", "finish", "confirm", "cancel"]


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_from_every_state(state, action, category, team, staff):
    need = need_in(state, category, team, staff)
    events = NeedEvent.objects.filter(need=need).count()

    if (state, action) in ALLOWED:
        act(action, need, team, staff)
        assert NeedEvent.objects.filter(need=need).count() > events  # every change is kept
    else:
        with pytest.raises(ValidationError):
            act(action, need, team, staff)
        need.refresh_from_db()
        assert need.state == state
        assert NeedEvent.objects.filter(need=need).count() == events


def test_the_whole_way_is_on_record_with_who_did_what(category, team, staff):
    need, volunteer = done(category, team, staff=staff)
    services.confirm(need=need, by=need.raised_by, rating=5, comment="很满意")
    taker = need.takers.get()
    services.credit_again(taker=taker, by=staff, minutes=taker.minutes, started_at=taker.started_at)

    actions = list(NeedEvent.objects.filter(need=need).values_list("action", "by"))
    assert actions == [
        ("submitted", need.raised_by.pk),
        ("accepted", staff.pk),
        ("dispatched", staff.pk),
        ("taken", volunteer.user.pk),
        ("taken", volunteer.user.pk),
        ("finished", volunteer.user.pk),
        ("done", volunteer.user.pk),
        ("confirmed", need.raised_by.pk),
        ("credited", staff.pk),
    ]


def test_only_office_staff_decide(category, team):
    need = raised(category)
    outsider = staff_of(TeamFactory().office)

    with pytest.raises(ValidationError):
        services.accept(need=need, by=outsider)
    with pytest.raises(ValidationError):
        services.accept(need=need, by=need.raised_by)


def test_a_refusal_needs_a_reason_and_the_resident_is_told(category, staff):
    need = raised(category)
    with pytest.raises(ValidationError):
        services.refuse(need=need, by=staff, reason="  ")

    services.refuse(need=need, by=staff, reason="不在本社区")

    need.refresh_from_db()
    assert need.reason == "不在本社区"
    assert "不在本社区" in Notification.objects.get(user=need.raised_by).message


def test_the_resident_hears_of_acceptance_taking_and_completion(category, team, staff):
    need, _volunteer = done(category, team, staff=staff)

    assert Notification.objects.filter(user=need.raised_by).count() == 3


def test_staff_raising_for_a_resident_links_their_account_by_number(category, staff):
    resident = UserFactory(phone="+8613812340000")

    need = raised(category, by=staff, resident_phone="138 1234 0000")

    assert need.resident == resident
    assert need.raised_by == staff


def test_a_category_of_another_office_is_refused(category):
    other = CategoryFactory(name="助餐")
    with pytest.raises(ValidationError):
        raised(category, office=other.office)


# ---------------------------------------------------------------- taking


def test_a_volunteer_of_another_team_cannot_take(category, team, staff):
    need = dispatched(category, team, staff=staff)
    outsider = volunteer_in(TeamFactory(office=team.office))

    with pytest.raises(ValidationError, match="not open to you"):
        services.take(need=need, volunteer=outsider)


def test_a_set_number_of_volunteers_take_it_and_no_more(category, team, staff):
    need = dispatched(category, team, staff=staff, places=2)

    services.take(need=need, volunteer=volunteer_in(team))
    need.refresh_from_db()
    assert need.state == State.DISPATCHED
    services.take(need=need, volunteer=volunteer_in(team))
    need.refresh_from_db()
    assert need.state == State.TAKEN
    with pytest.raises(ValidationError, match="already been taken"):
        services.take(need=need, volunteer=volunteer_in(team))


def test_named_volunteers_only(category, team, staff):
    named, other = volunteer_in(team), volunteer_in(team)
    need = services.accept(need=raised(category), by=staff)
    services.dispatch(need=need, by=staff, audience=Need.Audience.VOLUNTEERS, volunteers=[named])

    with pytest.raises(ValidationError):
        services.take(need=need, volunteer=other)
    services.take(need=need, volunteer=named)


def test_the_open_board_matches_team_kinds(category, team, staff):
    other_kind_team = TeamFactory(office=team.office, kind__name="环保")
    category.team_kinds.set([team.kind])
    need = services.accept(need=raised(category), by=staff)
    services.dispatch(need=need, by=staff, audience=Need.Audience.BOARD)

    assert not Need.objects.open_to(volunteer_in(other_kind_team)).exists()
    assert Need.objects.open_to(volunteer_in(team)).get() == need
    assert not Need.objects.open_to(volunteer_in(TeamFactory(kind=team.kind))).exists()  # another office


def test_a_hidden_request_leaves_the_board(category, team, staff):
    need = dispatched(category, team, staff=staff)
    services.hide(need=need, by=staff, reason="含不当内容")

    with pytest.raises(ValidationError):
        services.take(need=need, volunteer=volunteer_in(team))
    assert not Need.objects.open_to(volunteer_in(team)).exists()


def test_the_request_is_done_when_every_taker_finished(category, team, staff):
    first, second = volunteer_in(team), volunteer_in(team)
    with freeze_time(timezone.now() - datetime.timedelta(hours=3)):
        need = dispatched(category, team, staff=staff, places=2)
        services.take(need=need, volunteer=first)
        services.take(need=need, volunteer=second)
    started = timezone.now() - datetime.timedelta(hours=2)

    services.finish(need=need, volunteer=first, started_at=started, minutes=60, note="陪诊")
    need.refresh_from_db()
    assert need.state == State.TAKEN
    services.finish(need=need, volunteer=second, started_at=started, minutes=60, note="陪诊")
    need.refresh_from_db()
    assert need.state == State.DONE


def test_time_in_the_future_is_refused(category, team, staff):
    need, volunteer = taken(category, team, staff=staff)

    with pytest.raises(ValidationError, match="future"):
        services.finish(need=need, volunteer=volunteer, started_at=timezone.now(), minutes=60, note="理发")


TAKEN_AT = datetime.datetime(2026, 3, 2, 9, 15, 40, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("started_at", "refused_with"),
    [
        (TAKEN_AT.replace(second=0) - MINUTE, "before you took"),  # the minute before the taking
        (TAKEN_AT - datetime.timedelta(days=1), "before you took"),
        (TAKEN_AT + 3 * datetime.timedelta(hours=1) + MINUTE, "cannot start in the future"),  # after "now"
        (TAKEN_AT.replace(second=0), None),  # the minute of the taking: the form has no seconds
        (TAKEN_AT + datetime.timedelta(hours=2), None),  # ends exactly now
    ],
)
def test_the_service_starts_between_the_taking_and_now(category, team, staff, started_at, refused_with):
    with freeze_time(TAKEN_AT):
        need = dispatched(category, team, staff=staff)
        volunteer = volunteer_in(team)
        services.take(need=need, volunteer=volunteer)

    with freeze_time(TAKEN_AT + datetime.timedelta(hours=3)):
        if refused_with:
            with pytest.raises(ValidationError, match=refused_with):
                services.finish(need=need, volunteer=volunteer, started_at=started_at, minutes=60, note="理发")
            assert need.takers.get().finished_at is None
        else:
            taker = services.finish(need=need, volunteer=volunteer, started_at=started_at, minutes=60, note="理发")
            assert taker.started_at == started_at


# ---------------------------------------------------------------- confirming and the ledger


def test_the_residents_confirmation_credits_nothing_until_the_office_does(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=60)

    services.confirm(need=need, by=need.raised_by, rating=5, comment="师傅很耐心")

    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()
    taker = need.takers.get()
    services.credit_again(taker=taker, by=staff, minutes=60, started_at=taker.started_at)
    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert (record.minutes, record.approved_by) == (60, staff)


def test_confirming_credits_the_time_capped_by_the_category(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=200)

    services.confirm(need=need, by=staff, rating=5, comment="师傅很耐心")

    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert record.kind == ServiceRecord.Kind.REQUEST
    assert record.minutes == 120  # the category's cap, not the 200 reported
    assert record.source_key == f"need:{need.pk}:{volunteer.pk}"
    assert "理发" in record.activity
    assert "幸福小区" not in record.place  # the grid, never the resident's address
    need.refresh_from_db()
    assert (need.state, need.rating) == (State.CONFIRMED, 5)


def test_staff_may_credit_less(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=90)
    taker = need.takers.get()

    services.confirm(need=need, by=staff, rating=4, staff_minutes={taker.pk: 60})

    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert (record.minutes, record.approved_by) == (60, staff)


def test_the_resident_cannot_set_the_credited_time(category, team, staff):
    need, _volunteer = done(category, team, staff=staff)

    with pytest.raises(ValidationError):
        services.confirm(need=need, by=need.raised_by, rating=4, staff_minutes={need.takers.get().pk: 30})


def test_an_outsider_cannot_confirm(category, team, staff):
    need, _volunteer = done(category, team, staff=staff)

    with pytest.raises(ValidationError):
        services.confirm(need=need, by=UserFactory(), rating=4)


@pytest.mark.parametrize("rating", [0, 6])
def test_the_rating_is_one_to_five(category, team, staff, rating):
    need, _volunteer = done(category, team, staff=staff)

    with pytest.raises(ValidationError):
        services.confirm(need=need, by=staff, rating=rating)


def test_an_overlap_is_not_credited_and_staff_set_it_again(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=60)
    taker = need.takers.get()
    post(volunteer, team, key="attendance:x", starts_at=taker.started_at, minutes=60)

    services.confirm(need=need, by=staff, rating=5)

    taker.refresh_from_db()
    assert taker.posted_record is None
    assert "overlaps" in taker.posting_problem
    later = taker.started_at + datetime.timedelta(hours=1)
    services.credit_again(taker=taker, by=staff, minutes=60, started_at=later)
    taker.refresh_from_db()
    assert taker.posted_record.minutes == 60
    assert taker.posting_problem == ""


def test_credit_again_keeps_the_time_between_the_taking_and_now(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=60)
    taker = need.takers.get()
    post(volunteer, team, key="attendance:x", starts_at=taker.started_at, minutes=60)
    services.confirm(need=need, by=staff, rating=5)
    taker.refresh_from_db()

    for started_at, words in (
        (timezone.now() + datetime.timedelta(days=30), "future"),
        (timezone.now() - datetime.timedelta(minutes=30), "future"),  # would end after now
        (taker.taken_at - datetime.timedelta(hours=1), "before the volunteer took"),
    ):
        with pytest.raises(ValidationError, match=words):
            services.credit_again(taker=taker, by=staff, minutes=60, started_at=started_at)

    assert not ServiceRecord.objects.filter(kind=ServiceRecord.Kind.REQUEST).exists()


def test_credit_again_stays_under_the_cap(category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=60)
    post(volunteer, team, key="attendance:x", starts_at=need.takers.get().started_at, minutes=60)
    services.confirm(need=need, by=staff, rating=5)

    with pytest.raises(ValidationError, match="At most"):
        services.credit_again(taker=need.takers.get(), by=staff, minutes=180, started_at=timezone.now())


# Rule 4 with a fixed clock: 20:00 in Shanghai; the request's volunteer started at 16:00
# after 7 hours of attendance credited that morning (06:00-13:00).
LONG_DAY_NOW = datetime.datetime(2026, 3, 2, 20, 0, tzinfo=SHANGHAI)


def long_day(category, team, minutes: int):
    need, volunteer = done(category, team, minutes=minutes)
    post(volunteer, team, key="attendance:morning", starts_at=LONG_DAY_NOW.replace(hour=6), minutes=7 * 60)
    return need, volunteer


@freeze_time(LONG_DAY_NOW)
def test_a_day_above_eight_hours_waits_for_review_instead_of_posting(category, team, staff):
    need, volunteer = long_day(category, team, minutes=90)

    services.confirm(need=need, by=staff, rating=5)

    taker = need.takers.get()
    assert taker.posted_record is None
    assert "Over 8 hours that day (8.5 h" in taker.posting_problem
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1  # the morning only


@freeze_time(LONG_DAY_NOW)
def test_eight_hours_exactly_post_at_once(category, team, staff):
    need, _volunteer = long_day(category, team, minutes=60)

    services.confirm(need=need, by=staff, rating=5)

    taker = need.takers.get()
    assert (taker.posted_record.minutes, taker.posting_problem) == (60, "")


@freeze_time(LONG_DAY_NOW)
def test_a_long_day_is_credited_only_when_staff_say_they_checked_it(category, team, staff):
    need, _volunteer = long_day(category, team, minutes=90)
    services.confirm(need=need, by=need.raised_by, rating=5)  # the resident: nothing posted yet
    taker = need.takers.get()

    with pytest.raises(ValidationError, match="Over 8 hours"):
        services.credit_again(taker=taker, by=staff, minutes=90, started_at=taker.started_at)
    assert not ServiceRecord.objects.filter(source_key__startswith="need:").exists()

    services.credit_again(taker=taker, by=staff, minutes=90, started_at=taker.started_at, long_day_checked=True)
    taker.refresh_from_db()
    assert (taker.posted_record.minutes, taker.posted_record.approved_by, taker.posting_problem) == (90, staff, "")


@freeze_time(LONG_DAY_NOW)
def test_a_shorter_time_that_keeps_the_day_at_eight_hours_needs_no_check(category, team, staff):
    need, _volunteer = long_day(category, team, minutes=90)
    services.confirm(need=need, by=staff, rating=5)
    taker = need.takers.get()

    services.credit_again(taker=taker, by=staff, minutes=60, started_at=taker.started_at)

    taker.refresh_from_db()
    assert taker.posted_record.minutes == 60


def test_confirming_twice_posts_once(category, team, staff):
    need, volunteer = done(category, team, staff=staff)
    services.confirm(need=need, by=staff, rating=5)

    with pytest.raises(ValidationError):
        services.confirm(need=need, by=staff, rating=5)
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1


# ---------------------------------------------------------------- cancelling, moderation, photos


def test_the_resident_cancels_with_a_reason_and_the_taker_hears(category, team, staff):
    need, volunteer = taken(category, team, staff=staff)

    services.cancel(need=need, by=need.raised_by, reason="家人回来了")

    need.refresh_from_db()
    assert (need.state, need.reason) == (State.CANCELLED, "家人回来了")
    assert Notification.objects.filter(user=volunteer.user, message__contains="家人回来了").exists()


def test_someone_else_cannot_cancel(category):
    need = raised(category)
    with pytest.raises(ValidationError):
        services.cancel(need=need, by=VolunteerFactory().user, reason="捣乱")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2000, 1000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (34.0, 45.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_re_encoded_without_exif_and_made_small(category):
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif()  # the original has EXIF

    need = raised(category, uploads=[upload])

    photo = NeedPhoto.objects.get(need=need)
    assert photo.file.startswith("needs-photos/")
    with Image.open(io.BytesIO(photos.read(photo.file))) as stored:
        assert not stored.getexif()
        assert max(stored.size) == photos.LONGEST_SIDE


def test_not_a_photo_is_refused(category):
    upload = SimpleUploadedFile("p.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        raised(category, uploads=[upload])
    assert not Need.objects.exists()


def test_too_large_or_too_many_photos_are_refused(category, settings):
    settings.NEEDS_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        raised(category, uploads=[SimpleUploadedFile("p.jpg", jpeg_with_gps())])
    settings.NEEDS_PHOTO_MAX_BYTES = 5_000_000
    with pytest.raises(ValidationError):
        raised(category, uploads=[SimpleUploadedFile(f"{n}.jpg", jpeg_with_gps()) for n in range(4)])


@given(
    reported=st.integers(min_value=1, max_value=24 * 60),
    staff=st.none() | st.integers(min_value=0, max_value=24 * 60),
    cap=st.integers(min_value=15, max_value=8 * 60),
)
def test_the_credited_time_never_exceeds_the_cap_or_what_was_asked(reported, staff, cap):
    taker, category = NeedTaker(minutes=reported), Category(max_minutes=cap)

    credited = services.credited_minutes(taker, category, staff)

    asked = reported if staff is None else staff
    assert credited == min(asked, cap)
    assert 0 <= credited <= cap


# ---------------------------------------------------------------- no one approves their own time


def test_the_resident_cannot_take_their_own_request(category, team, staff):
    volunteer = volunteer_in(team)
    need = services.accept(need=raised(category, by=volunteer.user), by=staff)
    services.dispatch(need=need, by=staff, audience=Need.Audience.TEAM, team=team)

    with pytest.raises(ValidationError, match="their own request"):
        services.take(need=need, volunteer=volunteer)
    assert not need.takers.exists()


def test_staff_who_raised_it_for_a_resident_cannot_take_it(category, team):
    raiser = staff_of(team.office)
    MembershipFactory(team=team, user=raiser)
    need = services.accept(need=raised(category, by=raiser, resident_phone="13900000001"), by=raiser)
    services.dispatch(need=need, by=raiser, audience=Need.Audience.TEAM, team=team)

    with pytest.raises(ValidationError, match="their own request"):
        services.take(need=need, volunteer=profile_for(raiser))


def test_staff_who_took_the_request_cannot_confirm_it(category, team, staff):
    need, volunteer = done(category, team, staff=staff)
    OfficeStaffFactory(office=team.office, user=volunteer.user)

    with pytest.raises(ValidationError, match="other than"):
        services.confirm(need=need, by=volunteer.user, rating=5, staff_minutes={need.takers.get().pk: 120})
    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()


def test_staff_who_took_the_request_cannot_credit_it_again(category, team, staff):
    need, volunteer = done(category, team, staff=staff)
    post(volunteer, team, key="overlap", starts_at=need.takers.get().started_at, minutes=90)
    services.confirm(need=need, by=staff, rating=5)
    taker = need.takers.get()
    assert taker.posted_record_id is None
    OfficeStaffFactory(office=team.office, user=volunteer.user)

    with pytest.raises(ValidationError, match="other than"):
        services.credit_again(
            taker=taker, by=volunteer.user, minutes=60, started_at=timezone.now() - datetime.timedelta(days=1)
        )


def test_staff_who_raised_it_for_someone_is_not_the_resident(category, team):
    raiser = staff_of(team.office)
    resident = UserFactory()
    for_someone = raised(category, by=raiser, resident_phone=resident.phone)
    for_no_account = raised(category, by=raiser, resident_phone="13900000002")
    assert for_someone.resident == resident and for_no_account.resident is None
    OfficeStaff.objects.filter(user=raiser).delete()  # moved on: no longer of the office
    raiser = type(raiser).objects.get(pk=raiser.pk)

    assert not permissions.is_resident_of(raiser, for_someone)
    assert permissions.is_resident_of(resident, for_someone)
    with pytest.raises(ValidationError):
        services.cancel(need=for_someone, by=raiser, reason="不需要了")


def test_a_resident_who_raised_it_for_themselves_is_its_resident(category):
    need = raised(category)

    assert permissions.is_resident_of(need.raised_by, need)


def test_staff_see_the_residents_phone_only_with_the_pii_grant(category, team, staff):
    need = raised(category)
    with_pii = OfficeStaffFactory(office=team.office, can_view_pii=True).user

    assert not permissions.may_see_contact(staff, need)
    assert permissions.may_see_contact(with_pii, need)
    assert permissions.may_see_contact(need.raised_by, need)


def test_hiding_a_photo_deletes_its_file(category, staff, django_capture_on_commit_callbacks):
    need = raised(category, uploads=[SimpleUploadedFile("p.jpg", jpeg_with_gps()) for _ in range(2)])
    hidden, kept = need.photos.order_by("pk")
    stored = hidden.file

    with django_capture_on_commit_callbacks(execute=True):
        services.hide_photo(photo=hidden, by=staff, reason="含他人肖像")

    hidden.refresh_from_db()
    assert (hidden.is_hidden, hidden.hidden_reason, hidden.file) == (True, "含他人肖像", "")
    assert not default_storage.exists(stored)
    assert default_storage.exists(kept.file)  # the other photo stays
    assert NeedEvent.objects.filter(need=need, action=NeedEvent.Action.PHOTO_HIDDEN).exists()
    with pytest.raises(ValidationError, match="already hidden"):
        services.hide_photo(photo=hidden, by=staff, reason="再次")


def test_hiding_a_request_deletes_all_its_photos(category, team, staff, django_capture_on_commit_callbacks):
    need = dispatched(category, team, staff=staff, uploads=[SimpleUploadedFile("p.jpg", jpeg_with_gps())])
    stored = need.photos.get().file

    with django_capture_on_commit_callbacks(execute=True):
        services.hide(need=need, by=staff, reason="含不当内容")

    photo = need.photos.get()
    assert (photo.is_hidden, photo.file) == (True, "")
    assert not default_storage.exists(stored)


def test_a_photo_is_deleted_only_once_the_hiding_is_committed(category, staff, django_capture_on_commit_callbacks):
    need = raised(category, uploads=[SimpleUploadedFile("p.jpg", jpeg_with_gps())])
    stored = need.photos.get().file

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.hide_photo(photo=need.photos.get(), by=staff, reason="含他人肖像")

    assert default_storage.exists(stored)  # still there until the hiding commits
    assert len(callbacks) == 1
