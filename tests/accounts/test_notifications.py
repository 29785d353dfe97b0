import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.notifications import notify, unread_count
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_notifications_show_an_unread_count_until_the_list_is_opened(client_for, sms_outbox):
    volunteer = VolunteerFactory()
    other = VolunteerFactory()
    notify([volunteer.user], lambda: "候补转正：您已确认参加", link="/shifts/1/")
    notify([other.user], lambda: "别人的消息")
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
    notify([volunteer.user], lambda: "活动取消", text=True)
    assert sms_outbox == [(volunteer.user.phone, "活动取消")]
    assert Notification.objects.count() == 1


def test_a_notification_is_written_in_the_site_language_whoever_sends_it(sms_outbox):
    """An office working in English tells a volunteer something: the volunteer reads Chinese.
    People keep no language of their own; the site's (settings.LANGUAGE_CODE) is theirs."""
    volunteer = VolunteerFactory()
    with translation.override("en"):
        notify([volunteer.user], lambda: _("Your new password is set."), text=True)
        assert _("Your new password is set.") == "Your new password is set."
    assert Notification.objects.get().message == "新密码已设置。"
    assert sms_outbox == [(volunteer.user.phone, "新密码已设置。")]


def test_a_message_already_worded_in_the_senders_language_is_refused():
    with pytest.raises(TypeError):
        notify([VolunteerFactory().user], "Your new password is set.")
    assert not Notification.objects.exists()


def test_a_stranger_asking_in_english_texts_the_owner_in_chinese(sms_outbox):
    """Sign-up and sign-in code texts about an account go to the number's owner, who may not be
    the person asking, so they are in the site's language."""
    VolunteerFactory(user__phone="+8613800001234")
    password = "xk3!Lm9q2z"
    signup = {"phone": "13800001234", "password1": password, "password2": password}
    for url, data in [
        (reverse("account_signup"), signup),
        (reverse("account_request_login_code"), {"phone": "13800009999"}),
    ]:
        english = Client()
        english.post(reverse("set_language"), {"language": "en", "next": "/"})
        english.post(url, data)
    texts = [text for _phone, text in sms_outbox]
    assert texts == [
        "本手机号已有志愿者账号。请在登录页点击“用验证码登录”，登录后可设置密码。",
        "本手机号尚未注册志愿者账号。如需加入，请用本手机号注册。",
    ]
