"""The leader's scanner on a phone: a real card QR code in front of a (fake) camera, then
two codes typed in while the network is off, sent once it is back.

Chromium's fake camera plays a .y4m file made here from the volunteer's real card
code; the decoder is the vendored zxing-wasm BarcodeDetector polyfill.
"""

import datetime
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import qrcode
from django.contrib.sessions.models import Session
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from shifts.models import Attendance, ScanEvent, Shift, Signup
from shifts.posting import confirm_sheet
from shifts.scanning import record_scan
from shifts.views_scan import SIGNED_OUT
from teams.models import Team
from tests.e2e.conftest import ARTIFACTS, CHROMIUM_ARGS, VIEWPORT
from tests.e2e.steps import sign_in_by_cookie
from tests.factories import (
    LeaderFactory,
    ShiftFactory,
    TeamFactory,
    VolunteerFactory,
    volunteer_in,
)
from volunteers.cards import card_token
from volunteers.models import Volunteer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FRAME = (640, 480)
PRECACHED = "async (count) => (await (await caches.open('scanner-v1')).keys()).length >= count"
# The scans waiting in the phone's storage, one entry each.
QUEUED = (
    "Object.keys(localStorage).filter((key) => key.startsWith('scanner-scan-v2:'))"
    ".map((key) => JSON.parse(localStorage.getItem(key)))"
)
CSP_WATCH = (
    "window.cspViolations = [];"
    " document.addEventListener('securitypolicyviolation',"
    " (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"
)


def watch_csp(page: Page):
    """Content Security Policy violations on the page from now on: the browser's events
    (kept by a script that runs before the page's own) and its console reports."""
    reported = []
    page.add_init_script(CSP_WATCH)
    page.on(
        "console", lambda message: reported.append(message.text) if "Content Security Policy" in message.text else None
    )

    def violations() -> list[str]:
        return reported + page.evaluate("window.cspViolations || []")

    return violations


