"""Passwords are hashed with Argon2; a password hashed before keeps working and is upgraded."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The site's own hashers (the suite's settings swap in a fast one for speed).
SITE_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=SITE_HASHERS)
def test_an_old_pbkdf2_password_signs_in_and_is_upgraded_to_argon2():
    user = UserFactory(phone="+8613800000001")
    user.password = make_password("xk3!Lm9q2z", hasher="pbkdf2_sha256")
    user.save()

    response = Client().post(reverse("account_login"), {"login": "13800000001", "password": "xk3!Lm9q2z"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_the_site_hashes_new_passwords_with_argon2():
    from config import settings as site_settings

    assert site_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
