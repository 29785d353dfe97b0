"""POST /shifts/<pk>/scan/: the scanner's batches, as the phone sends them."""

import datetime
import json
import random
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shifts.first_reads import in_one_statement
from shifts.models import Attendance, ScanEvent, Signup
from shifts.scan_api import MAX_EVENTS
from shifts.scanning import record_event, record_scan
from tests.factories import LeaderFactory, ShiftFactory, TeamFactory, VolunteerFactory, volunteer_in
from volunteers.cards import card_token
from volunteers.services import reissue_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift():
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    return ShiftFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=50)


@pytest.fixture
def past_shift(shift):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    return ShiftFactory(team=shift.team, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=50)


@pytest.fixture
def leader(shift):
    return LeaderFactory(team=shift.team, user=VolunteerFactory().user).user


@pytest.fixture
def leader_client(leader, client_for):
    return client_for(leader)


def on_roster(shift):
    volunteer = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=volunteer, status=Signup.Status.CONFIRMED)
    return volunteer


def event(volunteer=None, at=None, event_id=None, token=None, **fields):
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    return {
        "id": event_id or f"ev-{random.random()}",
        "token": token if token is not None else card_token(volunteer),
        "at": at.isoformat(),
        **fields,
    }


def post(client, shift, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(reverse("shifts:scan", args=[shift.pk]), data, content_type="application/json", **extra)


def test_a_batch_is_answered_in_order_one_result_per_event(leader, leader_client, shift):
    anna, ben = on_roster(shift), on_roster(shift)
    stranger = VolunteerFactory()
    now = timezone.now()
    batch = [
        event(anna, now - datetime.timedelta(minutes=10), "a-in"),
        event(ben, now - datetime.timedelta(minutes=9), "b-in"),
        event(anna, now - datetime.timedelta(minutes=8), "a-again", kind="in"),
        event(stranger, now - datetime.timedelta(minutes=7), "s-in"),
        event(token="V1-1-AAAAAAAA", event_id="junk"),
    ]

    response = post(leader_client, shift, {"events": batch})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a-in", "b-in", "a-again", "s-in", "junk"]
    assert [r["outcome"] for r in results] == [
        "checked_in",
        "checked_in",
        "already_in",
        "not_on_roster",
        "bad_card",
    ]
    assert [r["ok"] for r in results] == [True, True, True, False, False]
    assert results[0]["name"] == anna.real_name and anna.real_name in results[0]["message"]
    assert datetime.datetime.fromisoformat(results[0]["at"]) == datetime.datetime.fromisoformat(batch[0]["at"])
    assert results[4]["name"] == "" and results[4]["at"] is None
    assert ScanEvent.objects.count() == 3
    assert set(ScanEvent.objects.values_list("by", flat=True)) == {leader.pk}


def test_the_scan_time_is_the_phones_not_the_arrival(leader_client, shift):
    anna = on_roster(shift)
    scanned = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=15)
    at_plus_8 = scanned.astimezone(datetime.timezone(datetime.timedelta(hours=8)))

    post(leader_client, shift, {"events": [event(anna, at_plus_8, "late-arrival")]})

    assert ScanEvent.objects.get().at == scanned


def test_a_replayed_batch_gives_the_same_answers_and_writes_nothing_more(leader_client, shift):
    people = [on_roster(shift) for _ in range(3)]
    now = timezone.now()
    batch = [event(p, now - datetime.timedelta(minutes=5 - n), f"r-{n}") for n, p in enumerate(people)]
    first = post(leader_client, shift, {"events": batch}).json()
    written = list(ScanEvent.objects.order_by("pk").values_list("client_event_id", "at", "kind", "outcome"))

    again = post(leader_client, shift, {"events": batch}).json()

    assert again == first
    assert list(ScanEvent.objects.order_by("pk").values_list("client_event_id", "at", "kind", "outcome")) == written


def _ins_and_outs(shift, people, prefix):
    batch = []
    for number, person in enumerate(people):
        batch.append(event(person, shift.starts_at + datetime.timedelta(minutes=number * 20), f"{prefix}-{number}-in"))
        batch.append(event(person, shift.ends_at, f"{prefix}-{number}-out"))
    return batch


def _attendance_of(shift):
    return sorted(Attendance.objects.filter(shift=shift).values_list("volunteer_id", "status", "credited_minutes"))


