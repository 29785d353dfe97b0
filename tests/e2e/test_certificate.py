"""A volunteer gets their service certificate on a phone (390×844), and its QR code opens the verification page."""

import datetime
import io
import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from hours.models import Certificate
from tests.e2e.steps import log_in
from tests.factories import TeamFactory, volunteer_in
from tests.hours.ledger_helpers import at, post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_opens_their_certificate_and_its_code_verifies(page: Page, live_server, assert_no_sideways_scroll):
    team = TeamFactory(name="银龄互助志愿服务队")
    volunteer = volunteer_in(team)
    volunteer.real_name = "王秀英"
    volunteer.save()
    today = timezone.localdate()
    # Service today (within the year the certificate form asks for by default) and one record of last year.
    post(volunteer, team, key="morning", starts_at=at(today, 8), minutes=150)
    post(volunteer, team, key="afternoon", starts_at=at(today, 14), minutes=90)
    last_year = today.replace(month=1, day=1) - datetime.timedelta(days=20)
    post(volunteer, team, key="last-year", starts_at=at(last_year), minutes=60)

    log_in(page, volunteer.user)
    page.get_by_test_id("home-hours").click()
    expect(page).to_have_url(re.compile(r"/me/hours/$"))
    page.locator("form[action='/me/certificate/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/certificates/\d+/$"))

    certificate = Certificate.objects.get(volunteer=volunteer)
    sheet = page.get_by_test_id("certificate")
    expect(sheet).to_contain_text("王秀英")
    expect(page.get_by_test_id("number")).to_have_text(certificate.number)
    assert (certificate.total_minutes_period, certificate.total_minutes_all) == (240, 300)
    expect(page.get_by_test_id("period-hours")).to_contain_text(str(certificate.hours_period))
    expect(page.get_by_test_id("all-hours")).to_contain_text(str(certificate.hours_all))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the certificate scrolls sideways at 390 px: {width}"
    assert_no_sideways_scroll(page)

    # The QR code on the certificate scans to the verification address, and that page confirms it.
    qr = sheet.locator(".qr svg")
    expect(qr).to_be_visible()
    qr.evaluate("element => element.scrollIntoView({block: 'center'})")  # clear of the tab bar, as a person scrolls it
    image = Image.open(io.BytesIO(qr.screenshot(scale="device")))
    scans = zxingcpp.read_barcodes(image)
    assert len(scans) == 1, "the certificate's QR code does not scan"
    target = scans[0].text
    assert target.endswith(f"/verify/{certificate.verify_code}/")
    expect(sheet).to_contain_text(target)

    page.goto(target)
    expect(page.get_by_test_id("valid")).to_contain_text(certificate.number)
    expect(page.locator("main")).to_contain_text("王*")
    expect(page.locator("main")).not_to_contain_text("王秀英")
    assert_no_sideways_scroll(page)
