import pytest
from django.core.management import call_command

from accounts.models import User
from teams.models import Membership, OfficeStaff, Team
from volunteers.demo import DEMO_PASSWORD, LEADER_PHONE, STAFF_PHONE, VOLUNTEER_PHONE
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_demo_and_is_idempotent():
    call_command("seed_demo")
    counts = (Team.objects.count(), Volunteer.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (Team.objects.count(), Volunteer.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == 8
    assert Volunteer.objects.count() >= 200
    assert Team.objects.filter(name="六点半课堂").exists()
    assert Team.objects.filter(kind__name="党员志愿服务队").exists()


def test_the_three_demo_logins_work_with_their_roles(client):
    call_command("seed_demo")
    for phone in (STAFF_PHONE, LEADER_PHONE, VOLUNTEER_PHONE):
        assert User.objects.get(phone=phone).check_password(DEMO_PASSWORD)
    assert OfficeStaff.objects.filter(user__phone=STAFF_PHONE, can_view_pii=True).exists()
    assert Membership.objects.leaders().filter(user__phone=LEADER_PHONE).exists()
    response = client.post("/accounts/login/", {"login": VOLUNTEER_PHONE[3:], "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_if_empty_leaves_a_database_with_volunteers_alone():
    call_command("seed_demo", "--if-empty")
    before = Volunteer.objects.count()
    Volunteer.objects.filter(user__phone=VOLUNTEER_PHONE).update(real_name="改过的名字")
    call_command("seed_demo", "--if-empty")
    assert Volunteer.objects.count() == before