def test_a_shuffled_batch_with_kinds_gives_the_same_attendance_as_in_order(leader_client, past_shift):
    shift = past_shift
    people = [on_roster(shift) for _ in range(4)]
    # Others at the same times: one person at both would serve one of them only (rule 5).
    twin = ShiftFactory(team=shift.team, starts_at=shift.starts_at, ends_at=shift.ends_at, capacity=50)
    others = [on_roster(twin) for _ in range(4)]
    in_order = [{**e, "kind": e["id"].rsplit("-", 1)[1]} for e in _ins_and_outs(shift, people, "o")]
    shuffled = [{**e, "kind": e["id"].rsplit("-", 1)[1]} for e in _ins_and_outs(twin, others, "s")]
    random.Random(7).shuffle(shuffled)

    post(leader_client, shift, {"events": in_order})
    answers = post(leader_client, twin, {"events": shuffled}).json()["results"]

    assert [a["id"] for a in answers] == [e["id"] for e in shuffled]
    assert [row[1:] for row in _attendance_of(twin)] == [row[1:] for row in _attendance_of(shift)]
    assert {m for _, _, m in _attendance_of(twin)} == {120, 90, 60}  # joined at 0, 20, 40, 60 minutes


def test_a_replay_in_shuffled_order_repeats_each_answer(leader_client, past_shift):
    shift = past_shift
    people = [on_roster(shift) for _ in range(3)]
    batch = _ins_and_outs(shift, people, "r")
    first = {r["id"]: r for r in post(leader_client, shift, {"events": batch}).json()["results"]}
    before = _attendance_of(shift)
    shuffled = batch[:]
    random.Random(11).shuffle(shuffled)

    again = post(leader_client, shift, {"events": shuffled}).json()["results"]

    assert again == [first[e["id"]] for e in shuffled]
    assert _attendance_of(shift) == before
    assert ScanEvent.objects.count() == 6


def test_walk_in_adds_a_team_member_who_is_not_on_the_roster(leader_client, shift):
    member = volunteer_in(shift.team)
    scan = event(member, event_id="w-1")

    refused = post(leader_client, shift, {"events": [scan]}).json()["results"][0]
    added = post(leader_client, shift, {"events": [{**scan, "id": "w-2", "walk_in": True}]}).json()["results"][0]

    assert refused["outcome"] == "not_on_roster"
    assert added["outcome"] == "checked_in"
    assert Attendance.objects.get(volunteer=member).is_walk_in


def test_a_replaced_card_is_refused(leader_client, shift):
    anna = on_roster(shift)
    old = card_token(anna)
    reissue_card(volunteer=anna)

    result = post(leader_client, shift, {"events": [event(token=old)]}).json()["results"][0]

    assert result["outcome"] == "revoked_card" and result["name"] == anna.real_name
    assert not ScanEvent.objects.exists()


def test_the_card_of_a_deactivated_account_is_refused_like_a_bad_card(leader_client, shift):
    anna = on_roster(shift)
    anna.user.is_active = False
    anna.user.save(update_fields=["is_active"])

    result = post(leader_client, shift, {"events": [event(anna)]}).json()["results"][0]

    assert result["outcome"] == "bad_card" and result["name"] == ""
    assert not ScanEvent.objects.exists()


def test_a_card_read_knows_the_roster_and_the_attendance_of_this_shift_only(leader_client, shift, past_shift):
    """The card's query also says whether the person is on this roster and checked in here:
    someone on another shift's roster, or with attendance there, is a stranger here."""
    elsewhere = on_roster(past_shift)
    record_scan(
        shift=past_shift, token=card_token(elsewhere), client_event_id="there", at=past_shift.starts_at, by=None
    )
    anna = on_roster(shift)

    results = post(leader_client, shift, {"events": [event(elsewhere), event(anna)]}).json()["results"]

    assert [r["outcome"] for r in results] == ["not_on_roster", "checked_in"]
    assert Attendance.objects.filter(shift=shift).get().volunteer == anna


def pick(volunteer, at=None, event_id=None, **fields):
    """A person picked from the roster on the scanner page, as the phone sends it."""
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    return {"id": event_id or f"pick-{random.random()}", "volunteer": volunteer.pk, "at": at.isoformat(), **fields}


def test_a_person_picked_from_the_roster_checks_in_and_out_marked_by_the_leader(leader, leader_client, shift):
    anna = on_roster(shift)
    now = timezone.now()
    batch = [pick(anna, now - datetime.timedelta(minutes=10)), pick(anna, now - datetime.timedelta(minutes=2))]

    results = post(leader_client, shift, {"events": batch}).json()["results"]

    assert [(r["outcome"], r["name"]) for r in results] == [
        ("checked_in", anna.real_name),
        ("checked_out", anna.real_name),
    ]
    events = ScanEvent.objects.order_by("at")
    assert {(e.method, e.by_id) for e in events} == {(ScanEvent.Method.MANUAL, leader.pk)}
    assert events.count() == 2


