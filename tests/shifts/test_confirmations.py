"""Steps that cannot be taken back ask first (issue 14): static/js/page.js shows the
`data-confirm` question of a form before it is sent. Cancelling a sign-up can be done from
the shift's page and from my shifts; cancelling a shift and posting a sheet ask too."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.models import Signup
from shifts.services import sign_up
from teams.models import Membership
from tests.factories import ShiftFactory, TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db

CANCEL_FORM = re.compile(
    r'<form method="post" action="(?P<action>[^"]+)" class="inline" data-testid="cancel-signup"\s+'
    r'data-confirm="(?P<question>[^"]+)">'
)


def test_cancelling_my_sign_up_on_the_shift_page_asks_first(client_for):
    shift = ShiftFactory(title="独居老人探访")
    member = volunteer_in(shift.team)
    sign_up(shift=shift, volunteer=member)

    html = client_for(member.user).get(shift.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    form = CANCEL_FORM.search(html)
    assert form["action"] == reverse("shifts:cancel_signup", args=[shift.pk])
    assert form["question"] == "Cancel your sign-up for “独居老人探访”?"


def test_my_shifts_cancel_a_sign_up_after_asking_and_come_back_to_the_list(client_for):
    team = TeamFactory()
    member = volunteer_in(team)
    soon = ShiftFactory(team=team, title="周三巡河")
    running = ShiftFactory(team=team, title="正在进行", starts_at=timezone.now() - datetime.timedelta(minutes=30))
    cancelled = ShiftFactory(team=team, title="已取消的班次")
    for shift in (soon, running, cancelled):
        Signup.objects.create(shift=shift, volunteer=member, status=Signup.Status.CONFIRMED)
    cancelled.is_cancelled = True
    cancelled.save()
    client = client_for(member.user)

    html = client.get(reverse("shifts:mine")).content.decode()

    forms = list(CANCEL_FORM.finditer(html))
    assert [form["action"] for form in forms] == [reverse("shifts:cancel_signup", args=[soon.pk])]
    assert forms[0]["question"] == "确定取消“周三巡河”的报名吗？"
    assert '<input type="hidden" name="back" value="mine">' in html

    response = client.post(reverse("shifts:cancel_signup", args=[soon.pk]), {"back": "mine"})
    assert response["Location"] == reverse("shifts:mine")
    assert Signup.objects.get(shift=soon).status == Signup.Status.CANCELLED
    # Anything else goes back to the shift, as before.
    other = ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=5))
    sign_up(shift=other, volunteer=member)
    response = client.post(reverse("shifts:cancel_signup", args=[other.pk]), {"back": "https://example.com/"})
    assert response["Location"] == other.get_absolute_url()


def test_my_shifts_ask_the_same_queries_for_many_sign_ups(client_for):
    team = TeamFactory()
    member = volunteer_in(team)
    client = client_for(member.user)
    sign_up(shift=ShiftFactory(team=team), volunteer=member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("shifts:mine"))
    for day in range(3, 15):
        sign_up(
            shift=ShiftFactory(team=team, starts_at=timezone.now() + datetime.timedelta(days=day)), volunteer=member
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("shifts:mine")).content.decode()
    assert len(CANCEL_FORM.findall(html)) == 13
    assert len(many) == len(few)


def test_the_leader_is_asked_before_cancelling_a_shift_and_before_posting_a_sheet(client_for):
    team = TeamFactory()
    leader = volunteer_in(team, Membership.Role.LEADER)
    client = client_for(leader.user)
    coming = ShiftFactory(team=team)
    html = client.get(coming.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(
        r'data-testid="cancel-shift"\s+data-confirm="Cancel this shift\? Everyone signed up is told\."', html
    )

    ended = ShiftFactory(team=team, starts_at=timezone.now() - datetime.timedelta(hours=3))
    html = client.get(reverse("shifts:attendance", args=[ended.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(
        r'data-testid="confirm-sheet-form"\s+data-confirm="Post the credited time to the service-hours ledger\?', html
    )
