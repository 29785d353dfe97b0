"""The request's pages: who sees what (masking), and each change as a POST."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from hours.models import ServiceRecord
from needs import services
from needs.models import Need, NeedPhoto
from tests.factories import TeamFactory, UserFactory, VolunteerFactory, volunteer_in
from tests.needs.factories import CategoryFactory, dispatched, done, raised, staff_of, taken
from tests.needs.test_services import LONG_DAY_NOW, jpeg_with_gps, long_day

pytestmark = pytest.mark.django_db

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


def client_for(client, user):
    client.force_login(user)
    return client


def test_a_resident_without_a_profile_raises_a_request_with_a_photo(client, category, tmp_path):
    resident = UserFactory(phone=RESIDENT_PHONE)
    client.force_login(resident)
    page = client.get(reverse("needs:raise"))
    assert page.status_code == 200
    assert "13811112222" in page.content.decode()  # their own number, filled in
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg_with_gps())
    starts = timezone.localtime() + datetime.timedelta(days=1)

    with photo.open("rb") as file:
        response = client.post(
            reverse("needs:raise"),
            {
                "category": category.pk,
                "description": "<script>alert(1)</script>水龙头漏水",
                "address": "幸福小区3号楼",
                "grid": "第三网格",
                "window_starts": f"{starts:%Y-%m-%dT%H:%M}",
                "window_ends": f"{starts + datetime.timedelta(hours=3):%Y-%m-%dT%H:%M}",
                "urgency": "normal",
                "resident_name": "李阿姨",
                "resident_phone": "13811112222",
                "photos": [file],
            },
        )

    need = Need.objects.get()
    assert response["Location"] == need.get_absolute_url()
    assert (need.resident, need.raised_by, need.state) == (resident, resident, Need.State.SUBMITTED)
    html = client.get(need.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html  # escaped
    assert "&lt;script&gt;" in html
    photo = NeedPhoto.objects.get()
    image = client.get(reverse("needs:photo", args=[need.pk, photo.pk]))
    assert image["Content-Type"] == "image/jpeg"
    assert client.get(reverse("needs:mine")).content.decode().count(f"need-{need.pk}") == 1
    default_storage.delete(photo.file)  # as when a hiding commits just after the row was read
    assert client.get(reverse("needs:photo", args=[need.pk, photo.pk])).status_code == 404


def test_a_resident_sees_only_their_own_requests(client, category):
    mine, theirs = raised(category), raised(category)
    client.force_login(mine.raised_by)

    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert f"need-{theirs.pk}" not in client.get(reverse("needs:mine")).content.decode()


def test_the_phone_is_masked_on_the_board_full_for_the_taker_until_done(client, category, team, staff):
    need = dispatched(category, team, staff=staff, resident_phone=RESIDENT_PHONE)
    volunteer = volunteer_in(team)
    client.force_login(volunteer.user)

    board = client.get(need.get_absolute_url()).content.decode()
    assert "138****2222" in board
    assert "13811112222" not in board
    assert "幸福小区" not in board  # the address too
    assert "李*" in board

    with freeze_time(timezone.now() - datetime.timedelta(hours=4)):
        client.post(reverse("needs:take", args=[need.pk]))
    taken_page = client.get(need.get_absolute_url()).content.decode()
    assert "13811112222" in taken_page
    assert "幸福小区" in taken_page

    started = timezone.localtime() - datetime.timedelta(hours=3)
    client.post(
        reverse("needs:finish", args=[need.pk]),
        {"started_at": f"{started:%Y-%m-%dT%H:%M}", "minutes": "60", "note": "已修好"},
    )
    need.refresh_from_db()
    assert need.state == Need.State.DONE
    done_page = client.get(need.get_absolute_url()).content.decode()
    assert "13811112222" not in done_page
    assert "138****2222" in done_page


def test_staff_see_the_full_number_only_with_the_pii_grant(client, category, team, staff):
    need = raised(category, resident_phone=RESIDENT_PHONE)
    client.force_login(staff)
    page = client.get(need.get_absolute_url()).content.decode()
    assert "138****2222" in page
    assert "13811112222" not in page

    staff.office_roles.update(can_view_pii=True)
    client.force_login(type(staff).objects.get(pk=staff.pk))
    assert "13811112222" in client.get(need.get_absolute_url()).content.decode()
    queue = client.get(reverse("needs:queue")).content.decode()
    assert "138****2222" in queue
    assert "13811112222" not in queue


def test_a_volunteer_of_another_team_sees_nothing(client, category, team, staff):
    need = dispatched(category, team, staff=staff)
    client.force_login(volunteer_in(TeamFactory()).user)

    assert client.get(need.get_absolute_url()).status_code == 404
    assert client.post(reverse("needs:take", args=[need.pk])).status_code == 404
    assert f"need-{need.pk}" not in client.get(reverse("needs:board")).content.decode()


def test_staff_accept_and_dispatch_through_the_page(client, category, team, staff):
    need = raised(category)
    client.force_login(staff)

    client.post(reverse("needs:accept", args=[need.pk]))
    response = client.post(
        reverse("needs:dispatch", args=[need.pk]), {"audience": "team", "team": team.pk, "places": "1"}
    )

    assert response["Location"] == need.get_absolute_url()
    need.refresh_from_db()
    assert (need.state, need.team) == (Need.State.DISPATCHED, team)


def test_the_resident_confirms_and_the_hours_reach_my_hours(client, category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=60)
    client.force_login(need.raised_by)

    client.post(reverse("needs:confirm", args=[need.pk]), {"rating": "5", "comment": "谢谢"})
    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()  # the office credits it
    taker = need.takers.get()
    client.force_login(staff)
    page = client.get(need.get_absolute_url()).content.decode()
    assert f'name="taker-{taker.pk}-minutes"' in page
    started = timezone.localtime(taker.started_at).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("needs:credit", args=[need.pk, taker.pk]),
        {f"taker-{taker.pk}-minutes": "60", f"taker-{taker.pk}-started_at": started},
    )

    assert ServiceRecord.objects.get(volunteer=volunteer).minutes == 60
    client.force_login(volunteer.user)
    assert "理发" in client.get(reverse("hours:my_hours")).content.decode()


def test_a_failed_change_says_why(client, category, team, staff):
    need, _volunteer = taken(category, team, staff=staff)
    client.force_login(staff)

    response = client.post(reverse("needs:accept", args=[need.pk]), follow=True)

    assert "只能受理刚提交的需求。" in response.content.decode()


def test_a_hidden_photo_is_deleted_and_never_served_again(client, category, staff, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    need = raised(category, uploads=[SimpleUploadedFile("p.jpg", jpeg_with_gps())])
    photo = need.photos.get()
    stored = photo.file
    client.force_login(staff)
    assert client.get(photo.get_absolute_url()).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("needs:photo_hide", args=[need.pk, photo.pk]), {"reason": "含他人肖像"})

    assert not default_storage.exists(stored)
    assert client.get(photo.get_absolute_url()).status_code == 404  # not even for the office
    page = client.get(need.get_absolute_url())
    assert page.status_code == 200
    assert "含他人肖像" in page.content.decode()
    assert photo.get_absolute_url() not in page.content.decode()
    client.force_login(need.raised_by)
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_staff_edit_the_category_list(client, category, staff):
    client.force_login(staff)

    client.post(
        reverse("needs:categories"),
        {"office": category.office.pk, "name": "陪诊", "max_minutes": "180", "position": "1", "is_active": "on"},
    )
    client.post(
        reverse("needs:category_edit", args=[category.pk]),
        {"name": "理发", "max_minutes": "60", "position": "0"},
    )

    category.refresh_from_db()
    assert (category.max_minutes, category.is_active) == (60, False)
    assert category.office.need_categories.filter(name="陪诊", max_minutes=180).exists()


def test_other_offices_categories_are_not_editable(client, category):
    client.force_login(staff_of(TeamFactory().office))

    assert client.get(reverse("needs:category_edit", args=[category.pk])).status_code == 404


def test_the_board_opens_for_any_volunteer(client):
    client.force_login(VolunteerFactory().user)
    assert client.get(reverse("needs:board")).status_code == 200


def test_staff_confirm_with_the_time_they_credit(client, category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=90)
    taker = need.takers.get()
    client.force_login(staff)
    page = client.get(need.get_absolute_url()).content.decode()
    assert f'name="minutes-{taker.pk}" value="90"' in page

    client.post(reverse("needs:confirm", args=[need.pk]), {"rating": "4", f"minutes-{taker.pk}": "45"})

    assert ServiceRecord.objects.get(volunteer=volunteer).minutes == 45


def test_the_resident_cannot_slip_in_a_credited_time(client, category, team, staff):
    need, volunteer = done(category, team, staff=staff, minutes=90)
    client.force_login(need.raised_by)

    client.post(reverse("needs:confirm", args=[need.pk]), {"rating": "5", f"minutes-{need.takers.get().pk}": "600"})

    need.refresh_from_db()
    assert need.state == Need.State.CONFIRMED
    assert not ServiceRecord.objects.filter(volunteer=volunteer).exists()


def test_staff_name_volunteers_found_by_search(client, category, team, staff):
    need = services.accept(need=raised(category), by=staff)
    named = volunteer_in(team)
    named.real_name = "欧阳秀英"
    named.save()
    outsider = VolunteerFactory(real_name="欧阳明")
    client.force_login(staff)

    found = client.get(reverse("needs:volunteer_search", args=[need.pk]), {"q": "欧阳"}).json()["results"]
    client.post(
        reverse("needs:dispatch", args=[need.pk]),
        {"audience": "volunteers", "volunteer_1": named.pk, "volunteer_2": named.pk, "places": "2"},
    )

    assert [result["label"] for result in found] == ["欧阳秀英"]  # serving in the office only
    assert outsider.real_name not in str(found)
    need.refresh_from_db()
    assert (need.state, need.places) == (Need.State.DISPATCHED, 1)
    assert list(need.invites.values_list("volunteer", flat=True)) == [named.pk]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["needs:board", "needs:queue", "needs:mine", "needs:taken"])
def test_the_lists_ask_the_same_number_of_queries_for_2_or_8_requests(client, category, team, staff, page):
    volunteer = volunteer_in(team)
    user = {"needs:queue": staff, "needs:mine": staff}.get(page, volunteer.user)
    client.force_login(user)

    def more(count):
        for _number in range(count):
            need = dispatched(category, team, staff=staff, by=staff, places=2)
            if page == "needs:taken":
                services.take(need=need, volunteer=volunteer)

    more(2)
    url = reverse(page) + ("?tab=open" if page == "needs:queue" else "")
    client.get(url)  # warm the per-process caches
    few = _queries(client, url)
    more(6)

    assert _queries(client, url) == few


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "The service cannot start before you took the request"), ("zh-hans", "服务开始时间不能早于您接单的时间")],
)
def test_a_start_before_the_taking_is_refused_with_a_clear_message(client, category, team, staff, language, words):
    need, volunteer = taken(category, team, staff=staff, hours_ago=2)
    client.force_login(volunteer.user)
    started = timezone.localtime() - datetime.timedelta(hours=3)

    response = client.post(
        reverse("needs:finish", args=[need.pk]),
        {"started_at": f"{started:%Y-%m-%dT%H:%M}", "minutes": "30", "note": "已修好"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    need.refresh_from_db()
    assert need.state == Need.State.TAKEN
    assert words in response.content.decode()


@freeze_time(LONG_DAY_NOW)
def test_staff_tick_the_check_to_credit_a_day_above_eight_hours(client, category, team, staff):
    need, volunteer = long_day(category, team, minutes=90)
    services.confirm(need=need, by=staff, rating=5)
    taker = need.takers.get()
    client.force_login(staff)
    page = client.get(need.get_absolute_url()).content.decode()
    assert f'name="taker-{taker.pk}-long_day_checked"' in page
    assert "Over 8 hours that day" in page or "当日超过8小时" in page
    fields = {
        f"taker-{taker.pk}-minutes": "90",
        f"taker-{taker.pk}-started_at": timezone.localtime(taker.started_at).strftime("%Y-%m-%dT%H:%M"),
    }

    client.post(reverse("needs:credit", args=[need.pk, taker.pk]), fields)
    assert not ServiceRecord.objects.filter(kind=ServiceRecord.Kind.REQUEST).exists()
    checked = {**fields, f"taker-{taker.pk}-long_day_checked": "on"}
    client.post(reverse("needs:credit", args=[need.pk, taker.pk]), checked)

    assert ServiceRecord.objects.get(kind=ServiceRecord.Kind.REQUEST, volunteer=volunteer).minutes == 90