@pytest.mark.parametrize("who", ["member_not_signed_up", "stranger", "waitlisted", "nobody"])
def test_only_the_roster_can_be_picked_and_a_number_tells_no_name(leader_client, shift, who):
    if who == "member_not_signed_up":
        person = volunteer_in(shift.team)
    elif who == "stranger":
        person = VolunteerFactory()
    elif who == "waitlisted":
        person = volunteer_in(shift.team)
        Signup.objects.create(shift=shift, volunteer=person, status=Signup.Status.WAITLISTED)
    else:
        person = type(on_roster(shift))(pk=10**9)

    result = post(leader_client, shift, {"events": [pick(person)]}).json()["results"][0]

    assert (result["outcome"], result["name"]) == ("not_on_roster", "")
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"token": "V1-1-AAAAAAAA"}, id="token-too"),
        pytest.param({"volunteer": "12"}, id="text"),
        pytest.param({"volunteer": True}, id="bool"),
        pytest.param({"volunteer": 0}, id="zero"),
        pytest.param({"volunteer": 2**63}, id="huge"),
        pytest.param({"walk_in": True}, id="walk-in"),
    ],
)
def test_a_malformed_pick_is_refused_whole(leader_client, shift, fields):
    body = {"events": [{**pick(on_roster(shift)), **fields}]}

    response = post(leader_client, shift, body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400 and response.json()["error"].startswith("Event 1")
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{not json", id="bad-json"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param("[]", id="a-list"),
        pytest.param('"events"', id="a-string"),
        pytest.param({}, id="no-events"),
        pytest.param({"events": {}}, id="events-not-a-list"),
        pytest.param({"events": []}, id="no-event"),
        pytest.param({"events": ["V1-1-AAAAAAAA"]}, id="event-not-an-object"),
        pytest.param({"events": [{"token": "V1-1-AAAAAAAA", "at": "2026-05-01T09:00:00+08:00"}]}, id="no-id"),
        pytest.param({"events": [{"id": "", "token": "x", "at": "2026-05-01T09:00:00+08:00"}]}, id="empty-id"),
        pytest.param({"events": [{"id": "x" * 65, "token": "x", "at": "2026-05-01T09:00:00+08:00"}]}, id="long-id"),
        pytest.param({"events": [{"id": 5, "token": "x", "at": "2026-05-01T09:00:00+08:00"}]}, id="number-id"),
        pytest.param({"events": [{"id": "a\u0000b", "token": "x", "at": "2026-05-01T09:00:00+08:00"}]}, id="nul-id"),
        pytest.param({"events": [{"id": "a\nb", "token": "x", "at": "2026-05-01T09:00:00+08:00"}]}, id="newline-id"),
        pytest.param({"events": [{"id": "a", "at": "2026-05-01T09:00:00+08:00"}]}, id="no-token"),
        pytest.param({"events": [{"id": "a", "token": "x" * 101, "at": "2026-05-01T09:00:00+08:00"}]}, id="long"),
        pytest.param({"events": [{"id": "a", "token": "x"}]}, id="no-time"),
        pytest.param({"events": [{"id": "a", "token": "x", "at": "2026-05-01T09:00:00"}]}, id="no-offset"),
        pytest.param({"events": [{"id": "a", "token": "x", "at": "yesterday"}]}, id="not-a-time"),
        pytest.param({"events": [{"id": "a", "token": "x", "at": 1777000000}]}, id="epoch-number"),
        pytest.param({"events": [{"id": "a", "token": "x", "at": "0001-01-01T00:00:00+14:00"}]}, id="year-1"),
        pytest.param({"events": [{"id": "a", "token": "x", "at": "2026-02-30T09:00:00+08:00"}]}, id="feb-30"),
        pytest.param(
            {"events": [{"id": "a", "token": "x", "at": "2026-05-01T09:00:00+08:00", "kind": "sideways"}]}, id="kind"
        ),
        pytest.param(
            {"events": [{"id": "a", "token": "x", "at": "2026-05-01T09:00:00+08:00", "walk_in": "yes"}]}, id="walk"
        ),
    ],
)
def test_a_malformed_request_is_refused_whole_with_a_json_error(leader_client, shift, body):
    anna = on_roster(shift)
    good = event(anna, event_id="good-first")
    if isinstance(body, dict) and isinstance(body.get("events"), list) and body["events"]:
        body = {"events": [good, *body["events"]]}  # a good event before the bad one is not written either

    response = post(leader_client, shift, body)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert not ScanEvent.objects.exists()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("token", ["V1-1-\u0000AAAAAAA", "\u0000", "V\u00001-1-AAAAAAAA"])