def write_y4m(path: Path, text: str, frames: int = 5) -> None:
    """A still picture of the QR code as a y4m video: a header line, then per frame
    'FRAME\\n' and the raw I420 planes (full-size luma, quarter-size chroma)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = min(FRAME) * 3 // 4
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    picture = Image.new("L", FRAME, 200)  # a light grey table around a white card
    picture.paste(qr, ((FRAME[0] - side) // 2, (FRAME[1] - side) // 2))
    luma = picture.tobytes()
    chroma = bytes([128]) * (FRAME[0] // 2 * FRAME[1] // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_browser(browser: Browser, tmp_path):
    """A Chromium of its own whose camera shows the card given to launch(card).

    Launched through the session browser's Playwright: one sync Playwright per process.
    """
    video = tmp_path / "card.y4m"
    launched = []

    def launch(card: str) -> Browser:
        write_y4m(video, card)
        launched.append(
            browser.browser_type.launch(
                executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
                headless=True,
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            )
        )
        return launched[-1]

    yield launch
    for camera in launched:
        camera.close()


@dataclass
class ScannerWorld:
    team: Team
    leader: Volunteer
    shift: Shift
    rostered: list[Volunteer]


@pytest.fixture
def scanner_world():
    """A team led by 张队长 and a two-hour shift that started a few minutes ago (or ended
    then, with `ended`), with its roster: the names given, or `people` nameless members."""

    def build(*names: str, people: int = 0, ended: bool = False, **shift_fields) -> ScannerWorld:
        team = TeamFactory(name="银龄互助志愿服务队")
        leader = VolunteerFactory(real_name="张队长")
        LeaderFactory(team=team, user=leader.user)
        moment = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=5)
        starts_at = moment - datetime.timedelta(hours=2) if ended else moment
        shift = ShiftFactory(
            team=team, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2), **shift_fields
        )
        rostered = [volunteer_in(team) for _ in range(people)]
        for name in names:
            volunteer = volunteer_in(team)
            volunteer.real_name = name
            volunteer.save(update_fields=["real_name"])
            rostered.append(volunteer)
        for volunteer in rostered:
            Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
        return ScannerWorld(team, leader, shift, rostered)

    return build


def logged_in_page(browser, live_server, user) -> Page:
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    context.grant_permissions(["camera"], origin=live_server.url)
    sign_in_by_cookie(context, user, live_server.url)
    return context.new_page()


def test_the_leader_scans_a_card_then_two_codes_offline(
    camera_browser, live_server, request, assert_no_sideways_scroll, scanner_world
):
    world = scanner_world("王秀英", "李桂兰", "赵建国", title="六点半课堂")
    leader, shift = world.leader, world.shift
    camera_card, *typed = world.rostered

    camera = camera_browser(card_token(camera_card))
    page = logged_in_page(camera, live_server, leader.user)
    csp_violations = watch_csp(page)
    try:
        # From the leader's home to the scanner in one tap; the scanner is served with a
        # Content Security Policy: its own scripts and the decoder's .wasm, nothing inline.
        page.goto("/me/")
        with page.expect_response(re.compile(rf"/shifts/{shift.pk}/scanner/$")) as scanner_page:
            page.get_by_test_id(f"scan-{shift.pk}").click()
        expect(page).to_have_url(re.compile(rf"/shifts/{shift.pk}/scanner/$"))
        assert "'wasm-unsafe-eval'" in scanner_page.value.headers["content-security-policy"]

        # The camera sees the card: the volunteer is checked in, at once and large.
        expect(page.get_by_test_id("scan-name")).to_have_text("王秀英")
        expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
        expect(page.get_by_test_id("scan-message")).to_contain_text("王秀英")
        expect(page.get_by_test_id("walk-in")).to_be_hidden()
        expect(page.get_by_test_id("pending-count")).to_have_text("0")
        assert_no_sideways_scroll(page)
        attendance = Attendance.objects.get(shift=shift, volunteer=camera_card)
        assert attendance.status == Attendance.Status.CHECKED_IN
        # The card stays in front of the camera: still one scan.
        assert ScanEvent.objects.filter(attendance__shift=shift).count() == 1
        # The service worker has kept the page, its script, the stylesheet and the decoder.
        page.wait_for_function(PRECACHED, arg=6)

        # The network drops; two more volunteers type the code under their QR code.
        page.context.set_offline(True)
        for volunteer in typed:
            page.get_by_test_id("manual-code").fill(card_token(volunteer).lower())
            page.get_by_test_id("manual-submit").click()
        expect(page.get_by_test_id("pending-count")).to_have_text("2")
        expect(page.get_by_test_id("scan-result")).to_have_class(re.compile(r"\bscan-pending\b"))
        queued = sorted(page.evaluate(QUEUED), key=lambda item: item["queued"])
        assert [item["token"] for item in queued] == [card_token(v) for v in typed]
        assert ScanEvent.objects.filter(attendance__shift=shift).count() == 1

        # Back online: both arrive, exactly once, with the time they were typed in.
        page.context.set_offline(False)
        expect(page.get_by_test_id("pending-count")).to_have_text("0")
        expect(page.get_by_test_id("scan-name")).to_have_text("赵建国")
        expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
        log = page.get_by_test_id("scan-log")
        expect(log.locator("li[data-outcome=checked_in]")).to_have_count(3)
        events = ScanEvent.objects.filter(attendance__shift=shift)
        assert events.count() == 3
        for volunteer, item in zip(typed, queued, strict=True):
            event = events.get(attendance__volunteer=volunteer)
            assert event.client_event_id == item["id"]
            assert event.at == datetime.datetime.fromisoformat(item["at"])
        assert set(Attendance.objects.filter(shift=shift).values_list("status", flat=True)) == {
            Attendance.Status.CHECKED_IN
        }

        # Camera, decoder, service worker and sending all worked within the policy.
        assert csp_violations() == []

        # With the network still off, the page reloads from the worker's cache.
        page.context.set_offline(True)
        page.reload()
        expect(page.get_by_test_id("manual-code")).to_be_visible()
        # ... and the decoder (script and .wasm from the cache) reads the card again, into the queue.
        expect(page.get_by_test_id("pending-count")).to_have_text("1")
        expect(page.get_by_test_id("scan-result")).to_have_class(re.compile(r"\bscan-pending\b"))
        assert csp_violations() == []
        # The cached page keeps its policy, and the watch above does see a violation:
        # an inline style attribute is refused.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        page.wait_for_function("window.cspViolations.length > 0")
        assert any(violation.startswith("style-src") for violation in csp_violations())
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        raise
    finally:
        page.context.close()


def test_without_a_camera_a_typed_code_of_a_member_not_on_the_roster_can_be_added_as_walk_in(
    page: Page, live_server, assert_no_sideways_scroll, scanner_world
):
    """Elder mode on a 360 px phone whose camera cannot be used: the code under the QR code is typed in."""
    world = scanner_world(title="独居老人探访")
    leader, shift = world.leader, world.shift
    member = volunteer_in(world.team)  # in the team, not signed up
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    sign_in_by_cookie(page.context, leader.user, live_server.url)

    csp_violations = watch_csp(page)
    page.goto(f"/shifts/{shift.pk}/scanner/")
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    # No camera here: the page says so and offers the typed code.
    expect(page.get_by_test_id("camera-status")).to_contain_text("编码")
    expect(page.locator("#scan-camera")).to_be_hidden()
    assert_no_sideways_scroll(page)

    page.get_by_test_id("manual-code").fill(card_token(member))
    page.get_by_test_id("manual-code").press("Enter")
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "not_on_roster")
    expect(page.get_by_test_id("scan-name")).to_have_text(member.real_name)
    assert not Attendance.objects.filter(shift=shift).exists()

    walk_in = page.get_by_test_id("walk-in")
    box = walk_in.bounding_box()
    assert box["height"] >= 60  # elder mode: large touch targets
    walk_in.click()
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
    expect(walk_in).to_be_hidden()
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert_no_sideways_scroll(page)
    attendance = Attendance.objects.get(shift=shift, volunteer=member)
    assert attendance.is_walk_in
    assert attendance.events.count() == 1
    assert csp_violations() == []


def test_after_the_shift_the_scanner_says_why_a_card_not_on_the_roster_cannot_walk_in(
    page: Page, live_server, scanner_world
):
    """Issue 14: no walk-in button once check-in has closed; a sentence says why instead."""
    world = scanner_world(ended=True)
    member = volunteer_in(world.team)  # in the team, not signed up
    sign_in_by_cookie(page.context, world.leader.user, live_server.url)

    page.goto(f"/shifts/{world.shift.pk}/scanner/")
    expect(page.get_by_test_id("walk-in-rule")).to_contain_text("已结束")
    page.get_by_test_id("manual-code").fill(card_token(member))
    page.get_by_test_id("manual-code").press("Enter")

    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "not_on_roster")
    expect(page.get_by_test_id("walk-in")).to_be_hidden()
    expect(page.get_by_test_id("walk-in-refused")).to_be_visible()
    expect(page.get_by_test_id("walk-in-refused")).to_contain_text("考勤表")
    assert not Attendance.objects.filter(shift=world.shift).exists()


def test_a_queued_scan_the_server_refuses_is_dropped_and_the_others_still_arrive(
    page: Page, live_server, scanner_world
):
    """A malformed scan left in the queue (say, by an older page) must not block the ones behind it."""
    world = scanner_world(people=2)
    leader, shift = world.leader, world.shift
    first, second = world.rostered
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    url = f"/shifts/{shift.pk}/scan/"
    now = timezone.now().isoformat()
    queue = [
        {"id": "q-1", "url": url, "token": card_token(first), "at": now, "kind": None, "walk_in": False},
        {"id": "q-2", "url": url, "token": card_token(first), "at": "not a time", "kind": None, "walk_in": False},
        {"id": "q-3", "url": url, "token": card_token(second), "at": now, "kind": None, "walk_in": False},
    ]
    # In the queue before the page's own script runs, as if left there by an earlier visit.
    page.context.add_init_script(
        f"if (!sessionStorage.getItem('seeded')) {{ sessionStorage.setItem('seeded', '1');"
        f" localStorage.setItem('scanner-queue-v1', {json.dumps(json.dumps(queue))}); }}"
    )

    csp_violations = watch_csp(page)
    page.goto(f"/shifts/{shift.pk}/scanner/")

    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    log = page.get_by_test_id("scan-log")
    expect(log.locator("li[data-event-id=q-2].scan-problem")).to_be_visible()
    expect(log.locator("li[data-outcome=checked_in]")).to_have_count(2)
    assert sorted(ScanEvent.objects.values_list("client_event_id", flat=True)) == ["q-1", "q-3"]
    assert csp_violations() == []


def test_without_card_or_camera_the_leader_picks_people_from_the_roster_even_offline(
    page: Page, live_server, assert_no_sideways_scroll, scanner_world
):
    world = scanner_world("王秀英", "李建国")
    leader, shift = world.leader, world.shift
    page.set_viewport_size({"width": 360, "height": 640})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    csp_violations = watch_csp(page)
    page.goto(f"/shifts/{shift.pk}/scanner/")

    page.get_by_test_id("roster-pick").locator("summary").click()
    page.get_by_test_id("roster-filter").fill("秀英")
    expect(page.get_by_role("button", name=re.compile("李建国"))).to_be_hidden()
    page.get_by_role("button", name=re.compile("王秀英")).click()
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
    expect(page.get_by_test_id("scan-name")).to_have_text("王秀英")
    assert_no_sideways_scroll(page)

    page.context.set_offline(True)
    page.get_by_test_id("roster-filter").fill("")
    page.get_by_role("button", name=re.compile("李建国")).click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    expect(page.get_by_test_id("scan-name")).to_have_text("李建国")
    page.context.set_offline(False)
    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")

    events = ScanEvent.objects.select_related("attendance__volunteer")
    assert sorted(e.attendance.volunteer.real_name for e in events) == ["李建国", "王秀英"]
    assert {e.method for e in events} == {ScanEvent.Method.MANUAL}

    # The switch makes the next read a check-out, even a moment after the check-in.
    page.get_by_label("签退").check()
    page.get_by_test_id("manual-code").fill(card_token(Volunteer.objects.get(real_name="王秀英")))
    page.get_by_test_id("manual-code").press("Enter")
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_out")
    assert ScanEvent.objects.filter(kind=ScanEvent.Kind.OUT, attendance__volunteer__real_name="王秀英").exists()
    assert csp_violations() == []


def test_a_scan_made_after_the_session_ended_waits_on_the_phone_until_the_leader_signs_in_again(
    page: Page, live_server, scanner_world
):
    world = scanner_world(people=1)
    leader, shift, (volunteer,) = world.leader, world.shift, world.rostered
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.goto(f"/shifts/{shift.pk}/scanner/")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")

    Session.objects.all().delete()  # the session expired while the page stayed open
    page.get_by_test_id("manual-code").fill(card_token(volunteer))
    page.get_by_test_id("manual-code").press("Enter")

    with translation.override("zh-hans"):  # the browser asks for Chinese
        expect(page.get_by_test_id("scan-message")).to_have_text(str(SIGNED_OUT))
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    assert not ScanEvent.objects.exists()

    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert ScanEvent.objects.get().attendance.volunteer == volunteer


# Holds each answer to a scan POST until the test lets it through, so that a tap can land
# while a batch is on its way; and drops the page's retry timer, so that only the tap can
# send the scan again.
HELD_ANSWERS = (
    "window.held = []; window.realFetch = window.fetch;"
    " window.fetch = (...args) => realFetch(...args).then((answer) =>"
    " new Promise((release) => { window.held.push(() => release(answer));"
    " document.body.dataset.held = window.held.length; }));"
    " const realSetTimeout = window.setTimeout;"
    " window.setTimeout = (callback, ...rest) => callback?.name === 'flush' ? 0 : realSetTimeout(callback, ...rest);"
)


def test_send_now_tapped_while_a_refused_batch_is_on_its_way_sends_again_as_soon_as_it_is_answered(
    page: Page, live_server, scanner_world
):
    world = scanner_world(people=1)
    leader, shift, (volunteer,) = world.leader, world.shift, world.rostered
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.goto(f"/shifts/{shift.pk}/scanner/")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")

    Session.objects.all().delete()
    page.evaluate(HELD_ANSWERS)
    page.get_by_test_id("manual-code").fill(card_token(volunteer))
    page.get_by_test_id("manual-code").press("Enter")
    expect(page.locator("body")).to_have_attribute("data-held", "1")  # refused, not yet read

    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.get_by_test_id("send-now").click()
    page.evaluate("window.fetch = realFetch; window.held.forEach((release) => release())")

    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-outcome", "checked_in")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert ScanEvent.objects.get().attendance.volunteer == volunteer


# Stands in for the phone's speaker: records the wave type of each tone the page plays
# (the page plays a sine for a good scan, square waves for a refused one).
SPEAKER = (
    "window.tones = [];"
    " window.AudioContext = class { constructor() { this.state = 'running'; this.currentTime = 0;"
    " this.destination = {}; } resume() {} createGain() { return { gain: {}, connect: (to) => to }; }"
    " createOscillator() { const tone = { type: '', frequency: {}, connect: (to) => to, start() {},"
    " stop() { window.tones.push(tone.type); } }; return tone; } };"
)


def test_a_scan_after_the_sheet_is_posted_is_refused_large_and_with_the_error_sound(
    page: Page, live_server, assert_no_sideways_scroll, scanner_world
):
    """The volunteer scans again after the leader confirmed the sheet: the ledger already
    holds their time, so the scanner says to ask the office for a correction."""
    world = scanner_world("王秀英", ended=True)
    leader, shift, (volunteer,) = world.leader, world.shift, world.rostered
    for kind, at in (("in", shift.starts_at), ("out", shift.starts_at + datetime.timedelta(hours=1))):
        record_scan(shift=shift, token=card_token(volunteer), client_event_id=kind, at=at, by=leader.user, kind=kind)
    confirm_sheet(shift=shift, by=leader.user)
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    page.add_init_script(SPEAKER)

    csp_violations = watch_csp(page)
    page.goto(f"/shifts/{shift.pk}/scanner/")
    page.get_by_test_id("manual-code").fill(card_token(volunteer))
    page.get_by_test_id("manual-code").press("Enter")

    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-outcome", "already_posted")
    expect(result).to_have_class(re.compile(r"\bscan-problem\b"))
    expect(page.get_by_test_id("scan-name")).to_have_text("王秀英")
    expect(page.get_by_test_id("scan-message")).to_contain_text("台账")
    expect(page.get_by_test_id("walk-in")).to_be_hidden()
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    page.wait_for_function("window.tones.length > 0")
    assert set(page.evaluate("window.tones")) == {"square"}
    assert_no_sideways_scroll(page)
    attendance = Attendance.objects.get(shift=shift)
    assert (attendance.review_state, attendance.credited_minutes) == (Attendance.Review.POSTED, 60)
    assert attendance.events.count() == 2
    assert csp_violations() == []


def test_two_scanner_tabs_offline_both_count_every_waiting_scan_and_send_each_once(
    page: Page, live_server, scanner_world
):
    """Two tabs of one phone share its storage. (That neither can drop the other's scans holds by
    construction, each scan being its own entry; the interleaving it rules out cannot be staged here.)"""
    world = scanner_world(people=4)
    leader, shift, people = world.leader, world.shift, world.rostered
    sign_in_by_cookie(page.context, leader.user, live_server.url)
    tabs = [page, page.context.new_page()]
    for tab in tabs:
        tab.goto(f"/shifts/{shift.pk}/scanner/")
        expect(tab.get_by_test_id("pending-count")).to_have_text("0")

    page.context.set_offline(True)
    for number, volunteer in enumerate(people):
        tab = tabs[number % 2]  # the tabs take turns
        tab.get_by_test_id("manual-code").fill(card_token(volunteer))
        tab.get_by_test_id("manual-code").press("Enter")
    for tab in tabs:
        expect(tab.get_by_test_id("pending-count")).to_have_text("4")
    assert not ScanEvent.objects.exists()

    page.context.set_offline(False)
    for tab in tabs:
        expect(tab.get_by_test_id("pending-count")).to_have_text("0")
    checked_in = Attendance.objects.filter(shift=shift, status=Attendance.Status.CHECKED_IN)
    assert sorted(checked_in.values_list("volunteer_id", flat=True)) == sorted(v.pk for v in people)
    assert ScanEvent.objects.count() == 4
