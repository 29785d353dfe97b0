"""A new volunteer on a phone: sign up, verify the number, complete the profile, join a team, show the card."""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.sms import MemorySmsSender
from teams.models import Membership, Team
from tests.factories import TeamFactory, resident_id
from volunteers.cards import card_token
from volunteers.models import Volunteer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PASSWORD = "Roster-2026-ok"
# A code is upper-case letters and digits, maybe with dashes; the text around it is words and "15".
CODE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Z][0-9A-Z-]{4,}[0-9A-Z](?![0-9A-Za-z])")


def texted_code(phone: str) -> str:
    texts = [text for to, text in MemorySmsSender.outbox if to == f"+86{phone}"]
    assert len(texts) == 1, f"expected one text to {phone}, got {MemorySmsSender.outbox}"
    codes = CODE.findall(texts[0])
    assert len(codes) == 1, f"no single code in {texts[0]!r}"
    return codes[0]


def submit(page: Page, field: str) -> None:
    """Click the submit button of the form in <main> that holds the named field."""
    form = page.locator("main form").filter(has=page.locator(f"[name={field}]"))
    form.locator("button[type=submit]:not([form])").first.click()


def test_new_volunteer_signs_up_joins_a_team_and_shows_the_card(page: Page, live_server, assert_no_sideways_scroll):
    team = TeamFactory(name="银龄互助志愿服务队", join_policy=Team.JoinPolicy.OPEN)

    page.goto("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page, "phone")

    # The number is verified with the texted code before anything else.
    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/"))
    page.fill("input[name=code]", texted_code(PHONE))
    submit(page, "code")

    # Then the profile, which every page asks for until it is complete.
    expect(page).to_have_url(re.compile(r"/me/profile/$"))
    assert_no_sideways_scroll(page)
    page.fill("input[name=real_name]", "王秀英")
    page.select_option("select[name=id_type]", Volunteer.IdType.RESIDENT.value)
    page.fill("input[name=id_number]", resident_id(7, male=False))
    submit(page, "real_name")

    # The new volunteer lands on the team list, with a welcome.
    expect(page).to_have_url(re.compile(r"/teams/$"))
    expect(page.locator(".messages .success")).to_be_visible()
    assert_no_sideways_scroll(page)
    user = User.objects.get(phone=f"+86{PHONE}")
    assert user.phone_verified
    volunteer = Volunteer.objects.get(user=user)
    assert (volunteer.real_name, volunteer.gender) == ("王秀英", Volunteer.Gender.FEMALE)

    page.get_by_role("link", name=team.name).click()
    expect(page).to_have_url(re.compile(rf"/teams/{team.pk}/$"))
    assert_no_sideways_scroll(page)
    page.locator(f"form[action='/teams/{team.pk}/join/'] button[type=submit]").click()
    expect(page.locator(".messages .success")).to_contain_text(team.name)
    expect(page.locator(f"form[action='/teams/{team.pk}/leave/']")).to_be_visible()
    assert Membership.objects.filter(team=team, user=user, status=Membership.Status.ACTIVE).exists()

    page.get_by_test_id("tab-me").click()
    page.locator("main a[href='/me/card/']").click()
    expect(page).to_have_url(re.compile(r"/me/card/$"))
    qr = page.locator("main svg[role=img]")
    expect(qr).to_be_visible()
    token = page.get_by_test_id("card-token")
    expect(token).to_have_text(card_token(volunteer))
    expect(page.locator("#card-name")).to_have_text("王秀英")
    assert_no_sideways_scroll(page)

    # The code on screen scans to the token printed under it.
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150, f"the QR code is too small to scan: {box}"
    image = Image.open(io.BytesIO(qr.screenshot()))
    scans = zxingcpp.read_barcodes(image)
    assert [scan.text for scan in scans] == [token.inner_text().strip()]
