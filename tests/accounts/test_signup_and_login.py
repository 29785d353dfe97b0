import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "xk3!Lm9q2z"


def _code(sms_outbox) -> str:
    _phone, text = sms_outbox[-1]
    return re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}|\d{6}", text)[0]


def test_signup_with_a_mainland_number_verifies_it_by_text_message(client, sms_outbox):
    response = client.post(
        reverse("account_signup"),
        {"phone": "139 1234 5678", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.phone == "+8613912345678"
    assert not user.phone_verified
    assert sms_outbox[-1][0] == "+8613912345678"

    response = client.post(response["Location"], {"code": _code(sms_outbox)})

    user.refresh_from_db()
    assert user.phone_verified
    # A new volunteer completes the profile before anything else.
    assert client.get(reverse("volunteers:home")).url == reverse("volunteers:profile")


def test_a_number_can_sign_up_only_once(client):
    UserFactory(phone="+8613912345678")
    client.post(
        reverse("account_signup"),
        {"phone": "13912345678", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert User.objects.filter(phone="+8613912345678").count() == 1


def test_signup_refuses_a_number_that_is_not_a_mainland_mobile(client):
    response = client.post(
        reverse("account_signup"), {"phone": "12345", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    )
    assert response.status_code == 200
    assert not User.objects.exists()
    assert response.context["form"].errors["phone"]


def test_login_with_the_eleven_digit_number_and_password(client):
    VolunteerFactory(user__phone="+8613800001234")
    response = client.post(reverse("account_login"), {"login": "13800001234", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("volunteers:home")
    assert client.get(reverse("volunteers:home")).status_code == 200


def test_wrong_password_does_not_log_in(client):
    VolunteerFactory(user__phone="+8613800001234")
    response = client.post(reverse("account_login"), {"login": "13800001234", "password": "wrong-one-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_goes_through_a_texted_login_code(client, sms_outbox):
    """Imported people have no password: they log in with a code and then set one."""
    user = User.objects.create_user(phone="13800001234")
    VolunteerFactory(user=user)
    assert not user.has_usable_password()

    start = client.get(reverse("account_reset_password"))
    assert start.status_code == 302
    response = client.post(start.url, {"phone": "13800001234"})
    assert response.status_code == 302
    assert sms_outbox and sms_outbox[-1][0] == "+8613800001234"

    response = client.post(response.url, {"code": _code(sms_outbox)}, follow=True)
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse("new_password")
    client.post(reverse("new_password"), {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_someone_who_forgot_their_password_sets_a_new_one_without_the_old(client, sms_outbox):
    """The reset ended at a form asking for the old password: the one thing they do not have."""
    user = VolunteerFactory(user__phone="+8613800001234").user
    start = client.get(reverse("account_reset_password"))
    response = client.post(start.url, {"phone": "13800001234"})
    page = client.post(response.url, {"code": _code(sms_outbox)}, follow=True)

    assert "old_password" not in page.content.decode()
    client.post(reverse("new_password"), {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_signed_in_with_a_password_one_changes_it_with_the_old_one(client_for):
    user = VolunteerFactory().user

    response = client_for(user).get(reverse("new_password"))

    assert response.url == reverse("account_change_password")


def test_forty_people_on_one_wifi_can_sign_up_within_a_minute(client, settings):
    """allauth's per-address limit is set for a crowd at one venue."""
    for number in range(40):
        response = client.post(
            reverse("account_signup"),
            {"phone": f"1391234{number:04d}", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
            REMOTE_ADDR="10.0.0.7",
        )
        assert response.status_code == 302, number
        client.logout()
    assert User.objects.count() == 40


def test_signing_up_twice_in_a_row_shows_a_wait_page_not_an_error(client):
    data = {"phone": "13912345678", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    client.post(reverse("account_signup"), data)
    client.logout()
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 429
    assert User.objects.count() == 1


def test_an_imported_person_claims_their_account_by_a_texted_code(client, sms_outbox):
    """Signing up with a number the office imported texts the owner how to get in; the
    sign-in code is six digits, typed on the number pad; then they set a password."""
    user = User.objects.create_user(phone="13800001234")  # as a roster import makes them
    VolunteerFactory(user=user)

    client.post(
        reverse("account_signup"), {"phone": "13800001234", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    )
    assert sms_outbox[-1][0] == "+8613800001234" and "已有志愿者账号" in sms_outbox[-1][1]

    client.post(reverse("account_logout"))  # the verification page's "Cancel"
    response = client.post(reverse("account_request_login_code"), {"phone": "13800001234"})
    code = _code(sms_outbox)
    assert re.fullmatch(r"\d{6}", code)
    form = client.get(response.url).content.decode()
    assert 'inputmode="numeric"' in form and 'autocomplete="one-time-code"' in form
    client.post(response.url, {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("new_password"), {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_a_login_code_for_a_number_without_an_account_tells_the_owner_to_sign_up(client, sms_outbox):
    response = client.post(reverse("account_request_login_code"), {"phone": "13800009999"})

    assert response.status_code == 302  # as for any number: the asker learns nothing
    assert sms_outbox == [("+8613800009999", sms_outbox[0][1])] and "注册" in sms_outbox[0][1]


def test_an_imported_person_signing_in_by_code_is_asked_for_a_password_next(client, sms_outbox):
    user = User.objects.create_user(phone="13800005678")  # as a roster import makes them
    VolunteerFactory(user=user)
    response = client.post(reverse("account_request_login_code"), {"phone": "13800005678"})
    message = client.get(response.url).content.decode()
    assert "138 0000 5678" in message and "+8613800005678" not in message.replace('href="tel:+8613800005678"', "")

    response = client.post(response.url, {"code": _code(sms_outbox)})
    assert response.url == reverse("new_password")


def test_someone_with_a_password_signing_in_by_code_goes_home(client, sms_outbox):
    user = User.objects.create_user(phone="13800005679", password=STRONG_PASSWORD)
    VolunteerFactory(user=user)
    response = client.post(reverse("account_request_login_code"), {"phone": "13800005679"})
    response = client.post(response.url, {"code": _code(sms_outbox)})
    assert response.url == reverse("volunteers:home")