def test_a_card_code_with_a_nul_is_a_bad_card_not_a_server_error(leader_client, shift, token):
    result = post(leader_client, shift, {"events": [event(token=token, event_id="nul-token")]}).json()["results"][0]

    assert result["outcome"] == "bad_card"
    assert not ScanEvent.objects.exists()


def test_the_error_names_the_event_at_fault(leader_client, shift):
    anna = on_roster(shift)
    response = post(leader_client, shift, {"events": [event(anna), {"id": "x", "token": "x", "at": "soon"}]})

    assert response.status_code == 400
    assert "2" in response.json()["error"]


def test_more_than_the_limit_is_refused(leader_client, shift):
    anna = on_roster(shift)
    batch = [event(anna) for _ in range(MAX_EVENTS + 1)]

    response = post(leader_client, shift, {"events": batch})

    assert response.status_code == 400
    assert str(MAX_EVENTS) in response.json()["error"]
    assert not ScanEvent.objects.exists()
    assert post(leader_client, shift, {"events": batch[:MAX_EVENTS]}).status_code == 200


def test_a_body_too_large_is_refused_before_it_is_read(leader_client, shift):
    response = post(leader_client, shift, json.dumps({"events": [], "padding": "x" * 70_000}))

    assert response.status_code == 400
    assert response.json()["error"]


