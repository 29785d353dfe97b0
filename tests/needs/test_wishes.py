"""Micro-wishes: posting, claiming (race-safe), fulfilling, confirming, and claims that lapse."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from needs import wishes
from needs.deadlines import check_deadlines
from needs.models import Wish, WishClaim
from needs.partners import wishes_fulfilled_by
from teams.partners import work_of
from tests.factories import PartnerUnitFactory, TeamFactory, UserFactory, VolunteerFactory, volunteer_in
from tests.needs.factories import staff_of
from tests.needs.test_services import jpeg_with_gps

BENEFICIARY = "留守儿童王小明（幸福小区3号楼）"


def a_wish(office, staff=None) -> Wish:
    return wishes.post_wish(
        by=staff or staff_of(office),
        office=office,
        title="一个新书包",
        story="三年级的孩子想要一个新书包",
        beneficiary=BENEFICIARY,
        claim_days=7,
    )


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def staff(team):
    return staff_of(team.office)


@pytest.fixture
def wish(team, staff):
    return a_wish(team.office, staff)


@pytest.mark.django_db
def test_only_office_staff_post_wishes(team):
    with pytest.raises(ValidationError):
        a_wish(team.office, staff=VolunteerFactory().user)


@pytest.mark.django_db
def test_claim_fulfil_confirm(wish, team, staff):
    volunteer = volunteer_in(team)

    claim = wishes.claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer, unit_name="市供电公司")
    with pytest.raises(ValidationError):
        wishes.confirm_wish(wish=wish, by=staff)  # not fulfilled yet
    wishes.fulfil_wish(
        wish=wish, by=volunteer.user, note="书包已送到", upload=SimpleUploadedFile("p.jpg", jpeg_with_gps())
    )
    wishes.confirm_wish(wish=wish, by=staff)

    claim.refresh_from_db()
    wish.refresh_from_db()
    assert (wish.state, claim.state, claim.claimant) == (Wish.State.CONFIRMED, WishClaim.State.CONFIRMED, "市供电公司")
    assert claim.photo.startswith("needs-photos/")
    assert Notification.objects.filter(user=volunteer.user).exists()


@pytest.mark.django_db
def test_a_claimed_wish_cannot_be_claimed_again(wish, team):
    first, second = volunteer_in(team), volunteer_in(team)
    wishes.claim_wish(wish=wish, by=first.user, volunteer=first)

    with pytest.raises(ValidationError, match="already been claimed"):
        wishes.claim_wish(wish=wish, by=second.user, volunteer=second)


@pytest.mark.django_db
def test_someone_else_cannot_fulfil_or_confirm(wish, team):
    volunteer = volunteer_in(team)
    wishes.claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer)

    with pytest.raises(ValidationError):
        wishes.fulfil_wish(wish=wish, by=volunteer_in(team).user, note="冒领")
    wishes.fulfil_wish(wish=wish, by=volunteer.user, note="送到了")
    with pytest.raises(ValidationError):
        wishes.confirm_wish(wish=wish, by=volunteer.user)


@pytest.mark.django_db
def test_the_office_records_a_partner_units_claim_and_fulfils_for_it(wish, staff):
    claim = wishes.claim_wish(wish=wish, by=staff, unit_name="区税务局党支部", unit_contact="13900001111")
    wishes.fulfil_wish(wish=wish, by=staff, note="单位派人送达")

    claim.refresh_from_db()
    assert (claim.volunteer, claim.unit_contact, claim.state) == (None, "+8613900001111", WishClaim.State.FULFILLED)
    with pytest.raises(ValidationError):
        wishes.claim_wish(wish=a_wish(wish.office), by=UserFactory(), unit_name="某单位")


@pytest.mark.django_db
def test_a_claim_not_fulfilled_in_time_returns_the_wish_to_the_wall(wish, team):
    volunteer = volunteer_in(team)
    claim = wishes.claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer)

    assert check_deadlines(now=claim.due_at - datetime.timedelta(hours=1)).wishes_returned == 0
    run = check_deadlines(now=claim.due_at + datetime.timedelta(hours=1))

    wish.refresh_from_db()
    claim.refresh_from_db()
    assert run.wishes_returned == 1
    assert (wish.state, claim.state) == (Wish.State.OPEN, WishClaim.State.LAPSED)
    other = volunteer_in(team)
    wishes.claim_wish(wish=wish, by=other.user, volunteer=other)  # free again


@pytest.mark.django_db
def test_the_wall_shows_no_personal_data(client, wish):
    for page in (reverse("needs:wishes"), wish.get_absolute_url()):
        html = client.get(page).content.decode()
        assert "一个新书包" in html
        assert "王小明" not in html


@pytest.mark.django_db
def test_staff_see_for_whom(client, wish, staff):
    client.force_login(staff)
    assert BENEFICIARY in client.get(wish.get_absolute_url()).content.decode()
    assert BENEFICIARY in client.get(reverse("needs:office_wishes")).content.decode()


@pytest.mark.django_db
def test_claiming_and_fulfilling_through_the_pages(client, wish, team, staff):
    volunteer = volunteer_in(team)
    client.force_login(volunteer.user)
    client.post(reverse("needs:wish_claim", args=[wish.pk]), {"unit_name": ""})
    client.post(reverse("needs:wish_fulfil", args=[wish.pk]), {"note": "已送达"})
    assert "一个新书包" in client.get(reverse("needs:my_wishes")).content.decode()
    client.force_login(staff)
    client.post(reverse("needs:wish_confirm", args=[wish.pk]))

    wish.refresh_from_db()
    assert wish.state == Wish.State.CONFIRMED


@pytest.mark.django_db
def test_staff_post_a_wish_through_the_page(client, team, staff):
    client.force_login(staff)
    response = client.post(
        reverse("needs:office_wishes"),
        {"office": team.office.pk, "title": "一台助听器", "beneficiary": "独居老人张大爷", "claim_days": "10"},
    )

    wish = Wish.objects.get()
    assert response["Location"] == wish.get_absolute_url()
    assert wish.created_by == staff
    assert timezone.now() - wish.created_at < datetime.timedelta(minutes=1)


# ---------------------------------------------------------------- withdrawing


def wish_in(state: str, wish: Wish, team, staff) -> Wish:
    """The wish brought to `state` through the services."""
    if state == Wish.State.OPEN:
        return wish
    volunteer = volunteer_in(team)
    wishes.claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer)
    if state in (Wish.State.FULFILLED, Wish.State.CONFIRMED):
        wishes.fulfil_wish(wish=wish, by=volunteer.user, note="已送到孩子手中")
    if state == Wish.State.CONFIRMED:
        wishes.confirm_wish(wish=wish, by=staff)
    if state == Wish.State.WITHDRAWN:
        wishes.withdraw_wish(wish=wish, by=staff, reason="孩子已随父母外出")
    wish.refresh_from_db()
    return wish


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (Wish.State.OPEN, True),
        (Wish.State.CLAIMED, True),
        (Wish.State.FULFILLED, False),
        (Wish.State.CONFIRMED, False),
        (Wish.State.WITHDRAWN, False),
    ],
)
def test_a_wish_not_yet_fulfilled_can_be_withdrawn(wish, team, staff, state, allowed):
    wish = wish_in(state, wish, team, staff)

    if not allowed:
        with pytest.raises(ValidationError, match="Only a wish not yet fulfilled"):
            wishes.withdraw_wish(wish=wish, by=staff, reason="重复发布")
        wish.refresh_from_db()
        assert wish.state == state
        return
    wishes.withdraw_wish(wish=wish, by=staff, reason="重复发布")
    wish.refresh_from_db()
    assert wish.state == Wish.State.WITHDRAWN
    assert (wish.withdrawn_reason, wish.withdrawn_by) == ("重复发布", staff)
    assert wish.withdrawn_at is not None


@pytest.mark.django_db
def test_withdrawing_a_claimed_wish_ends_the_claim_and_tells_the_claimer(wish, team, staff):
    volunteer = volunteer_in(team)
    claim = wishes.claim_wish(wish=wish, by=volunteer.user, volunteer=volunteer)

    wishes.withdraw_wish(wish=wish, by=staff, reason="孩子已随父母外出")

    claim.refresh_from_db()
    assert claim.state == WishClaim.State.WITHDRAWN
    assert wishes.live_claim(wish) is None
    told = Notification.objects.get(user=volunteer.user, message__contains="孩子已随父母外出")
    assert "一个新书包" in told.message
    with pytest.raises(ValidationError):
        wishes.fulfil_wish(wish=wish, by=volunteer.user, note="送到了")


@pytest.mark.django_db
def test_withdrawing_needs_the_office_and_a_reason(wish, team, staff):
    claimer = volunteer_in(team)
    wishes.claim_wish(wish=wish, by=claimer.user, volunteer=claimer)
    for outsider in (claimer.user, staff_of(TeamFactory().office), UserFactory()):
        with pytest.raises(ValidationError, match="Only staff of the office"):
            wishes.withdraw_wish(wish=wish, by=outsider, reason="不要了")
    with pytest.raises(ValidationError, match="Say why"):
        wishes.withdraw_wish(wish=wish, by=staff, reason="  ")
    wish.refresh_from_db()
    assert wish.state == Wish.State.CLAIMED


@pytest.mark.django_db
def test_a_withdrawn_wish_leaves_the_wall(client, wish, staff):
    client.force_login(staff)
    assert "一个新书包" in client.get(reverse("needs:wishes")).content.decode()
    page = client.get(wish.get_absolute_url()).content.decode()
    assert reverse("needs:wish_withdraw", args=[wish.pk]) in page

    response = client.post(reverse("needs:wish_withdraw", args=[wish.pk]), {"reason": "重复发布"})

    assert response["Location"] == wish.get_absolute_url()
    wish.refresh_from_db()
    assert wish.state == Wish.State.WITHDRAWN
    assert "一个新书包" not in client.get(reverse("needs:wishes")).content.decode()
    assert "重复发布" in client.get(wish.get_absolute_url()).content.decode()  # the office still sees why
    client.logout()
    assert client.get(wish.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_others_cannot_withdraw_and_get_a_404(client, wish, team):
    volunteer = volunteer_in(team)
    client.force_login(volunteer.user)

    assert reverse("needs:wish_withdraw", args=[wish.pk]) not in client.get(wish.get_absolute_url()).content.decode()
    assert client.post(reverse("needs:wish_withdraw", args=[wish.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("needs:wish_withdraw", args=[wish.pk])).status_code == 405  # a POST only
    wish.refresh_from_db()
    assert wish.state == Wish.State.OPEN


@pytest.mark.django_db
def test_withdrawing_without_the_csrf_token_is_refused(wish, staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.post(reverse("needs:wish_withdraw", args=[wish.pk]), {"reason": "重复发布"}).status_code == 403
    wish.refresh_from_db()
    assert wish.state == Wish.State.OPEN


# ---------------------------------------------------------------- a registered partner unit's claim


def test_staff_record_a_registered_units_claim_which_keeps_its_name(wish, staff):
    unit = PartnerUnitFactory(office=wish.office, name="区税务局")

    claim = wishes.claim_wish(wish=wish, by=staff, unit=unit, unit_name="别的名字")
    unit.name = "区税务局（新名）"
    unit.save()

    claim.refresh_from_db()
    assert (claim.unit, claim.unit_name, claim.claimant) == (unit, "区税务局", "区税务局")


def test_a_unit_of_another_community_is_refused(wish, staff):
    elsewhere = PartnerUnitFactory(name="外区医院")

    with pytest.raises(ValidationError) as refused:
        wishes.claim_wish(wish=wish, by=staff, unit=elsewhere)

    assert "unit" in refused.value.message_dict
    wish.refresh_from_db()
    assert (wish.state, wish.claims.count()) == (Wish.State.OPEN, 0)


def test_the_claim_form_offers_the_communitys_units_and_refuses_others(client, wish, staff):
    ours, elsewhere = PartnerUnitFactory(office=wish.office, name="区税务局"), PartnerUnitFactory(name="外区医院")
    client.force_login(staff)
    page = client.get(wish.get_absolute_url()).content.decode()
    url = reverse("needs:wish_unit_claim", args=[wish.pk])

    client.post(url, {"unit": elsewhere.pk})
    client.post(url, {"unit": ours.pk, "unit_name": "另一个单位"})
    client.post(url, {})
    assert not WishClaim.objects.exists()
    client.post(url, {"unit": ours.pk, "unit_contact": "13900001111"})

    assert "区税务局" in page and "外区医院" not in page
    assert (WishClaim.objects.get().unit, WishClaim.objects.get().unit_name) == (ours, "区税务局")


def test_an_unregistered_unit_is_still_named_in_words(client, wish, staff):
    client.force_login(staff)

    client.post(reverse("needs:wish_unit_claim", args=[wish.pk]), {"unit_name": "市供电公司第三党支部"})

    assert WishClaim.objects.values_list("unit", "unit_name").get() == (None, "市供电公司第三党支部")


def test_the_unit_is_credited_with_the_wishes_it_fulfilled_in_the_period(wish, staff):
    unit = PartnerUnitFactory(office=wish.office)
    wishes.claim_wish(wish=wish, by=staff, unit=unit)
    wishes.fulfil_wish(wish=wish, by=staff, note="单位派人送达")
    only_claimed, volunteers = a_wish(wish.office, staff), a_wish(wish.office, staff)
    wishes.claim_wish(wish=only_claimed, by=staff, unit=unit)
    wishes.claim_wish(wish=volunteers, by=staff, unit_name="未登记的单位")
    wishes.fulfil_wish(wish=volunteers, by=staff, note="送到了")
    today = timezone.localdate()

    [work] = wishes_fulfilled_by(unit, today, today)
    wishes.confirm_wish(wish=wish, by=staff)
    [confirmed] = work_of(unit, today, today)

    assert (work.date, work.title, work.details) == (today, "一个新书包", "Fulfilled")
    assert confirmed.details == "Confirmed"  # never the note, which may name the beneficiary
    assert (confirmed.people, confirmed.minutes) == (None, None)
    yesterday = today - datetime.timedelta(days=1)
    assert wishes_fulfilled_by(unit, yesterday, yesterday) == []
