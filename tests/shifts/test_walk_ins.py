"""The walk-in button is offered only when a walk-in can be added; otherwise a sentence
says why (issue 14). The limits are those the services apply (shifts/walk_ins.py)."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts import walk_ins
from shifts.models import Attendance
from teams.models import Membership
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
# 2027-03-10 is a Wednesday; the team's check-in opens 30 minutes before the start.
START = datetime.datetime(2027, 3, 10, 18, 30, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def shift():
    return ShiftFactory(starts_at=START, ends_at=START + 2 * HOUR)


@pytest.mark.parametrize(
    ("now", "refusal"),
    [
        (START - 2 * HOUR, "Walk-ins can be added from 18:00, when check-in opens."),
        (START - datetime.timedelta(minutes=30), None),  # check-in opens
        (START + HOUR, None),
        (START + 3 * HOUR, None),  # after the end: with times, on the sheet
        (START + datetime.timedelta(days=14), None),  # 10 working days later, the sheet may still be posted
        (START + datetime.timedelta(days=15), "No walk-ins: more than 10 working days have passed since this shift."),
    ],
)
def test_the_sheet_takes_walk_ins_from_check_in_until_it_can_no_longer_be_posted(shift, now, refusal):
    said = walk_ins.sheet_refusal(shift, now)
    assert said == refusal if refusal is None else said.startswith(refusal)


@pytest.mark.parametrize(
    ("at", "refusal"),
    [
        (START - datetime.timedelta(minutes=31), "Walk-ins can be added from 18:00"),
        (START - datetime.timedelta(minutes=30), None),
        (START + 2 * HOUR, None),  # the end itself still checks in
        (START + 2 * HOUR + datetime.timedelta(seconds=1), "No walk-ins by scan: the shift has ended."),
    ],
)
def test_the_scanner_takes_walk_ins_while_check_in_is_open(shift, at, refusal):
    said = walk_ins.scanner_refusal(shift, at)
    assert said == refusal if refusal is None else said.startswith(refusal)


def test_a_cancelled_shift_takes_no_walk_ins(shift):
    shift.is_cancelled = True
    cancelled = "No walk-ins: this shift has been cancelled."
    assert walk_ins.sheet_refusal(shift, START) == cancelled
    assert walk_ins.scanner_refusal(shift, START) == cancelled
    assert walk_ins.scanner_rules(shift)["refusal"] == cancelled


def leader_of(team):
    return volunteer_in(team, Membership.Role.LEADER)


def sheet(client_for, shift):
    page = client_for(leader_of(shift.team).user).get(
        reverse("shifts:attendance", args=[shift.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    return page.content.decode()


def test_the_sheet_of_a_running_shift_offers_the_walk_in_form(client_for):
    shift = ShiftFactory(starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR)
    html = sheet(client_for, shift)
    assert 'data-testid="walk-in-form"' in html
    assert 'data-testid="walk-in-refused"' not in html


def test_the_sheet_of_a_shift_still_to_come_says_when_walk_ins_open(client_for):
    starts_at = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(days=2)
    shift = ShiftFactory(starts_at=starts_at)
    html = sheet(client_for, shift)
    assert 'data-testid="walk-in-form"' not in html
    opens = starts_at - datetime.timedelta(minutes=30)
    assert re.search(rf'data-testid="walk-in-refused">Walk-ins can be added from {opens:%H:%M}', html)


def test_the_sheet_of_a_cancelled_shift_says_so(client_for):
    shift = ShiftFactory(starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR, is_cancelled=True)
    html = sheet(client_for, shift)
    assert 'data-testid="walk-in-form"' not in html
    assert "No walk-ins: this shift has been cancelled." in html


def scanner(client_for, shift):
    page = client_for(leader_of(shift.team).user).get(
        reverse("shifts:scanner", args=[shift.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    config = json.loads(re.search(r'id="scanner-config" type="application/json">(.*?)</script>', html).group(1))
    return html, config["walkIn"]


def test_the_scanner_of_a_running_shift_offers_walk_ins_and_knows_the_window(client_for):
    now = timezone.now().replace(microsecond=0)
    shift = ShiftFactory(starts_at=now - HOUR, ends_at=now + HOUR)
    html, rules = scanner(client_for, shift)
    assert re.search(r'<p class="muted" data-testid="walk-in-rule" hidden></p>', html)
    assert rules["refusal"] is None
    assert datetime.datetime.fromisoformat(rules["opensAt"]) == shift.starts_at - datetime.timedelta(minutes=30)
    assert datetime.datetime.fromisoformat(rules["closesAt"]) == shift.ends_at
    assert rules["ended"].startswith("No walk-ins by scan")


def test_the_scanner_of_an_ended_shift_says_why_there_are_no_walk_ins(client_for):
    now = timezone.now()
    shift = ShiftFactory(starts_at=now - 3 * HOUR, ends_at=now - HOUR)
    html, _rules = scanner(client_for, shift)
    assert re.search(r'data-testid="walk-in-rule">No walk-ins by scan: the shift has ended\.', html)


def test_a_walk_in_the_sheet_refuses_is_refused_by_the_service_too(client_for):
    """The sentence is no promise the service breaks: before check-in opens, posting a
    walk-in anyway adds no one."""
    team = TeamFactory()
    shift = ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=2))
    member = volunteer_in(team)
    client = client_for(leader_of(team).user)
    client.post(
        reverse("shifts:attendance_walk_in", args=[shift.pk]),
        {"volunteer": member.pk, "checked_in": "09:00"},
    )
    assert not Attendance.objects.filter(shift=shift).exists()
