import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notify, unread_count
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_notifications_show_an_unread_count_until_the_list_is_opened(client_for, sms_outbox):
    volunteer = VolunteerFactory()
    other = VolunteerFactory()
    notify([volunteer.user], "候补转正：您已确认参加", link="/shifts/1/")
    notify([other.user], "别人的消息")
    client = client_for(volunteer.user)
    home = client.get(reverse("volunteers:home"))
    assert home.context["unread_notifications"] == 1
    page = client.get(reverse("notifications"))
    assert "候补转正" in page.content.decode() and "别人的消息" not in page.content.decode()
    assert unread_count(volunteer.user) == 0
    assert unread_count(other.user) == 1
    assert not sms_outbox


def test_a_notification_can_also_go_out_as_a_text(sms_outbox):
    volunteer = VolunteerFactory()
    notify([volunteer.user], "活动取消", text=True)
    assert sms_outbox == [(volunteer.user.phone, "活动取消")]
    assert Notification.objects.count() == 1