def test_csrf_is_enforced(leader, shift):
    anna = on_roster(shift)
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    body = {"events": [event(anna, event_id="csrf-1")]}

    refused = post(client, shift, body, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and "reload" in refused.json()["error"]
    assert not ScanEvent.objects.exists()

    page = client.get(reverse("shifts:scanner", args=[shift.pk]))  # the page sets the CSRF cookie
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    response = post(client, shift, body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "checked_in"


@pytest.mark.parametrize("who", ["member", "other_leader", "volunteer"])
def test_only_those_who_run_the_team_may_scan(shift, client_for, who):
    anna = on_roster(shift)
    if who == "member":
        user = anna.user
    elif who == "other_leader":
        user = LeaderFactory(team=TeamFactory(office=shift.team.office), user=VolunteerFactory().user).user
    else:
        user = VolunteerFactory().user
    client = client_for(user)

    refused = post(client, shift, {"events": [event(anna)]}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 404 and "not available" in refused.json()["error"]
    assert client.get(reverse("shifts:scanner", args=[shift.pk])).status_code == 404
    assert not ScanEvent.objects.exists()


def test_an_unknown_shift_is_not_found(leader_client, shift):
    missing = type(shift)(pk=shift.pk + 1000)

    assert post(leader_client, missing, {"events": [event(on_roster(shift))]}).status_code == 404


def test_anonymous_is_told_to_sign_in_again_in_json(shift, client):
    """The phone cannot follow a redirect to the login form with its queue: it shows the
    error and keeps the scans."""
    response = post(client, shift, {"events": [event(on_roster(shift))]}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert "signed out" in response.json()["error"]
    assert not ScanEvent.objects.exists()


def test_a_form_without_its_csrf_token_still_gets_a_page(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)

    response = client.post(reverse("set_language"), {"language": "en"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_get_is_not_allowed(leader_client, shift):
    assert leader_client.get(reverse("shifts:scan", args=[shift.pk])).status_code == 405


# Per request: session, user, the leader's grants, the shift (a JSON endpoint: no profile check).
QUERIES_PER_REQUEST = 4
# The volunteer's row lock, where the database has row locks (PostgreSQL; SQLite lets one
# writer in at a time).
LOCK = 1 if connection.features.has_select_for_update else 0
# Per first check-in: the card, which also says whether the person is on the roster and
# has attendance here; in a savepoint (a test runs in a transaction; a request does not, and
# on PostgreSQL takes none), the attendance row and the event written: on PostgreSQL in one
# statement (shifts.first_reads). No lock: a first check-in credits nothing.
QUERIES_PER_CHECK_IN = 4 if in_one_statement() else 5
# Per check-out: the card; in a savepoint, the volunteer locked, the attendance row and
# its events, the shift read again (a leader's edit may have committed since), the event
# written; then the person's attendances not yet posted, their events and the ledger's
# records around them (rules 4 and 5), and the attendance written.
QUERIES_PER_CHECK_OUT = 11 + LOCK


def _busy(shift, people):
    """Other people's scans, at this shift and at another one: data a scan must not read row by row."""
    elsewhere = ShiftFactory(team=shift.team, starts_at=shift.starts_at, ends_at=shift.ends_at, capacity=people + 1)
    for where in (shift, elsewhere):
        for number in range(people):
            volunteer = on_roster(where)
            for kind, minutes in (("in", 0), ("out", 1)):
                record_scan(
                    shift=where,
                    token=card_token(volunteer),
                    client_event_id=f"busy-{where.pk}-{number}-{kind}",
                    at=where.starts_at + datetime.timedelta(minutes=minutes),
                    by=None,
                    kind=kind,
                )


@pytest.mark.parametrize("others", [0, 25])
def test_a_check_in_costs_a_fixed_number_of_queries_whatever_the_data(
    leader_client, shift, django_assert_num_queries, others
):
    _busy(shift, others)
    people = [on_roster(shift) for _ in range(4)]
    now = timezone.now() - datetime.timedelta(minutes=5)

    with django_assert_num_queries(QUERIES_PER_REQUEST + QUERIES_PER_CHECK_IN):
        one = post(leader_client, shift, {"events": [event(people[0], now)]})
    with django_assert_num_queries(QUERIES_PER_REQUEST + 3 * QUERIES_PER_CHECK_IN):
        three = post(leader_client, shift, {"events": [event(p, now) for p in people[1:]]})

    outcomes = [r["outcome"] for r in one.json()["results"] + three.json()["results"]]
    assert outcomes == ["checked_in"] * 4

    # A member added at the venue: the team's membership is asked as well.
    member = volunteer_in(shift.team)
    with django_assert_num_queries(QUERIES_PER_REQUEST + QUERIES_PER_CHECK_IN + 1):
        walk_in = post(leader_client, shift, {"events": [event(member, now, walk_in=True)]})
    assert walk_in.json()["results"][0]["outcome"] == "checked_in"


@pytest.mark.parametrize("others", [0, 25])
def test_a_check_out_costs_a_fixed_number_of_queries_whatever_the_data(
    leader_client, shift, django_assert_num_queries, others
):
    _busy(shift, others)
    people = [on_roster(shift) for _ in range(4)]
    arrived = timezone.now() - datetime.timedelta(minutes=10)
    post(leader_client, shift, {"events": [event(p, arrived) for p in people]})
    left = timezone.now() - datetime.timedelta(minutes=1)

    with django_assert_num_queries(QUERIES_PER_REQUEST + QUERIES_PER_CHECK_OUT):
        one = post(leader_client, shift, {"events": [event(people[0], left)]})
    with django_assert_num_queries(QUERIES_PER_REQUEST + 3 * QUERIES_PER_CHECK_OUT):
        three = post(leader_client, shift, {"events": [event(p, left) for p in people[1:]]})

    outcomes = [r["outcome"] for r in one.json()["results"] + three.json()["results"]]
    assert outcomes == ["checked_out"] * 4


def test_the_scanner_page_carries_its_strings_and_urls(leader_client, shift):
    response = leader_client.get(reverse("shifts:scanner", args=[shift.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="scanner-config"' in html
    assert reverse("shifts:scan", args=[shift.pk]) in html
    assert "vendor/barcode-detector/zxing_reader.wasm" in html
    assert "js/scanner.js" in html
    # Everything the page loads comes from this site: no CDN (phones may be on an intranet).
    # (Not a search for "cdn" in the page: a random CSRF token may spell it.)
    loaded = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert loaded and not [url for url in loaded if re.match(r"^(?:[a-z]+:)?//", url)], loaded
    absolute = re.findall(r"(?:https?:)?\\?/\\?/[\w.-]+", html)
    assert not [url for url in absolute if "testserver" not in url and "www.w3.org" not in url], absolute


@pytest.mark.parametrize("people", [2, 12])
def test_the_scanner_page_lists_the_roster_to_pick_from_by_name(
    leader_client, shift, django_assert_num_queries, people
):
    """The page stays on the phone for offline use: names, and a masked phone only to tell
    apart two people of the same name."""
    roster = [on_roster(shift) for _ in range(people)]
    namesakes = roster[:2]
    for volunteer in namesakes:
        volunteer.real_name = "王秀英"
        volunteer.save()
    waiting = volunteer_in(shift.team)
    Signup.objects.create(shift=shift, volunteer=waiting, status=Signup.Status.WAITLISTED)

    with django_assert_num_queries(7):  # the same whatever the roster's size
        html = leader_client.get(reverse("shifts:scanner", args=[shift.pk])).content.decode()

    picked = re.findall(r'data-volunteer="(\d+)"', html)
    assert sorted(map(int, picked)) == sorted(v.pk for v in roster)
    for volunteer in roster:
        assert (volunteer.user.masked_phone in html) == (volunteer in namesakes)
        assert volunteer.user.phone[-8:] not in html


def test_the_scanner_page_has_a_content_security_policy_and_nothing_inline_for_it_to_block(leader_client, shift):
    response = leader_client.get(reverse("shifts:scanner", args=[shift.pk]))

    header = response["Content-Security-Policy"]
    policy = dict(directive.split(" ", 1) for directive in header.split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"  # the decoder compiles its .wasm
    assert policy["connect-src"] == "'self'"  # the scans, and the .wasm download
    assert policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    # Only files of our own, and the page's settings as a JSON data block, which is not run.
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
    assert "<style" not in html and " style=" not in html and not re.search(r"\son[a-z]+=", html)


def test_the_service_worker_may_fetch_only_from_this_site(client):
    response = client.get(reverse("shifts:scanner_sw"))

    assert response["Content-Security-Policy"] == "default-src 'none'; connect-src 'self'"


def test_the_shift_page_links_the_scanner_for_those_who_run_it(leader_client, shift, client_for):
    url = reverse("shifts:scanner", args=[shift.pk])
    assert url in leader_client.get(shift.get_absolute_url()).content.decode()
    member = on_roster(shift).user
    assert url not in client_for(member).get(shift.get_absolute_url()).content.decode()


def test_the_service_worker_is_served_from_shifts_so_its_scope_covers_the_scanner(client):
    response = client.get(reverse("shifts:scanner_sw"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert reverse("shifts:scanner_sw").startswith("/shifts/")
    assert b"precache" in response.content


def test_a_card_read_that_missed_a_row_another_phone_just_made_still_records_right(shift):
    """The card's query said "no attendance yet"; another phone made the row before this
    transaction began. The insert trips the unique constraint and the next attempt looks."""
    volunteer = on_roster(shift)
    first = record_scan(
        shift=shift, token=card_token(volunteer), client_event_id="phone-1", at=shift.starts_at, by=None
    )
    assert first.outcome == "checked_in"
    volunteer.on_roster, volunteer.has_attendance = True, False  # as read before phone 1's row

    later = record_event(
        shift=shift,
        volunteer=volunteer,
        client_event_id="phone-2",
        at=shift.starts_at + datetime.timedelta(minutes=15),
        by=None,
    )

    assert later.outcome == "checked_out"
    attendance = Attendance.objects.get(shift=shift, volunteer=volunteer)
    assert list(attendance.events.order_by("at").values_list("client_event_id", flat=True)) == ["phone-1", "phone-2"]


def test_json_nested_a_thousand_deep_is_a_bad_request_not_a_crash(leader_client, shift):
    body = "[" * 1000 + "]" * 1000
    response = post(leader_client, shift, '{"events": ' + body + "}")

    assert response.status_code == 400
    assert not ScanEvent.objects.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=70), st.integers()),
        "token": st.one_of(st.text(max_size=40), st.integers(), st.none()),
        "at": st.one_of(st.text(max_size=40), st.just("2026-12-01T09:00:00+08:00"), st.integers()),
        "kind": st.one_of(st.sampled_from(["in", "out", "auto", None, ""]), st.text(max_size=5)),
        "walk_in": json_values,
        "volunteer": st.one_of(st.integers(), st.text(max_size=5)),
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        json_values.map(json.dumps),
        st.lists(event_like, max_size=5).map(lambda events: json.dumps({"events": events})),
        st.binary(max_size=200),
    )
)
def test_whatever_a_phone_sends_the_answer_is_never_a_server_error(leader_client, shift, body):
    """Random JSON, events of any shape, bytes: a 200 or a 400, and a 400 writes nothing."""
    before = ScanEvent.objects.count()

    response = post(leader_client, shift, body)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert ScanEvent.objects.count() == before
